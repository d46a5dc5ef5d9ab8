"""The Qt-free core: everything that computes. Never imports PySide6 or pyqtgraph."""
