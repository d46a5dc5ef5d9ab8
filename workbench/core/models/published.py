"""Import of the published DnCNN weights (cszn/DnCNN) and dispatch over every weight-file kind.

* MatConvNet ``.mat`` (MATLAB v7.3, i.e. HDF5, read with h5py): DnCNN-S/B (conv/ReLU stack, batch
  norm folded into the convs, output = input - net(input)) and FDnCNN (a ``concat`` layer first
  appends a sigma/255 map; the output is the clean image).
* PyTorch ``.pth``: a pickled whole model or a state dict, read through the restricted unpickler.
* The project's own files (see :mod:`.weights`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import h5py
import numpy as np
import torch

from ..errors import InputError
from ..memory import format_bytes
from .restricted_pickle import load_restricted, state_dict_of
from .weights import FORMAT, LoadedModel, load_weights, model_from_state


def open_weights(path: str | Path) -> LoadedModel:
    """Load any supported weight file: own format, MatConvNet .mat, or PyTorch state dict / model.

    Raises:
        InputError: missing, unreadable, unsafe, or not a DnCNN-family network.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such weight file")
    if h5py.is_hdf5(path):
        return load_matconvnet(path)
    if zipfile.is_zipfile(path) and _is_own_format(path):
        return load_weights(path)
    return load_pytorch(path)


def _is_own_format(path: Path) -> bool:
    try:
        record = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        return False
    return isinstance(record, dict) and record.get("format") == FORMAT


MAX_DECLARED_BYTES = 2 * 10**9
"""Most array bytes a weight file may declare: DnCNN-family nets hold a few MB (17 layers: 2.2 MB)."""
MAX_EXPANSION = 100
"""Most a weight file's declared arrays may exceed its size by (HDF5 compression of float weights
gains a few per cent; only arrays that were never written expand by more)."""


def check_declared_sizes(path: Path, file: h5py.File) -> None:
    """Refuse (InputError) an HDF5 weight file whose arrays declare more bytes than a weight file
    holds or than its size can carry, before any array is read (the shapes are header data).

    An 8 kB file that declares 147 GB is a bad weight file, not a reason to run out of memory.
    """
    sizes: list[int] = []
    file.visititems(
        lambda _name, item: (
            sizes.append(item.size * item.dtype.itemsize) if isinstance(item, h5py.Dataset) else None
        )
    )
    declared = sum(sizes)
    on_disk = path.stat().st_size
    if declared > MAX_DECLARED_BYTES or declared > MAX_EXPANSION * on_disk:
        raise InputError(
            f"{path}: a bad weight file: its arrays declare {format_bytes(declared)} in a file of "
            f"{format_bytes(on_disk)} (a DnCNN's weights are a few MB); nothing was read"
        )


def load_matconvnet(path: str | Path) -> LoadedModel:
    """A DnCNN built from a MatConvNet v7.3 ``.mat`` file of cszn/DnCNN.

    Filters read in h5py as (Cout, Cin, kW, kH); the last two axes are swapped for torch (no flip:
    MatConvNet correlates, like torch). A last conv with one output channel reads as (Cin, kW, kH).
    """
    path = Path(path)
    try:
        with h5py.File(path, "r") as file:
            check_declared_sizes(path, file)
            layers = [_read_layer(file, ref) for ref in file["net"]["layers"][()].ravel()]
    except (KeyError, OSError, ValueError, TypeError) as error:
        raise InputError(f"{path}: not a MatConvNet DnCNN file ({error})") from None
    kinds = [kind for kind, _ in layers]
    unknown = sorted(set(kinds) - {"conv", "relu", "concat"})
    if unknown:
        raise InputError(f"{path}: unsupported MatConvNet layer types {', '.join(unknown)}")
    noise_map = "concat" in kinds
    convs = [weights for kind, weights in layers if kind == "conv"]
    if len(convs) < 2:
        raise InputError(f"{path}: fewer than two convolutions, not a DnCNN")
    state = {}
    for index, (filters, bias) in enumerate(convs):
        state[f"body.{2 * index}.weight"] = filters
        state[f"body.{2 * index}.bias"] = bias
    first, last = convs[0][0], convs[-1][0]
    kwargs = {
        "channels": int(last.shape[0]),
        "depth": len(convs),
        "width": int(first.shape[0]),
        "batch_norm": False,
        "noise_map": noise_map,
        "residual": not noise_map,
    }
    card = {"source": f"imported from {path.name} (MatConvNet, cszn/DnCNN)"}
    return LoadedModel(model_from_state(path, "dncnn", kwargs, state), "dncnn", kwargs, card)


def _read_layer(file: h5py.File, ref) -> tuple[str, tuple[torch.Tensor, torch.Tensor] | None]:
    group = file[ref]
    kind = "".join(chr(code) for code in group["type"][()].ravel())
    if kind != "conv":
        return kind, None
    filters, bias = (
        np.asarray(file[item][()], dtype=np.float32) for item in group["weights"][()].ravel()[:2]
    )
    if filters.ndim == 3:
        filters = filters[None]
    filters = np.ascontiguousarray(filters.transpose(0, 1, 3, 2))
    return kind, (torch.from_numpy(filters), torch.from_numpy(bias.ravel().copy()))


def load_pytorch(path: str | Path) -> LoadedModel:
    """A DnCNN from a PyTorch file holding a pickled DnCNN model or its state dict.

    The layers must be a ``<prefix>.<index>`` sequence of conv [+ batch norm] + ReLU blocks, as in
    cszn/DnCNN's ``dncnn_pytorch``; the output is input - net(input).
    """
    path = Path(path)
    tensors = state_dict_of(load_restricted(str(path)))
    prefixes = {name.split(".", 1)[0] for name in tensors}
    if not tensors or len(prefixes) != 1:
        raise InputError(f"{path}: no DnCNN layer sequence found in this PyTorch file")
    state = {"body." + name.split(".", 1)[1]: tensor.float() for name, tensor in tensors.items()}
    filters = [tensor for name, tensor in state.items() if name.endswith(".weight") and tensor.ndim == 4]
    if len(filters) < 2:
        raise InputError(f"{path}: fewer than two convolutions, not a DnCNN")
    kwargs = {
        "channels": int(filters[-1].shape[0]),
        "depth": len(filters),
        "width": int(filters[0].shape[0]),
        "batch_norm": any(name.endswith("running_mean") for name in state),
    }
    card = {"source": f"imported from {path.name} (PyTorch, cszn/DnCNN)"}
    return LoadedModel(model_from_state(path, "dncnn", kwargs, state), "dncnn", kwargs, card)
