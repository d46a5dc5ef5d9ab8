"""A pickle module for ``torch.load`` that rebuilds tensors and containers and nothing else.

Legacy PyTorch files are pickles, and a pickle can name any importable callable (``os.system``)
and call it while loading. This module only resolves the globals a saved model needs: tensor and
parameter rebuilders, ``OrderedDict``, ``set`` and ``torch.Size``. Classes of saved modules
(``torch.nn.modules.*`` and the training script's ``__main__`` classes) resolve to
:class:`ModuleRecord`, an inert object that just keeps its pickled attributes; nothing of theirs
runs. Any other global is refused with an InputError before it is looked up.
"""

from __future__ import annotations

import collections
import pickle
import warnings
from typing import Any

import torch
import torch._utils

from ..errors import InputError


def _no_backend() -> None:
    """Stands in for the PyTorch 0.4 ``_backend`` attribute of old modules (never used)."""
    return None


_ALLOWED: dict[tuple[str, str], Any] = {
    ("torch.nn.backends.thnn", "_get_thnn_function_backend"): _no_backend,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("builtins", "set"): set,
    ("torch", "Size"): torch.Size,
    ("torch._utils", "_rebuild_tensor"): torch._utils._rebuild_tensor,
    ("torch._utils", "_rebuild_tensor_v2"): torch._utils._rebuild_tensor_v2,
    ("torch._utils", "_rebuild_parameter"): torch._utils._rebuild_parameter,
    ("torch.nn.parameter", "Parameter"): torch.nn.Parameter,
}


class ModuleRecord:
    """Stands in for a pickled ``nn.Module``: holds the attribute dict it was pickled with."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.state: dict[str, Any] = {}

    def __setstate__(self, state: Any) -> None:
        self.state = state if isinstance(state, dict) else {}


class RefusedGlobal(pickle.UnpicklingError):
    """The pickle asked for a global outside the allowed set."""


class Unpickler(pickle.Unpickler):
    """Resolves only the allowed globals; module classes become :class:`ModuleRecord`."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return _ALLOWED[(module, name)]
        if module == "__main__" or (module.startswith("torch.nn.modules.") and name[:1].isupper()):
            return type(name, (ModuleRecord,), {"__module__": "workbench.restricted"})
        raise RefusedGlobal(f"{module}.{name}")


def load(file: Any, **kwargs: Any) -> Any:
    """``pickle.load`` through :class:`Unpickler` (the interface torch.load expects)."""
    return Unpickler(file, **kwargs).load()


def loads(data: bytes, **kwargs: Any) -> Any:
    import io

    return load(io.BytesIO(data), **kwargs)


def load_restricted(path: str) -> Any:
    """``torch.load`` of a legacy or zip PyTorch file with every global checked; tensors land on the CPU.

    Raises:
        InputError: the file asks for a global outside the allowed set, or cannot be read.
    """
    import sys

    module = sys.modules[__name__]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.load(path, map_location="cpu", pickle_module=module, weights_only=False)
    except RefusedGlobal as error:
        raise InputError(
            f"{path}: refused to load: the file asks to import {error}, which a weight file never needs"
        ) from None
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError) as error:
        raise InputError(f"{path}: not a readable PyTorch weight file ({error})") from None


def state_dict_of(obj: Any) -> dict[str, torch.Tensor]:
    """Flatten a loaded object into name -> tensor: a dict of tensors, or a ModuleRecord tree."""
    if isinstance(obj, ModuleRecord):
        tensors: dict[str, torch.Tensor] = {}
        _walk(obj, "", tensors)
        return tensors
    if isinstance(obj, dict):
        for key in ("state_dict", "model", "params"):
            if isinstance(obj.get(key), dict):
                return state_dict_of(obj[key])
        return {str(k): v for k, v in obj.items() if isinstance(v, torch.Tensor)}
    return {}


def _walk(record: ModuleRecord, prefix: str, out: dict[str, torch.Tensor]) -> None:
    for group in ("_parameters", "_buffers"):
        for name, tensor in (record.state.get(group) or {}).items():
            if isinstance(tensor, torch.Tensor):
                out[prefix + name] = tensor.detach()
    for name, child in (record.state.get("_modules") or {}).items():
        if isinstance(child, ModuleRecord):
            _walk(child, f"{prefix}{name}.", out)
