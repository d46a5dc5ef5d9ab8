"""Parameter panels generated from specs: every registered method, every kind, auto, reset, presets."""

from __future__ import annotations

import pytest

from workbench.core import registry
from workbench.core.params import (
    AUTO,
    BoolParam,
    ChoiceParam,
    FloatParam,
    IntParam,
    ParamSpec,
    PathParam,
    SeedParam,
)
from workbench.gui.pages.restore.methods import MethodSelector, ParametersBox, PresetStore
from workbench.gui.widgets.param_panel import (
    BoolEditor,
    ChoiceEditor,
    FloatEditor,
    IntEditor,
    ParamPanel,
    PathEditor,
    decimals_for,
)

EVERY_KIND = ParamSpec(
    [
        FloatParam(
            "sigma", AUTO, "noise level", minimum=0, maximum=100, step=0.5, unit="/255", allow_auto=True
        ),
        FloatParam("weight", 0.05, "data weight", minimum=0, maximum=1, step=0.01),
        IntParam("radius", 3, "window radius", minimum=1, maximum=15, unit="px"),
        IntParam("iterations", 3000, "steps", minimum=1, maximum=100_000),
        SeedParam("seed", 7, "random seed"),
        ChoiceParam("profile", "np", "speed/quality", choices=("np", "refilter")),
        BoolParam("color", True, "denoise in a decorrelated colour space"),
        PathParam("weights", "", "checkpoint file", file_filter="Weights (*.pt)"),
    ]
)


def test_every_registered_method_gets_a_panel_holding_its_defaults(qtbot, qt_settings):
    box = ParametersBox(PresetStore(qt_settings))
    qtbot.addWidget(box)
    for method in registry.available():
        box.set_method(method)
        assert set(box.panel.editors) == set(method.params.names), method.name
        resolved = method.params.resolve(box.values(), owner=method.name)
        for name, default in method.params.defaults().items():
            expected = pytest.approx(default) if isinstance(default, float) else default
            assert resolved[name] == expected, name


def test_each_kind_gets_its_editor_with_unit_and_tooltip(qtbot):
    panel = ParamPanel(EVERY_KIND)
    qtbot.addWidget(panel)
    kinds = {name: type(editor) for name, editor in panel.editors.items()}
    assert kinds == {
        "sigma": FloatEditor,
        "weight": FloatEditor,
        "radius": IntEditor,
        "iterations": IntEditor,
        "seed": IntEditor,
        "profile": ChoiceEditor,
        "color": BoolEditor,
        "weights": PathEditor,
    }
    assert panel.editors["sigma"].spin.suffix() == " /255"
    assert panel.editors["radius"].slider is not None and panel.editors["iterations"].slider is None
    assert panel.editors["seed"].slider is None
    assert "window radius" in panel.editors["radius"].toolTip()
    assert "range 1 to 15 px" in panel.editors["radius"].toolTip()
    assert panel.editors["weight"].spin.decimals() == 2
    assert EVERY_KIND.resolve(panel.values()) == EVERY_KIND.defaults()


def test_an_int_whose_zero_means_the_default_shows_its_word_at_zero(qtbot):
    panel = ParamPanel(registry.get("pnp_hqs").params)
    qtbot.addWidget(panel)
    spin = panel.editors["iterations"].spin
    assert spin.value() == 0 and spin.text() == "auto"
    assert "0 shows as 'auto'" in panel.editors["iterations"].toolTip()
    spin.setValue(8)
    assert spin.text() == "8" and panel.values()["iterations"] == 8
    panel.editors["iterations"].slider.setValue(0)
    assert spin.text() == "auto" and panel.values()["iterations"] == 0


def test_auto_box_switches_between_auto_and_a_number(qtbot):
    panel = ParamPanel(EVERY_KIND)
    qtbot.addWidget(panel)
    editor = panel.editors["sigma"]
    assert editor.value() == AUTO and not editor.spin.isEnabled()
    editor.auto.setChecked(False)
    editor.spin.setValue(25)
    assert editor.value() == 25.0
    assert editor.slider.value() == 250


def test_an_auto_float_reads_auto_and_gets_its_typed_number_back(qtbot):
    panel = ParamPanel(EVERY_KIND)
    qtbot.addWidget(panel)
    editor = panel.editors["sigma"]
    assert editor.spin.text() == "auto"
    editor.auto.setChecked(False)
    editor.spin.setValue(12.5)
    assert "auto" not in editor.spin.text()
    editor.auto.setChecked(True)
    assert editor.spin.text() == "auto" and editor.value() == AUTO
    editor.auto.setChecked(False)
    assert editor.value() == 12.5 and editor.slider.value() == 125
    editor.spin.setValue(0)
    assert editor.spin.text().startswith("0"), "the minimum reads as a number when auto is off"


def test_slider_drives_the_spin_box(qtbot):
    panel = ParamPanel(EVERY_KIND)
    qtbot.addWidget(panel)
    panel.editors["weight"].slider.setValue(500)
    assert panel.values()["weight"] == pytest.approx(0.5)
    panel.editors["radius"].slider.setValue(9)
    assert panel.values()["radius"] == 9


def test_reset_restores_every_default(qtbot):
    panel = ParamPanel(EVERY_KIND)
    qtbot.addWidget(panel)
    panel.set_values(
        {"weight": 0.7, "radius": 10, "seed": 99, "profile": "refilter", "color": False, "weights": "a.pt"}
    )
    assert panel.values()["profile"] == "refilter"
    panel.reset()
    assert EVERY_KIND.resolve(panel.values()) == EVERY_KIND.defaults()


def test_presets_are_saved_in_settings_and_applied(qtbot, qt_settings):
    store = PresetStore(qt_settings)
    method = registry.Method(
        "gui_test_presets", "Presets", "gui_test", frozenset(), EVERY_KIND, lambda *a: None
    )
    box = ParametersBox(store)
    qtbot.addWidget(box)
    box.set_method(method)
    box.panel.set_values({"radius": 12, "sigma": 30.0})
    box.save_preset("strong")
    assert store.names("gui_test_presets") == ["strong"]
    box.reset()
    assert box.values()["radius"] == 3
    box.apply_preset("strong")
    assert box.values()["radius"] == 12 and box.values()["sigma"] == 30.0
    assert [box.preset_box.itemText(i) for i in range(box.preset_box.count())] == ["Presets…", "strong"]


def test_selector_groups_by_family_filters_by_task_and_searches(qtbot, fake_methods):
    from workbench.core.problem import Task

    selector = MethodSelector()
    qtbot.addWidget(selector)
    families = [selector.tree.topLevelItem(i).text(0) for i in range(selector.tree.topLevelItemCount())]
    assert "Gui test" in families
    assert "gui_test_scale" in selector.visible_methods()
    selector.search.setText("multiplies")
    assert selector.visible_methods() == ["gui_test_scale"]
    selector.search.setText("")
    real = [m for m in registry.available() if m.family != "gui_test"]
    for task in Task:
        selector.set_task(task)
        listed = set(selector.visible_methods())
        assert {m.name for m in real if task in m.tasks} <= listed
        assert not {m.name for m in real if task not in m.tasks} & listed


def test_decimals_cover_step_and_default():
    assert decimals_for(0.1, 0.0, 1.0, 0.05) == 2
    assert decimals_for(1.0, 0.0, 255.0, 25.0) == 0


def test_device_box_lists_gpus_found_later_and_keeps_a_remembered_cuda_choice(qtbot):
    from workbench.gui.widgets.device_box import DeviceBox

    box = DeviceBox()
    qtbot.addWidget(box)
    box.set_device("cuda")
    assert box.device() == "auto"
    box.add_devices([("CUDA: Test GPU", "cuda:0")])
    assert [box.itemText(i) for i in range(box.count())] == ["Auto", "CUDA: Test GPU", "CPU"]
    assert box.device() == "cuda:0"


def test_selector_says_when_nothing_matches(qtbot):
    selector = MethodSelector()
    qtbot.addWidget(selector)
    selector.search.setText("no such method anywhere")
    assert selector.visible_methods() == []
    assert selector.tree.topLevelItem(0).text(0) == "No method matches 'no such method anywhere'"
