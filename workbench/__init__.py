"""Restoration Workbench: restore images and see why restoration methods work."""

__version__ = "0.1.0"
