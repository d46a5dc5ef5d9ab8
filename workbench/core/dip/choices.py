"""The named choices of a Deep Image Prior run, importable without torch (the method registry and
the window's forms list them before any network is built)."""

PRESETS = ("auto", "paper", "light")
"""Preset names: paper (the authors' settings), light (a small net for a CPU), auto (paper on a GPU)."""

PICKS = ("average", "current")
"""What the auto-stop pick keeps at the variance minimum: the running average or the raw output."""

DEFAULT_CPU_THREADS = 1
"""Torch CPU threads of a DIP run unless told otherwise."""
