"""Built-in restoration methods; importing this package registers them all (one module per family)."""

from . import (
    bm3d_methods,  # noqa: F401
    classical,  # noqa: F401
    deconvolution,  # noqa: F401
    demosaicking,  # noqa: F401
    dip,  # noqa: F401
    inpainting,  # noqa: F401
    joint_demosaic,  # noqa: F401
    learned,  # noqa: F401
    pnp,  # noqa: F401
    stabilised,  # noqa: F401
    upscaling,  # noqa: F401
)
