"""The layers of a network by name, as the visualisations list them."""

from __future__ import annotations


def named_layers(model) -> list[tuple[str, object]]:
    """``model.named_modules()`` without the model itself, named without the ``hidden_prefix`` a
    wrapper declares (so a wrapped DnCNN's first layer is "body.0", not "net.body.0")."""
    prefix = getattr(model, "hidden_prefix", "")
    return [(name.removeprefix(prefix), module) for name, module in model.named_modules() if name]


def input_unshuffle(model) -> int:
    """The factor r by which ``model`` (or the net a wrapper holds) pixel-unshuffles its input
    before its first layer (the workbench's unshuffled DnCNN and FFDNet: 2); 1 for other nets."""
    return int(getattr(getattr(model, "net", model), "unshuffle", 1) or 1)
