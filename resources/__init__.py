"""Files shipped with the application: the sample images and the trained weights."""

from importlib.resources import files
from pathlib import Path


def path(name: str) -> Path:
    """The filesystem path of a shipped resource file."""
    return Path(str(files(__name__) / name))
