"""The names the ``train`` command offers, kept free of torch so that ``workbench --help`` starts fast."""

MODES = ("supervised", "noise2noise", "blindspot")
"""Training modes: clean images with synthetic noise, pairs of noisy shots, noisy images alone."""
OPTIMIZERS = ("adam", "sgd")
ARCHITECTURE_NAMES = ("dncnn", "ffdnet", "resunet", "unet")
"""The keys of ``workbench.core.models.ARCHITECTURES``."""
