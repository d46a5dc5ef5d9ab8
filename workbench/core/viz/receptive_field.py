"""Theoretical receptive fields, per layer: by the recurrence for plain stacks, numerically otherwise.

Recurrence (Araujo et al., Distill 2019), walking the layers in module order::

    r = 1, jump = 1
    for each layer:  k_eff = d (k - 1) + 1;  r += (k_eff - 1) * jump;  jump *= stride

For a network that up-samples (U-Net, the DIP hourglass) the recurrence does not apply, so the field
is measured: the side of the bounding box of the support of d(one output pixel)/d(input). To keep
cancellations from hiding part of that support, the gradient is taken through a *positive twin* of
the network, never through the network itself:

- every weight of two or more dimensions (convolutions, transposed convolutions, linear layers) is
  set to the same positive constant (1 / fan-in) and every bias to zero;
- normalisation layers (batch, instance, group, layer norm) become identities (they are pointwise in
  this geometric sense) and max-pooling becomes average pooling of the same shape (max-pooling
  passes the gradient to one pixel only);
- the input is all ones and the twin is evaluated in float64 and eval mode.

Every activation is then positive, so ReLU-like units pass the gradient and every path from an input
pixel to the output pixel contributes a positive product: the gradient is non-zero exactly where the
output depends on the input. float64 keeps the smallest products (about 3^-2L for L layers of 3×3
convolutions) far from underflow. The probe image grows until the support stops at its border or
``max_size`` is reached, in which case the report is marked ``clipped`` (the field is at least that).

The measurement takes one backward pass per layer and probe size (half a minute for the colour
ResUNet on one CPU thread); given a :class:`RunContext` it reports each pass and, once the
context is cancelled, stops with :class:`Cancelled` at the next layer the forward or a backward
pass goes through.
"""

from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from workbench.core.errors import ParameterError

from .layers import input_unshuffle, named_layers
from .probe import input_channels, size_multiple

if TYPE_CHECKING:
    from workbench.core.jobs import RunContext

RECURRENCE = "recurrence"
GRADIENT_SUPPORT = "gradient support"


@dataclass(frozen=True)
class LayerRF:
    """One layer that changes the receptive field.

    Attributes:
        name: the module's name in the model ("" for the model's output).
        kernel: kernel size in the layer's input pixels (the first, vertical, value if not square).
        stride: input pixels per output pixel; below 1 for up-sampling (0.5 for ×2).
        dilation: spacing of the kernel taps.
        rf: side in input-image pixels of the square the layer's output pixel depends on.
    """

    name: str
    kernel: int
    stride: float
    dilation: int
    rf: int

    def as_dict(self) -> dict:
        """JSON-ready record: name, kernel, stride (an int when whole), dilation, rf."""
        record = asdict(self)
        if float(self.stride).is_integer():
            record["stride"] = int(self.stride)
        return record


@dataclass
class RFReport:
    """Receptive fields of a network.

    Attributes:
        layers: per layer, in module order (recurrence) or call order (gradient support).
        theoretical_rf: side in pixels of the square one output pixel depends on.
        method: RECURRENCE or GRADIENT_SUPPORT.
        clipped: the measured field reached the border of the largest probe image, so the
            values are lower bounds.
        probe_size: side of the probe image used by the gradient-support method (0 otherwise).
        note: what a reader of the layer table must know (empty when nothing), e.g. that the
            layers run on a pixel-unshuffled image.
    """

    layers: list[LayerRF] = field(default_factory=list)
    theoretical_rf: int = 1
    method: str = RECURRENCE
    clipped: bool = False
    probe_size: int = 0
    note: str = ""


def _pair_first(value) -> int:
    return int(value[0]) if isinstance(value, (tuple, list)) else int(value)


def layer_geometry(module) -> tuple[int, float, int] | None:
    """(kernel, stride, dilation) of a module that changes the receptive field, else None.

    Up-sampling layers get a stride below 1 (nan when an ``Upsample`` is given a size, not a factor).
    """
    from torch import nn

    if isinstance(module, nn.ConvTranspose2d):
        return (
            _pair_first(module.kernel_size),
            1.0 / _pair_first(module.stride),
            _pair_first(module.dilation),
        )
    if isinstance(module, nn.Conv2d):
        return (
            _pair_first(module.kernel_size),
            float(_pair_first(module.stride)),
            _pair_first(module.dilation),
        )
    if isinstance(module, nn.MaxPool2d):
        stride = module.stride if module.stride is not None else module.kernel_size
        return _pair_first(module.kernel_size), float(_pair_first(stride)), _pair_first(module.dilation)
    if isinstance(module, nn.AvgPool2d):
        stride = module.stride if module.stride is not None else module.kernel_size
        return _pair_first(module.kernel_size), float(_pair_first(stride)), 1
    if isinstance(module, nn.Upsample):
        factor = module.scale_factor
        factor = float(factor[0] if isinstance(factor, (tuple, list)) else factor) if factor else math.nan
        return 1, 1.0 / factor, 1
    if isinstance(module, nn.PixelShuffle):
        return 1, 1.0 / module.upscale_factor, 1
    if isinstance(module, nn.PixelUnshuffle):
        return module.downscale_factor, float(module.downscale_factor), 1
    return None


def _geometry_layers(model) -> list[tuple[str, object, tuple[int, float, int]]]:
    named = [("(model)", model), *named_layers(model)]
    return [(name, module, layer_geometry(module)) for name, module in named if layer_geometry(module)]


def _up_samples(stride: float) -> bool:
    return math.isnan(stride) or stride < 1


def has_upsampling(model) -> bool:
    """True when ``model`` holds a layer that up-samples (so the recurrence does not apply)."""
    return any(_up_samples(geometry[1]) for _n, _m, geometry in _geometry_layers(model))


def recurrence_rf(model) -> RFReport:
    """Receptive field of each layer by the recurrence, walking ``model``'s modules in order.

    Raises:
        ParameterError: the model up-samples (use :func:`gradient_support_rf`).
    """
    rf, jump, layers = 1, 1.0, []
    for name, _module, (kernel, stride, dilation) in _geometry_layers(model):
        if _up_samples(stride):
            raise ParameterError(f"layer {name} up-samples: the recurrence does not apply, measure the field")
        rf += round((dilation * (kernel - 1)) * jump)
        jump *= stride
        layers.append(LayerRF(name, kernel, stride, dilation, rf))
    return RFReport(layers, rf, RECURRENCE)


def positive_twin(model):
    """A float64, eval-mode copy of ``model`` whose output depends positively on every input pixel it
    depends on at all (see the module docstring); ``model`` itself is left untouched."""
    import torch
    from torch import nn

    twin = copy.deepcopy(model).double().eval()
    norms = (nn.modules.batchnorm._NormBase, nn.GroupNorm, nn.LayerNorm)
    for parent in list(twin.modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, norms):
                setattr(parent, child_name, nn.Identity())
            elif isinstance(child, nn.MaxPool2d):
                pool = nn.AvgPool2d(child.kernel_size, child.stride, child.padding, child.ceil_mode)
                setattr(parent, child_name, pool)
            elif isinstance(child, nn.AdaptiveMaxPool2d):
                setattr(parent, child_name, nn.AdaptiveAvgPool2d(child.output_size))
    with torch.no_grad():
        for module in twin.modules():
            for name, parameter in module.named_parameters(recurse=False):
                if name == "bias":
                    parameter.zero_()
                elif parameter.dim() >= 2:
                    parameter.fill_(1.0 / parameter[0].numel())
                parameter.requires_grad_(False)
    return twin


def _first_tensor(output):
    import torch

    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, (tuple, list)) and output and isinstance(output[0], torch.Tensor):
        return output[0]
    raise ParameterError(f"the network returned {type(output).__name__}, not an image tensor")


def _support_side(value, x) -> tuple[int, bool]:
    """(side of the bounding box of the support of d value / d x, touches the border of x?)."""
    import torch

    gradient = torch.autograd.grad(value, x, retain_graph=True)[0][0].abs().sum(0)
    rows = torch.nonzero(gradient.sum(1) > 0).flatten()
    cols = torch.nonzero(gradient.sum(0) > 0).flatten()
    if len(rows) == 0:
        return 0, False
    height, width = gradient.shape
    top, bottom, left, right = int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])
    touches = top == 0 or left == 0 or bottom == height - 1 or right == width - 1
    return max(bottom - top + 1, right - left + 1), touches


def _centre_value(output):
    height, width = output.shape[-2:]
    return output[0, :, height // 2, width // 2].sum()


def _measure(
    twin, channels: int, side: int, device, ctx: RunContext | None = None
) -> tuple[list[LayerRF], int, bool]:
    """(per-layer fields, the output's field, clipped?) on a side×side probe; ``ctx`` hears each
    backward pass and cancels between two layers of the forward pass or of a backward pass."""
    import torch

    recorded = []
    handles = []
    for name, module, geometry in _geometry_layers(twin):

        def hook(_module, _inputs, output, name=name, geometry=geometry):
            if ctx is not None:
                ctx.check_cancelled()
            if isinstance(output, torch.Tensor) and output.dim() == 4:
                recorded.append((name, geometry, output))
                if ctx is not None and output.requires_grad:
                    output.register_hook(_cancel_check(ctx))

        handles.append(module.register_forward_hook(hook))
    x = torch.ones(1, channels, side, side, dtype=torch.float64, device=device, requires_grad=True)
    try:
        output = _first_tensor(twin(x))
    finally:
        for handle in handles:
            handle.remove()
    layers, clipped = [], False
    passes = len(recorded) + 1
    for index, (name, (kernel, stride, dilation), activation) in enumerate(recorded):
        _report_pass(ctx, index, passes, side)
        rf, touches = _support_side(_centre_value(activation), x)
        layers.append(LayerRF(name, kernel, stride, dilation, rf))
        clipped |= touches
    _report_pass(ctx, passes - 1, passes, side)
    rf, touches = _support_side(_centre_value(output), x)
    return layers, rf, clipped or touches


def _cancel_check(ctx: RunContext):
    """A tensor hook that leaves the gradient as it is and raises Cancelled once ``ctx`` is
    cancelled, so that one long backward pass stops at the next layer."""

    def check(_gradient) -> None:
        ctx.check_cancelled()

    return check


def _report_pass(ctx: RunContext | None, index: int, passes: int, side: int) -> None:
    """Tell ``ctx`` that backward pass ``index`` of ``passes`` on a side×side probe begins; raises
    Cancelled when the context was cancelled."""
    if ctx is not None:
        message = f"measuring the receptive field on a {side}×{side} probe: pass {index + 1} of {passes}"
        ctx.progress(index / passes, message)


def gradient_support_rf(
    model,
    start_size: int = 64,
    max_size: int = 512,
    device: object = "cpu",
    ctx: RunContext | None = None,
) -> RFReport:
    """Receptive field of each layer (in call order) and of the output, measured on ``model``'s
    positive twin from the support of the input gradient of each layer's centre pixel.

    The probe image starts at ``start_size`` pixels (rounded up to the size multiple) and doubles,
    up to ``max_size``, while the support reaches its border. ``ctx``, when given, hears each
    backward pass (the fraction is that of the current probe size) and cancels it at the next layer.

    Raises:
        Cancelled: ``ctx`` was cancelled; nothing is returned.
    """
    twin = positive_twin(model).to(device)
    channels, multiple = input_channels(model), size_multiple(model)
    side = max(multiple, -(-start_size // multiple) * multiple)
    while True:
        layers, rf, clipped = _measure(twin, channels, side, device, ctx)
        if not clipped or side * 2 > max_size:
            return RFReport(layers, rf, GRADIENT_SUPPORT, clipped, side)
        side *= 2


def needs_measuring(model) -> bool:
    """True unless ``model`` is a plain stack: it holds an up-sampling layer, or declares
    ``measured_field = True`` (its forward pass re-samples through functions the module list
    does not show, e.g. ``F.avg_pool2d`` and ``F.interpolate`` in a U-Net)."""
    return bool(getattr(model, "measured_field", False)) or has_upsampling(model)


def receptive_fields(
    model, max_size: int = 512, device: object = "cpu", ctx: RunContext | None = None
) -> RFReport:
    """The recurrence for a plain stack, the gradient-support measurement otherwise (see
    :func:`needs_measuring`); ``ctx`` as for :func:`gradient_support_rf`."""
    report = (
        gradient_support_rf(model, max_size=max_size, device=device, ctx=ctx)
        if needs_measuring(model)
        else recurrence_rf(model)
    )
    fold = input_unshuffle(model)
    if fold > 1:
        report.note = (
            f"The layers run on the {fold}×-unshuffled image: kernel and stride are in its pixels, "
            "rf in image pixels."
        )
    return report
