"""The 'Inside the network' panel driven by qtbot: filters (live), feature maps with a click that
enlarges a channel, the receptive-field table, and a click that places the effective field."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPointF, Qt
from torch import nn

from workbench.core.image import Image
from workbench.core.viz.render import HEAT_DECADES
from workbench.gui.pages.viz.field_view import CLOSE_UP, WHOLE
from workbench.gui.pages.viz.page import LIVE, VizPanel, attach


def small_net() -> nn.Sequential:
    """Four 3×3 convolutions (theoretical field 9) with ReLU, seeded."""
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(4, 4, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(4, 4, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(4, 1, 3, padding=1),
    )


@pytest.fixture
def panel(qtbot):
    widget = VizPanel()
    qtbot.addWidget(widget)
    widget.resize(520, 640)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_model(small_net())
    yield widget
    assert widget.shutdown(5000)


@pytest.fixture
def image():
    pixels = np.random.default_rng(0).random((24, 32, 1), dtype=np.float32)
    return Image(pixels)


def test_pushed_network_becomes_the_live_model_with_its_filters(panel):
    assert panel.model_box.currentText() == LIVE
    assert panel.filters.view.has_picture()
    assert "4 filters of 0" in panel.filters.caption.text()
    assert panel.features.layer_box.count() == 7


def test_filters_follow_the_live_network_when_refreshed(panel, qtbot):
    before = panel.filters.view.pixmap().toImage()
    net = panel.network().net
    with torch.no_grad():
        net[0].weight[0, 0] = torch.arange(9.0).reshape(3, 3)
    panel.filters.refresh_button.click()
    assert panel.filters.view.pixmap().toImage() != before


def test_live_filters_say_how_much_they_moved_since_the_run_began(panel):
    assert "correlation with the filters at the start of the run: 1.00" in panel.filters.caption.text()
    replacement = torch.randn(4, 1, 3, 3, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        panel.network().net[0].weight.copy_(replacement)
    panel.refresh_filters()
    assert "start of the run: 1.00" not in panel.filters.caption.text()
    panel.model_box.setCurrentText("dncnn17")
    assert "start of the run" not in panel.filters.caption.text()


def test_most_changed_first_reorders_the_live_filters(panel):
    assert panel.filters.changed_first_box.isEnabled()
    with torch.no_grad():
        panel.network().net[0].weight[3] = torch.arange(9.0).reshape(1, 3, 3)
    panel.refresh_filters()
    before = panel.filters.view.pixmap().toImage()
    panel.filters.changed_first_box.setChecked(True)
    assert panel.filters.view.pixmap().toImage() != before
    assert "furthest from its start" in panel.filters.caption.text()
    panel.model_box.setCurrentText("dncnn17")
    assert not panel.filters.changed_first_box.isEnabled()
    assert "furthest from its start" not in panel.filters.caption.text()


def test_live_box_refreshes_on_a_timer(panel, qtbot):
    panel._live_timer.setInterval(10)
    calls = []
    panel._live_timer.timeout.connect(lambda: calls.append(1))
    panel.filters.live_box.setChecked(True)
    qtbot.waitUntil(lambda: len(calls) >= 2, timeout=2000)
    panel.filters.live_box.setChecked(False)
    assert not panel._live_timer.isActive()


def test_clicking_a_feature_tile_enlarges_that_channel(panel, qtbot, image):
    panel.set_image(image)
    panel.tabs.setCurrentIndex(1)
    panel.features.layer_box.setCurrentText("1")
    with qtbot.waitSignal(panel.runner.finished, timeout=10_000):
        panel.features.show_button.click()
    assert panel.features.grid_view.has_picture()
    top, left = panel.features.layout_of_grid.origin(3)
    point = panel.features.grid_view.widget_point(left + 5, top + 5)
    qtbot.mouseClick(panel.features.grid_view, Qt.MouseButton.LeftButton, pos=point)
    assert panel.features.shown_channel == 3
    assert panel.features.channel_view.has_picture()
    assert "channel 3 of 1" in panel.features.caption.text()


def test_receptive_field_tab_fills_table_and_plot(panel, qtbot):
    panel.tabs.setCurrentIndex(2)
    with qtbot.waitSignal(panel.runner.finished, timeout=10_000):
        panel.rf.compute_button.click()
    table = panel.rf.table
    assert table.rowCount() == 4
    assert [table.item(row, 4).text() for row in range(4)] == ["3", "5", "7", "9"]
    layers, fields = panel.rf.plot.shown()
    assert layers.tolist() == [1, 2, 3, 4]
    assert fields.tolist() == [3, 5, 7, 9]
    assert panel.rf.plot.total.isVisible() and panel.rf.plot.total.value() == 9
    assert "whole network: 9 px" in panel.rf.plot.total.label.toPlainText()
    assert "9×9 px (recurrence)" in panel.rf.summary.text()


def test_cancel_stops_a_long_field_measurement_within_two_seconds_and_shows_no_half_result(panel, qtbot):
    """The DIP hourglass's field takes minutes to measure on a CPU; Cancel ends it between layers."""
    import time

    panel.model_box.setCurrentText("dip")
    panel.tabs.setCurrentIndex(2)
    assert not panel.cancel_button.isEnabled()
    measuring = []
    panel.runner.progress.connect(lambda _fraction, message: measuring.append("pass 2 of" in message))
    panel.rf.compute_button.click()
    assert panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: any(measuring), timeout=30_000)
    asked = time.monotonic()
    with qtbot.waitSignal(panel.runner.cancelled, timeout=5_000):
        panel.cancel_button.click()
    assert time.monotonic() - asked < 2.0
    assert panel.rf.table.rowCount() == 0 and panel.rf.summary.text() == ""
    assert panel.rf.plot.shown()[0].size == 0
    assert panel.status_label.text() == "Cancelled: the receptive field was not computed."
    assert not panel.cancel_button.isEnabled() and not panel.runner.is_running()


def test_layer_table_is_as_wide_as_its_columns(panel, qtbot):
    with qtbot.waitSignal(panel.runner.finished, timeout=10_000):
        panel.compute_rf()
    table = panel.rf.table
    assert table.minimumWidth() >= table.horizontalHeader().length()


def click_field(panel, qtbot, x: int, y: int) -> None:
    """Click image pixel (x, y) on the Effective field tab and wait for its field."""
    panel.tabs.setCurrentIndex(3)
    view = panel.erf.view
    qtbot.waitExposed(view)
    with qtbot.waitSignal(panel.runner.finished, timeout=10_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.widget_point(x, y))


def test_click_on_the_image_places_the_effective_field(panel, qtbot, image):
    panel.set_image(image)
    click_field(panel, qtbot, 20, 9)
    field = panel.erf_result.field
    assert field.at == (20, 9)
    assert field.heat.shape == (24, 32)
    rows, cols = np.nonzero(field.heat)
    assert rows.min() >= 9 - 4 and rows.max() <= 9 + 4
    assert cols.min() >= 20 - 4 and cols.max() <= 20 + 4
    assert "Pixel (20, 9)" in panel.erf.caption.text()
    assert "theoretical field 9 px" in panel.erf.caption.text()


def test_the_field_is_drawn_over_the_image_with_its_circle_square_and_scale(panel, qtbot, image):
    panel.set_image(image)
    click_field(panel, qtbot, 20, 9)
    view, field = panel.erf.view, panel.erf_result.field
    assert view.field_shown()
    shown = view.heat_item.image
    assert shown.shape == (24, 32)
    assert shown.max() == 0.0 and shown.min() == -HEAT_DECADES
    assert np.argmax(shown) == np.argmax(field.heat)
    circle = view.circle.rect()
    assert view.circle.isVisible()
    assert circle.center().x() == 20.5 and circle.center().y() == 9.5
    assert circle.width() / 2 == pytest.approx(field.radius_95)
    square = view.square.rect()
    assert view.square.isVisible()
    assert (square.left(), square.top(), square.width()) == (16.0, 5.0, 9.0)
    assert view.scale.values == (-HEAT_DECADES, 0)
    legend = " | ".join(view.legend_texts())
    assert f"95 % of the field: {field.radius_95:.1f} px" in legend
    assert "theoretical field: 9 px" in legend


def test_the_share_of_the_field_is_plotted_against_the_radius(panel, qtbot, image):
    panel.set_image(image)
    click_field(panel, qtbot, 20, 9)
    plot, field = panel.erf.plot, panel.erf_result.field
    radius, share = plot.shown()
    assert radius[0] == 0 and np.all(np.diff(radius) > 0) and np.all(np.diff(share) >= 0)
    assert share[-1] == pytest.approx(100)
    assert share[radius >= field.radius_95][0] >= 95
    assert np.all(share[radius < field.radius_95] < 95)
    assert plot.measured.value() == pytest.approx(field.radius_95)
    assert plot.theoretical.value() == 4.5
    assert "95 % within" in plot.measured.label.toPlainText()


def test_the_share_plot_fits_its_view_once_the_field_is_shown(panel, qtbot, image):
    """The empty plot's title is replaced by a shorter one; the plot must not stay as wide as the
    first title made it (it was cut on the right at 1280x800)."""
    panel.resize(1000, 640)
    panel.set_image(image)
    click_field(panel, qtbot, 20, 9)
    widget = panel.erf.plot.widget
    assert panel.erf.plot.plot.sceneBoundingRect().width() <= widget.viewport().width() + 1


def test_plots_use_readable_fonts(panel):
    for plot in (panel.rf.plot.plot, panel.erf.plot.plot):
        for side in ("left", "bottom"):
            assert plot.getAxis(side).style["tickFont"].pointSize() >= 10


def test_a_new_field_is_framed_from_close_up_and_whole_image_shows_it_all(panel, qtbot):
    panel.set_image(Image(np.random.default_rng(1).random((96, 128, 1), dtype=np.float32)))
    panel.tabs.setCurrentIndex(3)
    view = panel.erf.view
    qtbot.waitExposed(view)
    whole = view.view.viewRect()
    assert view.framing() == WHOLE and whole.width() >= 128
    click_field(panel, qtbot, 60, 40)
    close = view.view.viewRect()
    assert view.framing() == CLOSE_UP
    assert close.width() < whole.width() / 2 and close.contains(QPointF(60.5, 40.5))
    assert close.contains(view.square.rect())
    panel.erf.whole_button.click()
    assert view.view.viewRect().width() == pytest.approx(whole.width())
    panel.erf.close_up_button.click()
    assert view.view.viewRect().width() == pytest.approx(close.width())


def test_after_a_zoom_by_hand_the_view_keeps_its_range(panel, qtbot, image):
    panel.set_image(image)
    panel.tabs.setCurrentIndex(3)
    view = panel.erf.view
    qtbot.waitExposed(view)
    whole = view.view.viewRect()
    view.view.scaleBy((0.25, 0.25))
    view.view.sigRangeChangedManually.emit(view.view.state["mouseEnabled"])
    assert view.framing() is None
    panel.resize(600, 700)
    qtbot.wait(50)
    assert view.view.viewRect().width() < whole.width() / 2
    click_field(panel, qtbot, 16, 12)
    assert view.view.viewRect().width() < whole.width() / 2


def test_a_click_outside_the_image_computes_nothing(panel, qtbot, image):
    panel.set_image(image)
    panel.tabs.setCurrentIndex(3)
    view = panel.erf.view
    qtbot.waitExposed(view)
    clicks = []
    view.clicked.connect(lambda x, y: clicks.append((x, y)))
    view._clicked(-3.0, 5.0)
    view._clicked(40.0, 5.0)
    assert clicks == [] and not panel.runner.is_running()


def test_effective_field_at_the_start_of_a_live_run_uses_the_network_as_it_began(panel, qtbot, image):
    assert panel.erf.at_start.isEnabled()
    with torch.no_grad():
        for parameter in panel.network().net.parameters():
            parameter.zero_()
    panel.set_image(image)
    panel.erf.at_start.setChecked(True)
    with qtbot.waitSignal(panel.runner.finished, timeout=10_000):
        assert panel.place_erf(20, 9)
    assert panel.erf_result.field.heat.max() > 0
    assert "network at the start of the run" in panel.erf.caption.text()
    panel.erf.at_start.setChecked(False)
    with qtbot.waitSignal(panel.runner.failed, timeout=10_000):
        assert panel.place_erf(20, 9)
    assert "does not depend on the input" in panel.status_label.text()


def test_named_untrained_model_has_no_separate_start(panel):
    panel.model_box.setCurrentText("dncnn17")
    assert not panel.erf.at_start.isEnabled()
    assert not panel.erf.at_start.isChecked()


def test_effective_field_without_an_image_asks_for_one(panel):
    assert not panel.place_erf(1, 1)
    assert "open an image first" in panel.status_label.text()


def test_named_model_replaces_the_live_one(panel):
    panel.model_box.setCurrentText("dncnn17")
    assert "untrained DnCNN-17" in panel.notice_label.text()
    assert "64 filters" in panel.filters.caption.text()


def test_attach_adds_the_panel_and_follows_the_window_image(main_window, image):
    panel = attach(main_window.session, main_window.host)
    assert panel.parent() is not None
    main_window.session.model.set_input(image)
    assert panel.erf_view.has_picture()
    assert panel.shutdown(5000)


def test_a_denoiser_that_began_as_the_identity_offers_no_field_at_its_start(panel):
    from workbench.core.models import DnCNN

    panel.set_model(DnCNN(depth=3, width=4))
    assert panel.network().start_is_constant()
    assert not panel.erf.at_start.isEnabled()
    assert "identity" in panel.erf.at_start.toolTip()


def test_a_many_channel_first_layer_shows_one_readable_tile_per_filter(panel):
    torch.manual_seed(0)
    code_net = nn.Sequential(nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 3, 1))
    with torch.no_grad():
        code_net[0].weight[5, 7] *= 50
    panel.set_model(code_net)
    assert panel.filters.view.has_picture()
    caption = panel.filters.caption.text()
    assert "16 filters of 0 (32 input channel(s)" in caption
    assert "its input channel of largest weight norm" in caption

    from workbench.core.viz.filters import filter_grid, strongest_channels

    assert filter_grid(code_net, strongest_channel=True).layout.count == 16
    assert filter_grid(code_net).layout.count == 16 * 32
    weight = code_net[0].weight.detach().numpy()
    assert np.array_equal(strongest_channels(weight)[5, 0], weight[5, 7])


def test_the_compute_button_keeps_its_natural_width(qtbot):
    from workbench.gui.pages.viz.rf_tab import ReceptiveFieldTab

    tab = ReceptiveFieldTab()
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.compute_button.width() == tab.compute_button.sizeHint().width()
