"""Built-in restoration methods; importing this package registers them all (one module per family)."""
from . import learned  # noqa: F401
