"""Inside the networks: first-layer filters, feature maps, theoretical and effective receptive fields.

Qt-free; the window (workbench.gui.viz_panel), the ``workbench viz`` command and the tests drive it.
Networks are any ``torch.nn.Module`` mapping 1×C×H×W to 1×C'×H×W; :func:`resolve_model` builds the
ones the workbench knows by name.
"""

from .effective import EffectiveField, effective_field, noise_probe, radius_holding
from .features import FeatureMaps, feature_grid, feature_layers, feature_maps
from .filters import FilterGrid, filter_grid, first_conv
from .receptive_field import (
    GRADIENT_SUPPORT,
    RECURRENCE,
    LayerRF,
    RFReport,
    gradient_support_rf,
    has_upsampling,
    positive_twin,
    receptive_fields,
    recurrence_rf,
)
from .render import erf_overlay, rf_plot

__all__ = [
    "GRADIENT_SUPPORT",
    "RECURRENCE",
    "EffectiveField",
    "FeatureMaps",
    "FilterGrid",
    "LayerRF",
    "RFReport",
    "effective_field",
    "erf_overlay",
    "feature_grid",
    "feature_layers",
    "feature_maps",
    "filter_grid",
    "first_conv",
    "gradient_support_rf",
    "has_upsampling",
    "noise_probe",
    "positive_twin",
    "radius_holding",
    "receptive_fields",
    "recurrence_rf",
    "rf_plot",
]
