"""The window: the only package that imports PySide6 or pyqtgraph.

pyqtgraph is configured once, here, for the whole window: images are
row-major (H×W×C, like the core's arrays).
"""

import pyqtgraph as pg

pg.setConfigOptions(imageAxisOrder="row-major")
