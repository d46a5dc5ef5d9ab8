"""Built-in restoration methods, one module per family; each registers its methods with
:mod:`workbench.core.registry` on import (the registry lists them in ``BUILT_IN_METHODS``)."""
