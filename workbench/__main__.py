"""``python -m workbench [FILE...]`` opens the window; sub-commands behave as the ``workbench`` script."""

from workbench.cli import main

raise SystemExit(main())
