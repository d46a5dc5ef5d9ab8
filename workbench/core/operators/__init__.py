"""Degradation operators y = A(x) + noise."""
