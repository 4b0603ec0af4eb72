"""``.npz`` files holding arrays ``X`` and ``y``: a table (2-D ``X``) or images."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from advisor.data.dataset import Dataset, make_dataset
from advisor.errors import DataError

NPZ_BLOCK_BYTES = 64 * 1024 * 1024  # bytes of an .npz's X read at a time while sampling


def load_npz(path: Path, *, task: str | None, max_rows: int | None, seed: int) -> Dataset:
    """The arrays ``X`` and ``y`` of ``path``: N×features is a table, N×H×W(×C) images.

    Above ``max_rows`` rows, a uniform sample is read (only those rows of ``X`` where the
    layout allows), and ``notes`` say so.
    """
    try:
        # allow_pickle=False: an .npz from a user is data, never code to unpickle.
        with np.load(path, allow_pickle=False) as archive:
            keys = set(archive.files)
            if not {"X", "y"} <= keys:
                raise DataError(
                    f"{path} holds arrays {sorted(keys)}: expected arrays named 'X' and 'y'."
                )
            y = archive["y"]
            index = None
            if max_rows is not None and len(y) > max_rows:
                rng = np.random.default_rng(seed)
                index = np.sort(rng.choice(len(y), size=max_rows, replace=False))
            X = _npz_rows(path, index, y.shape)
            if X is None:
                X = archive["X"] if index is None else archive["X"][index]
    except DataError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(
            f"Could not read {path} as .npz ({str(exc)[:100]}): expected numpy.savez output with "
            "'X' and 'y'."
        ) from exc
    if y.ndim != 1 or (index is None and len(X) != len(y)):
        raise DataError(
            f"{path}: X has {len(X)} rows but y has shape {y.shape}: expected one label per row of "
            "X."
        )
    if X.ndim not in (2, 3, 4):
        raise DataError(
            f"{path}: X has shape {X.shape}: expected N×features (table), N×H×W or N×H×W×C "
            "(images)."
        )
    total = len(y)
    notes: list[str] = []
    if index is not None:
        y = y[index]
        notes.append(f"Sampled {max_rows:,} of {total:,} rows at random to bound memory.")
    if X.ndim == 2:
        frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        return make_dataset(
            frame,
            y,
            task,
            modality="tabular",
            name=path.name,
            rows_total=total,
            notes=notes,
            source=path,
        )
    if X.ndim == 3:
        X = X[..., np.newaxis]
    return make_dataset(
        X, y, task, modality="image", name=path.name, rows_total=total, notes=notes, source=path
    )


def _npz_rows(path: Path, index: np.ndarray | None, y_shape: tuple[int, ...]) -> np.ndarray | None:
    """Only the rows ``index`` of ``X`` in an ``.npz``, read block by block.

    ``np.load`` materialises a whole array; reading the ``.npy`` member as a stream keeps
    memory at the sample plus one block. None when there is nothing to gain (no sampling)
    or the layout does not allow it (Fortran order, object arrays): load it whole then.
    """
    if index is None:
        return None
    with zipfile.ZipFile(path) as archive:
        if "X.npy" not in archive.namelist():
            return None
        with archive.open("X.npy") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran_order, dtype = read_header(handle)
            if fortran_order or dtype.hasobject or not shape:
                return None
            if shape[0] != y_shape[0]:
                raise DataError(
                    f"{path}: X has {shape[0]} rows but y has shape {y_shape}: expected one label "
                    "per row of X."
                )
            row_shape = tuple(shape[1:])
            row_bytes = max(1, int(np.prod(row_shape, dtype=np.int64)) * dtype.itemsize)
            block = max(1, NPZ_BLOCK_BYTES // row_bytes)
            out = np.empty((len(index), *row_shape), dtype=dtype)
            taken = 0
            for start in range(0, shape[0], block):
                count = min(block, shape[0] - start)
                if taken == len(index):
                    break
                chunk = np.frombuffer(handle.read(count * row_bytes), dtype=dtype)
                chunk = chunk.reshape(count, *row_shape)
                stop = np.searchsorted(index, start + count)
                out[taken:stop] = chunk[index[taken:stop] - start]
                taken = stop
            return out
