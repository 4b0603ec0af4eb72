"""Where to train: CUDA, then Apple MPS, then CPU; and which mixed precision to use."""

from __future__ import annotations

import torch


def select_device(local_rank: int = 0) -> torch.device:
    """The GPU of this process when there is one, else Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda", local_rank)
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def autocast_dtype(device: torch.device, enabled: bool = True) -> torch.dtype | None:
    """bf16 on GPUs that support it (Ampere and newer), fp16 on older ones, None (full
    precision) off CUDA or when switched off in params.yaml."""
    if not enabled or device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
