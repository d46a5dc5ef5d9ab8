"""The names of the losses (``workbench.core.losses``), without importing torch: the method
catalogue and the CLI list them at start-up."""

LOSSES = ("l2", "l1", "ssim", "ms_ssim", "mix")
"""Names accepted by ``losses.loss_value`` (the CLI's ``--loss``)."""

MASKABLE = ("l2", "l1")
"""Losses that can score only the pixels of a mask (blind-spot training)."""

LABELS = {
    "l2": "l2 (mean squared error)",
    "l1": "l1 (mean absolute error)",
    "ssim": "SSIM",
    "ms_ssim": "MS-SSIM",
    "mix": "MS-SSIM + l1 (Zhao et al.)",
}
