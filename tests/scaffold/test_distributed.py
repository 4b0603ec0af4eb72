"""The data-parallel path: torchrun with two CPU processes (gloo) here; CUDA, mixed
precision and NCCL on a machine with GPUs (skipped cleanly without one)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import torch

from advisor.scaffold.generate import scaffold_project
from tests.scaffold.projects import run

pytestmark = pytest.mark.slow

TORCHRUN = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def project(tmp_path: Path, recipe: str = "tabular-pytorch") -> tuple[Path, str]:
    path = scaffold_project(
        recipe, tracking="tensorboard", versioning="none", name="ddp", output_dir=tmp_path
    ).path
    run([sys.executable, "-m", "ddp.prepare"], path)
    return path, "ddp"


def check_one_run(path: Path) -> list[float]:
    """Rank 0 alone wrote: one run folder, one event file, one checkpoint."""
    [run_dir] = (path / "runs").iterdir()
    assert (run_dir / "last.pt").is_file() and (path / "models" / "model.pt").is_file()
    assert len(list((run_dir / "tensorboard").glob("events.out.tfevents.*"))) == 1
    losses = json.loads((run_dir / "history.json").read_text())["loss"]
    assert losses[-1] < losses[0]
    return losses


def test_torchrun_two_cpu_processes_with_gloo(tmp_path: Path) -> None:
    path, package = project(tmp_path)
    printed = run([*TORCHRUN, "--nproc_per_node", "2", "-m", f"{package}.train"], path)
    assert "training on cpu (world of 2, mixed precision: None)" in printed
    assert printed.count("epoch 8/8") == 1  # only rank 0 reports
    check_one_run(path)
    assert "roc_auc on the test split" in run([sys.executable, "-m", f"{package}.evaluate"], path)


@pytest.mark.gpu
@needs_cuda
def test_one_gpu_with_mixed_precision(tmp_path: Path) -> None:
    path, package = project(tmp_path)
    printed = run([sys.executable, "-m", f"{package}.train"], path)
    dtype = "torch.bfloat16" if torch.cuda.is_bf16_supported() else "torch.float16"
    assert f"training on cuda:0 (world of 1, mixed precision: {dtype})" in printed
    check_one_run(path)


@pytest.mark.gpu
@needs_cuda
def test_lightning_on_a_gpu_with_mixed_precision(tmp_path: Path) -> None:
    path = scaffold_project(
        "image-lightning", tracking="none", versioning="none", name="lit", output_dir=tmp_path
    ).path
    printed = run([sys.executable, "-m", "lit"], path)
    assert "GPU available: True" in printed
    assert "accuracy on the test split" in printed


@pytest.mark.gpu
@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs two CUDA GPUs")
def test_torchrun_on_every_gpu_with_nccl(tmp_path: Path) -> None:
    path, package = project(tmp_path)
    world = torch.cuda.device_count()
    printed = run([*TORCHRUN, "--nproc_per_node", str(world), "-m", f"{package}.train"], path)
    assert f"training on cuda:0 (world of {world}, mixed precision: torch." in printed
    check_one_run(path)
