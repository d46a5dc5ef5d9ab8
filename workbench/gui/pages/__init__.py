"""The window's pages, one sub-package each: Restore (the docks around the viewer), Compare, Deep
Image Prior, Inside the network and Train. Each page package's ``page`` module has the ``attach``."""
