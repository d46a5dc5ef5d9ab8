"""The network names the visualisations know (free of torch, for the command line's help)."""

MODEL_NAMES = ("dncnn", "colour_cnn", "dncnn17", "dncnn20", "ffdnet", "unet", "dip")
