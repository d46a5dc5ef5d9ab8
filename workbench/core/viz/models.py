"""The networks the visualisations know by name, and the adapter that gives any network the same
face: one 1×C×H×W image tensor in, one out.

The workbench's denoisers take ``(noisy, sigma)`` and residual ones return ``noisy - estimate``;
:class:`VizNet` supplies a fixed sigma and, for residual models, shows the estimated noise
(``input - output``) so that the identity path does not hide the learned part of the field.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from workbench.core.errors import ParameterError

from .choices import MODEL_NAMES

COLOUR_CNN_FILE = "resunet_colour.pt"
"""The shipped colour denoiser's weights in resources/ ("colour_cnn")."""
VIZ_SIGMA = 25 / 255
"""Noise level ([0, 1] scale) given to models that take one (sigma 25 in 8-bit units)."""


class VizNet(nn.Module):
    """A network seen by the visualisations.

    Attributes:
        net: the wrapped module (its parameters are shared, not copied).
        in_channels: channels of the image fed to it.
        size_multiple: input sides must be multiples of this.
        measured_field: True when the receptive field must be measured (the net up-samples, or its
            forward pass does things its module list does not show, such as functional pooling).
        label: what to call it in titles; notice: what the user should know (e.g. random weights).
        hidden_prefix: left out of layer names, so they read as the wrapped net's own ("body.0").
        start_network: returns the network as it was at its start, when that is known (a live
            run's start, or a weight file's initialisation rebuilt from its card), else None;
            ``start_label`` names that start ("the start of the run") and ``start_filters`` holds
            its first-layer filters (O×I×h×w, as :func:`first_layer_weights` gives them) or None.
    """

    def __init__(
        self,
        net: nn.Module,
        in_channels: int,
        size_multiple: int = 1,
        sigma: float | None = None,
        residual: bool = False,
        measured_field: bool = True,
        label: str = "",
        notice: str = "",
    ) -> None:
        super().__init__()
        self.net = net
        self.in_channels = in_channels
        self.size_multiple = size_multiple
        self.sigma = sigma
        self.residual = residual
        self.measured_field = measured_field
        self.label = label or type(net).__name__
        self.hidden_prefix = "net."
        self.notice = notice
        self.start_network: Callable[[], VizNet | None] = lambda: None
        self.start_filters: np.ndarray | None = None
        self.start_label = ""

    def set_start(self, start: VizNet, label: str) -> None:
        """Remember ``start``, this network as it began, called ``label``. It is held by a function,
        not as a submodule, so it stays out of the layer list and out of job snapshots."""
        from .filters import first_layer_weights

        self.start_network = lambda: start
        self.start_label = label
        try:
            self.start_filters = first_layer_weights(start)[1]
        except ParameterError:
            self.start_filters = None

    def start_is_constant(self) -> bool:
        """True when the start network's last convolution is all zeros: the workbench's denoisers
        begin as the identity, so their noise estimate is 0 and no pixel of it depends on the input."""
        start = self.start_network()
        convs = [module for module in start.modules() if isinstance(module, nn.Conv2d)] if start else []
        return bool(convs) and not bool(convs[-1].weight.detach().any())

    def keep_start(self, label: str) -> None:
        """Remember a copy of the network as it is now as its start (a live run, before its first step)."""
        start = wrap_model(copy.deepcopy(self.net), f"{self.label} at {label}")
        self.set_start(start, label)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """1×C×H×W -> the net's output, or for a residual model the noise it estimates (x - output)."""
        if self.sigma is None:
            out = self.net(x)
        else:
            out = self.net(x, torch.full((x.shape[0],), self.sigma, dtype=x.dtype, device=x.device))
        return x - out if self.residual else out


def _first_conv_channels(net: nn.Module) -> int:
    for module in net.modules():
        if isinstance(module, nn.Conv2d):
            return int(module.in_channels)
    raise ParameterError(f"model {type(net).__name__} has no Conv2d layer")


PLAIN_LAYERS = (
    nn.Sequential,
    nn.Conv2d,
    nn.BatchNorm2d,
    nn.ReLU,
    nn.LeakyReLU,
    nn.ELU,
    nn.Sigmoid,
    nn.Tanh,
    nn.Identity,
    nn.ReflectionPad2d,
    nn.ZeroPad2d,
)
"""Modules a plain stack may hold: they run in module order and never re-sample."""


def _is_plain_stack(net: nn.Module) -> bool:
    """True when the layers run in module order with no hidden re-sampling: a full-resolution DnCNN,
    or a Sequential made only of ``PLAIN_LAYERS`` (the DIP hourglass is a Sequential of levels that
    re-sample). A DnCNN that pixel-unshuffles re-samples in its forward pass, out of the module list."""
    from workbench.core.models import DnCNN

    if isinstance(net, DnCNN):
        return net.unshuffle == 1
    return isinstance(net, nn.Sequential) and all(isinstance(m, PLAIN_LAYERS) for m in net.modules())


def _is_residual(net: nn.Module) -> bool:
    from workbench.core.models import UNet

    return bool(getattr(net, "residual", isinstance(net, UNet)))


def wrap_model(net: nn.Module, label: str = "", notice: str = "") -> VizNet:
    """``net`` as a :class:`VizNet`, reading the workbench models' conventions (``channels``,
    ``alignment``, ``uses_sigma``, ``residual``); any other module is fed as it is."""
    if isinstance(net, VizNet):
        return net
    channels = getattr(net, "channels", None)
    alignment = getattr(net, "alignment", 1)
    return VizNet(
        net,
        in_channels=channels if isinstance(channels, int) else _first_conv_channels(net),
        size_multiple=alignment if isinstance(alignment, int) and alignment > 0 else 1,
        sigma=VIZ_SIGMA if getattr(net, "uses_sigma", False) else None,
        residual=_is_residual(net),
        measured_field=not _is_plain_stack(net),
        label=label,
        notice=notice,
    )


def _randomly_initialised(net: nn.Module) -> nn.Module:
    """``net`` with every convolution re-drawn by PyTorch's default (Kaiming-uniform) rule.

    The workbench's denoisers start training with a zero last layer (an identity map, see
    ``models.dncnn.initialise``), whose effective field is empty; "at initialisation" here means
    the usual random network of the receptive-field literature instead."""
    for module in net.modules():
        if isinstance(module, nn.Conv2d):
            module.reset_parameters()
    return net


def _paper_dncnn(depth: int) -> VizNet:
    from workbench.core.models import DnCNN

    torch.manual_seed(0)
    notice = f"untrained DnCNN-{depth} (paper configuration, random initialisation, seed 0)"
    net = _randomly_initialised(DnCNN(depth=depth))
    return wrap_model(net, f"DnCNN-{depth} (untrained)", notice)


def _built(name: str) -> VizNet:
    from workbench.core.models import build_model

    torch.manual_seed(0)
    return wrap_model(
        _randomly_initialised(build_model(name)),
        f"{name} (untrained)",
        f"untrained {name}, random initialisation (seed 0)",
    )


def resolve_model(spec: str) -> VizNet:
    """The network called ``spec``: one of ``MODEL_NAMES`` or the path of a weights file.

    "dncnn" is the shipped DnCNN when its weights are installed, else an untrained DnCNN-17 (its
    ``notice`` says so); "colour_cnn" the shipped colour ResUNet; "dncnn17"/"dncnn20" are the
    paper's configurations, untrained; "ffdnet" and "unet" the workbench's architectures,
    untrained; "dip" the Deep Image Prior hourglass.

    Raises:
        ParameterError: an unknown name, or "colour_cnn" without its weights; InputError: a weights
            file that cannot be loaded.
    """
    name = spec.strip().lower()
    if name == "dncnn":
        return _shipped_dncnn()
    if name == "colour_cnn":
        return _shipped_colour_cnn()
    if name in ("dncnn17", "dncnn20"):
        return _paper_dncnn(int(name[-2:]))
    if name in ("ffdnet", "unet"):
        return _built(name)
    if name == "dip":
        return _dip_hourglass()
    path = Path(spec).expanduser()
    if path.suffix or path.exists():
        return _from_file(path)
    raise ParameterError(f"--model {spec!r}: use one of {', '.join(MODEL_NAMES)} or a weights file")


def _from_file(path: Path) -> VizNet:
    """A model from any weight file the workbench imports (own format, published MatConvNet
    ``.mat``, a PyTorch state dict read without running pickle code): ``models.published``."""
    from workbench.core.models.published import open_weights

    loaded = open_weights(path)
    net = wrap_model(loaded.model.eval(), f"{loaded.architecture} ({path.name})")
    seed = initial_seed(loaded.card)
    if seed is not None:
        from workbench.core.models import build_model

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            fresh = build_model(loaded.architecture, **loaded.kwargs).eval()
        label = f"its initialisation (rebuilt from the card: seed {seed})"
        net.set_start(wrap_model(fresh, f"{net.label} at {label}"), label)
    return net


def initial_seed(card: dict) -> int | None:
    """The seed a workbench weight file's network was initialised with, when its first run began
    from scratch (the trainer seeds torch with it, then builds the model); else None."""
    runs = card.get("runs")
    from_scratch = runs[0].get("from") == "scratch" if runs else not card.get("started_from")
    seed = card.get("seed")
    return int(seed) if from_scratch and isinstance(seed, int) else None


def shipped_dncnn_files() -> list[Path]:
    """DnCNN weight files in resources/ (``dncnn*.pt``), gray sigma-25 ones first, else by name."""
    from workbench.resources import path as resource

    found = sorted(resource("").glob("dncnn*.pt"))
    return sorted(found, key=lambda file: ("gray" not in file.name or "25" not in file.name, file.name))


def _shipped_dncnn() -> VizNet:
    """The DnCNN whose weights ship in resources/, or an untrained DnCNN-17 when there are none."""
    files = shipped_dncnn_files()
    if files:
        shipped = _from_file(files[0])
        shipped.label = f"DnCNN (shipped {files[0].name})"
        shipped.notice = f"shipped weights: {files[0].name}"
        return shipped
    untrained = _paper_dncnn(17)
    untrained.notice = "no shipped DnCNN weights found: showing an " + untrained.notice
    return untrained


def _shipped_colour_cnn() -> VizNet:
    """The colour ResUNet whose weights ship in resources/ (the colour default of the Restore page)."""
    from workbench.resources import path as resource

    file = resource(COLOUR_CNN_FILE)
    if not file.is_file():
        raise ParameterError(f"the colour CNN's weights (resources/{COLOUR_CNN_FILE}) are not installed")
    shipped = _from_file(file)
    shipped.label = f"colour CNN (shipped {file.name})"
    shipped.notice = f"shipped weights: {file.name} (colour ResUNet)"
    return shipped


def _dip_hourglass() -> VizNet:
    """The Deep Image Prior hourglass of workbench.core.dip, as DIP builds it by default."""
    try:
        from workbench.core import dip
    except ImportError as error:
        raise ParameterError("the Deep Image Prior package (workbench.core.dip) is not installed") from error
    torch.manual_seed(0)
    net = dip.build_net()
    return wrap_model(net, "DIP hourglass (untrained)", "DIP hourglass at initialisation (seed 0)")
