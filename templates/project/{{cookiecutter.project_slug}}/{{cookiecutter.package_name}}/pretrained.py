"""Pretrained checkpoints from the Hugging Face Hub or a local folder, loaded offline when
the network is off.

The checkpoint is `model.checkpoint` in params.yaml: a Hub name such as
`distilbert/distilbert-base-uncased` (downloaded once into the Hugging Face cache, then
read from it) or a folder written by `save_pretrained`. With `HF_HUB_OFFLINE=1`, or when the
Hub cannot be reached, only a local folder or the cache is used, and a checkpoint that is in
neither stops the run with one error line before anything is written.
"""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

_TRUE = {"1", "true", "yes", "on"}
_OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


@functools.cache
def offline() -> bool:
    """Whether to stay off the network: asked to (HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE), or
    the Hub's host does not answer."""
    if any(os.environ.get(name, "").lower() in _TRUE for name in _OFFLINE_VARIABLES):
        return True
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname
    try:
        # A refused or unroutable connection fails fast; a silent firewall within the timeout.
        socket.create_connection((host, 443), timeout=3).close()
    except OSError:
        return True
    return False


def _cached(name: str) -> bool:
    """Whether the Hugging Face cache holds the checkpoint's config."""
    from huggingface_hub import try_to_load_from_cache

    # A model repository has config.json at its root; a diffusers pipeline, model_index.json.
    try:
        return any(
            isinstance(try_to_load_from_cache(name, file), str)
            for file in ("config.json", "model_index.json")
        )
    except ValueError:  # not a valid Hub name (a path to a folder that is not there)
        return False


@functools.cache
def locate(name: str, root: str = ".") -> tuple[str, bool]:
    """Where to load `name` from, and whether to stay off the network (local_files_only).

    A relative folder is resolved against `root` (the folder of params.yaml). Offline, a
    name that is neither a folder nor in the cache stops the run with one `Error:` line.
    """
    folder = Path(root, name).expanduser()
    if folder.is_dir():
        return str(folder), True
    if offline() and not _cached(name):
        raise SystemExit(
            f"Error: checkpoint {name!r} is not local and not in the cache; download it with "
            f"`hf download {name}` on a machine with the network (it fills the Hugging Face "
            "cache, ~/.cache/huggingface), or set params.yaml model.checkpoint to a local "
            "folder written by save_pretrained"
        )
    return name, offline()


def load_pretrained(loader: Any, name: str, root: str, **kwargs: Any) -> Any:
    """`loader.from_pretrained` on the located checkpoint (transformers, diffusers or peft
    classes alike); a checkpoint that cannot be loaded is one `Error:` line."""
    source, local_only = locate(name, root)
    try:
        return loader.from_pretrained(source, local_files_only=local_only, **kwargs)
    except OSError as exc:  # a folder without the files, or a name the Hub does not know
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SystemExit(
            f"Error: checkpoint {name!r} could not be loaded ({first}); set params.yaml "
            "model.checkpoint to a Hub name or a folder written by save_pretrained"
        ) from None


def load_classifier(modality: str, name: str, root: str, num_labels: int) -> Any:
    """The checkpoint with a classification head of `num_labels` outputs: the head is new
    (initialised at random) when the checkpoint's has another size or none."""
    from transformers import AutoModelForImageClassification, AutoModelForSequenceClassification

    if modality == "image":
        loader = AutoModelForImageClassification
    else:
        loader = AutoModelForSequenceClassification
    return load_pretrained(loader, name, root, num_labels=num_labels, ignore_mismatched_sizes=True)


@functools.cache
def load_tokenizer(name: str, root: str) -> Any:
    from transformers import AutoTokenizer

    return load_pretrained(AutoTokenizer, name, root)


@functools.cache
def load_image_processor(name: str, root: str) -> Any:
    from transformers import AutoImageProcessor

    return load_pretrained(AutoImageProcessor, name, root)
