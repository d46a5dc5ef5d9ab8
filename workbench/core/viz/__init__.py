"""Inside the networks: first-layer filters, feature maps, theoretical and effective receptive fields.

Qt-free; the window (workbench.gui.viz_panel), the ``workbench viz`` command and the tests drive it.
Networks are any ``torch.nn.Module`` mapping 1×C×H×W to 1×C'×H×W; :func:`resolve_model` builds the
ones the workbench knows by name.

The names load on first use (PEP 562), so that importing ``workbench.core.viz.choices`` (as the
command line does) does not import torch.
"""

from __future__ import annotations

from workbench.core.lazy import lazy_getattr

_HOMES = {
    "EffectiveField": "effective",
    "MassProfile": "effective",
    "mass_profile": "effective",
    "effective_field": "effective",
    "noise_probe": "effective",
    "radius_holding": "effective",
    "FeatureMaps": "features",
    "feature_grid": "features",
    "feature_layers": "features",
    "feature_maps": "features",
    "FilterGrid": "filters",
    "filter_grid": "filters",
    "first_conv": "filters",
    "GRADIENT_SUPPORT": "receptive_field",
    "RECURRENCE": "receptive_field",
    "LayerRF": "receptive_field",
    "RFReport": "receptive_field",
    "gradient_support_rf": "receptive_field",
    "has_upsampling": "receptive_field",
    "positive_twin": "receptive_field",
    "receptive_fields": "receptive_field",
    "recurrence_rf": "receptive_field",
    "backdrop": "render",
    "erf_overlay": "render",
    "log_heat": "render",
    "rf_plot": "render",
}

__all__ = sorted(_HOMES)

__getattr__ = lazy_getattr(__name__, _HOMES)
