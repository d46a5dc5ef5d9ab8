"""Theoretical receptive fields: the recurrence on hand-computed stacks, and the gradient-support
measurement agreeing with it where both apply and handling up-sampling where only it applies."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from workbench.core.errors import Cancelled, ParameterError
from workbench.core.jobs import RunContext
from workbench.core.viz import (
    GRADIENT_SUPPORT,
    RECURRENCE,
    gradient_support_rf,
    has_upsampling,
    positive_twin,
    receptive_fields,
    recurrence_rf,
)


def conv_stack(depth: int, channels: int = 4, batch_norm: bool = True) -> nn.Sequential:
    """A DnCNN-shaped plain stack: ``depth`` 3×3 convolutions with ReLU (and batch norm inside)."""
    layers: list[nn.Module] = [nn.Conv2d(1, channels, 3, padding=1), nn.ReLU()]
    for _ in range(depth - 2):
        layers += [nn.Conv2d(channels, channels, 3, padding=1)]
        layers += [nn.BatchNorm2d(channels)] if batch_norm else []
        layers += [nn.ReLU()]
    layers.append(nn.Conv2d(channels, 1, 3, padding=1))
    return nn.Sequential(*layers)


def strided_dilated_stack() -> nn.Sequential:
    """conv3 -> conv3/2 -> conv3 dilation 2 -> maxpool 2/2 -> conv5.

    By hand (r, jump): (3, 1) -> (5, 2) -> (5 + 4·2 = 13, 2) -> (13 + 1·2 = 15, 4) -> (15 + 4·4 = 31, 4).
    """
    return nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(2, 2, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(2, 2, 3, dilation=2, padding=2),
        nn.MaxPool2d(2),
        nn.Conv2d(2, 1, 5, padding=2),
    )


class TinyUNet(nn.Module):
    """conv3 (a) -> maxpool 2 -> conv3 (b) -> nearest ×2 -> concat with a -> conv3.

    By hand: b's pixel sees 3 -> 4 (pool, jump 2) -> 4 + 2·2 = 8 input pixels; the last conv reads 3
    up-sampled pixels, which come from 2 neighbouring b pixels (for either parity), so 8 + 2 = 10.
    """

    def __init__(self, mode: str = "nearest") -> None:
        super().__init__()
        self.down = nn.Conv2d(1, 3, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.inner = nn.Conv2d(3, 3, 3, padding=1)
        self.up = nn.Upsample(scale_factor=2, mode=mode)
        self.out = nn.Conv2d(6, 1, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = torch.relu(self.down(x))
        b = torch.relu(self.inner(self.pool(a)))
        return self.out(torch.cat([self.up(b), a], dim=1))


@pytest.mark.parametrize(("depth", "expected"), [(17, 35), (20, 41)])
def test_recurrence_gives_dncnn_fields(depth, expected):
    report = recurrence_rf(conv_stack(depth))
    assert report.method == RECURRENCE
    assert report.theoretical_rf == expected
    assert [layer.rf for layer in report.layers] == list(range(3, expected + 1, 2))


def test_recurrence_counts_stride_dilation_and_pooling():
    report = recurrence_rf(strided_dilated_stack())
    assert [layer.rf for layer in report.layers] == [3, 5, 13, 15, 31]
    assert [(layer.kernel, layer.stride, layer.dilation) for layer in report.layers] == [
        (3, 1, 1),
        (3, 2, 1),
        (3, 1, 2),
        (2, 2, 1),
        (5, 1, 1),
    ]
    assert report.theoretical_rf == 31


def test_layer_record_writes_whole_strides_as_integers():
    record = recurrence_rf(strided_dilated_stack()).layers[1].as_dict()
    assert record == {"name": "2", "kernel": 3, "stride": 2, "dilation": 1, "rf": 5}
    assert isinstance(record["stride"], int)


@pytest.mark.parametrize("depth", [5, 17])
def test_gradient_support_agrees_with_recurrence_on_plain_stacks(depth):
    stack = conv_stack(depth)
    measured = gradient_support_rf(stack)
    assert measured.method == GRADIENT_SUPPORT
    assert not measured.clipped
    assert measured.theoretical_rf == recurrence_rf(stack).theoretical_rf
    assert [layer.rf for layer in measured.layers] == [layer.rf for layer in recurrence_rf(stack).layers]


def test_gradient_support_agrees_with_recurrence_on_strided_dilated_stack():
    stack = strided_dilated_stack()
    assert gradient_support_rf(stack).theoretical_rf == recurrence_rf(stack).theoretical_rf == 31


def test_gradient_support_sees_through_zero_weights():
    stack = conv_stack(6)
    for parameter in stack.parameters():
        nn.init.zeros_(parameter)
    assert gradient_support_rf(stack).theoretical_rf == 13


def test_unshuffled_dncnn_field_is_measured_in_image_pixels():
    from workbench.core.models import DnCNN
    from workbench.core.viz.models import wrap_model

    report = receptive_fields(wrap_model(DnCNN(depth=3, width=4, unshuffle=2)))
    assert report.method == GRADIENT_SUPPORT
    assert report.theoretical_rf == 6 + 4 + 4
    assert "2×-unshuffled" in report.note
    assert receptive_fields(conv_stack(3)).note == ""


def test_up_sampling_net_is_measured_not_recurred():
    net = TinyUNet()
    assert has_upsampling(net)
    with pytest.raises(ParameterError, match="up-samples"):
        recurrence_rf(net)
    report = receptive_fields(net)
    assert report.method == GRADIENT_SUPPORT
    assert report.theoretical_rf == 10
    assert [layer.name for layer in report.layers] == ["down", "pool", "inner", "up", "out"]
    assert [layer.rf for layer in report.layers] == [3, 4, 8, 8, 10]
    assert report.layers[3].stride == 0.5


def test_bilinear_up_sampling_widens_the_field():
    assert receptive_fields(TinyUNet(mode="bilinear")).theoretical_rf == 12


def test_plain_stack_uses_the_recurrence():
    assert receptive_fields(conv_stack(17)).method == RECURRENCE


def test_field_larger_than_the_largest_probe_is_marked_clipped():
    report = gradient_support_rf(conv_stack(9), start_size=8, max_size=16)
    assert report.clipped
    assert report.probe_size == 16
    assert report.theoretical_rf == 16


def test_probe_grows_until_the_field_fits():
    report = gradient_support_rf(conv_stack(9), start_size=8, max_size=128)
    assert not report.clipped
    assert report.probe_size == 32
    assert report.theoretical_rf == 19


def test_positive_twin_leaves_the_network_untouched():
    stack = conv_stack(4)
    before = [parameter.clone() for parameter in stack.parameters()]
    twin = positive_twin(stack)
    assert all(torch.equal(a, b) for a, b in zip(before, stack.parameters(), strict=True))
    assert isinstance(stack[3], nn.BatchNorm2d)
    assert not isinstance(twin[3], nn.BatchNorm2d)
    assert all((parameter >= 0).all() for parameter in twin.parameters())


def test_a_measurement_with_a_context_reports_each_backward_pass_and_finds_the_same_field():
    messages = []
    ctx = RunContext(on_progress=lambda fraction, message: messages.append((fraction, message)))
    with_context = gradient_support_rf(conv_stack(9), start_size=8, max_size=128, ctx=ctx)
    alone = gradient_support_rf(conv_stack(9), start_size=8, max_size=128)
    assert with_context.theoretical_rf == alone.theoretical_rf == 19
    assert [layer.rf for layer in with_context.layers] == [layer.rf for layer in alone.layers]
    # 9 convolutions and the output, on probes of 8, 16 and 32 pixels.
    assert len(messages) == 3 * 10
    assert messages[0] == (0.0, "measuring the receptive field on a 8×8 probe: pass 1 of 10")
    assert messages[-1][1] == "measuring the receptive field on a 32×32 probe: pass 10 of 10"


def test_a_cancelled_measurement_stops_at_the_next_pass_and_returns_nothing():
    messages = []
    ctx = RunContext()

    def hear(_fraction: float, message: str) -> None:
        messages.append(message)
        if len(messages) == 4:
            ctx.cancel()

    ctx.on_progress = hear
    with pytest.raises(Cancelled):
        receptive_fields(TinyUNet(), ctx=ctx)
    assert len(messages) == 4


class _Gate(torch.autograd.Function):
    """The identity; its backward calls ``on_backward`` (to cancel, or to count)."""

    @staticmethod
    def forward(_ctx, tensor, on_backward):
        _ctx.on_backward = on_backward
        return tensor.view_as(tensor)

    @staticmethod
    def backward(_ctx, gradient):
        _ctx.on_backward()
        return gradient, None


class _GateLayer(nn.Module):
    def __init__(self, on_backward) -> None:
        super().__init__()
        self.on_backward = on_backward

    def __deepcopy__(self, _memo):
        """The measurement works on a copy: it keeps the same callback."""
        return _GateLayer(self.on_backward)

    def forward(self, tensor):
        return _Gate.apply(tensor, self.on_backward)


def test_a_measurement_cancelled_during_a_backward_pass_stops_before_that_pass_ends():
    """Cancelled while the gradient of the second layer's pixel flows back: it never reaches the
    input, which the first pass's gradient did."""
    ctx = RunContext()
    reached_input = []
    net = nn.Sequential(
        _GateLayer(lambda: reached_input.append(1)),
        nn.Conv2d(1, 2, 3, padding=1),
        _GateLayer(ctx.cancel),
        nn.Conv2d(2, 2, 3, padding=1),
        nn.Conv2d(2, 1, 3, padding=1),
    )
    with pytest.raises(Cancelled):
        gradient_support_rf(net, start_size=16, max_size=16, ctx=ctx)
    assert reached_input == [1]
