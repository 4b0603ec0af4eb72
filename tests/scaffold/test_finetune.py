"""The fine-tuning recipes, rendered with `advisor scaffold` and trained for real from tiny
local checkpoints (random weights, saved with save_pretrained): nothing is downloaded.

The pipeline runs in this process (the project's package imported from its folder), so
torch and transformers are imported once for every test here.
"""

from __future__ import annotations

import importlib
import json
import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import torch
import yaml
from click.testing import CliRunner

from advisor.cli import main as advisor
from tests.scaffold.projects import project_env
from tests.scaffold.tiny_checkpoints import tiny_image_checkpoint, tiny_text_checkpoint

pytestmark = pytest.mark.slow

# Settings that make a tiny random network learn in a few epochs on a few hundred rows.
QUICK = {"epochs": 3, "batch_size": 32, "lr": 2.0e-4, "head_lr": 2.0e-2}


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("checkpoints")
    return {
        "image": tiny_image_checkpoint(folder / "tiny-convnext"),
        "text": tiny_text_checkpoint(folder / "tiny-distilbert"),
    }


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_VERBOSITY", "error")


def scaffold(modality: str, folder: Path, name: str, *extra: str) -> Path:
    """`advisor scaffold --recipe <modality>-finetune`, without git and DVC (quicker)."""
    args = ["scaffold", "--recipe", f"{modality}-finetune", "--versioning", "none"]
    args += ["--name", name, "--output-dir", str(folder), "--no-input", *extra]
    result = CliRunner().invoke(advisor, args, prog_name="advisor")
    assert result.exit_code == 0, result.output
    return folder / name


def set_params(project: Path, model: dict | None = None, **train: object) -> Path:
    """params.yaml with tracking off, fewer rows, and these model and train settings."""
    path = project / "params.yaml"
    params = yaml.safe_load(path.read_text())
    params["data"]["rows"] = 240
    params["tracking"]["enabled"] = False
    params["model"].update(model or {})
    params["train"].update({**QUICK, **train})
    path.write_text(yaml.safe_dump(params))
    return path


def package(project: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The generated project's package, imported from its folder."""
    monkeypatch.syspath_prepend(str(project))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # the project's folder stays as written
    monkeypatch.chdir(project)
    return importlib.import_module(project.name.replace("-", "_"))


def module(pkg: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{pkg.__name__}.{name}")


def saved_weights(checkpoint: Path) -> dict[str, torch.Tensor]:
    from safetensors.torch import load_file

    return load_file(checkpoint / "model.safetensors")


def test_the_image_recipe_fine_tunes_a_local_checkpoint_and_evaluates(
    checkpoints: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Binary digits (0 and 1): a tiny random network learns them in 3 epochs.
    project = scaffold("image", tmp_path, "ft-image-run", "--task", "binary")
    pyproject = (project / "pyproject.toml").read_text()
    assert '"transformers>=' in pyproject and '"peft>=' in pyproject
    set_params(project, {"checkpoint": str(checkpoints["image"])})

    module(package(project, monkeypatch), "__main__").main([])  # prepare, train, evaluate
    printed = capsys.readouterr().out

    assert "epoch 1: warm-up: the head alone" in printed
    assert "epoch 2: full fine-tuning" in printed
    [run_dir] = (project / "runs").iterdir()
    losses = json.loads((run_dir / "history.json").read_text())["loss"]
    assert len(losses) == 3 and losses[-1] < losses[0], losses
    metric = "roc_auc"
    score = json.loads((project / "metrics.json").read_text())[metric]
    assert math.isfinite(score) and 0.0 <= score <= 1.0
    assert f"{metric} on the test split: {score:.4f}" in printed
    assert "No baseline was measured for this project" in printed


def test_the_text_recipe_warms_up_with_the_backbone_frozen_then_fine_tunes_it(
    checkpoints: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = scaffold("text", tmp_path, "ft-warmup")
    params = set_params(project, {"checkpoint": str(checkpoints["text"]), "max_length": 20})
    pkg = package(project, monkeypatch)
    module(pkg, "prepare").main(["--params", str(params)])
    train, config = module(pkg, "train"), module(pkg, "config")
    pretrained = saved_weights(checkpoints["text"])
    after_epoch: list[dict[str, torch.Tensor]] = []

    def keep(epoch: int, loss: float) -> bool:
        [last] = (project / "runs").glob("*/last.pt")
        after_epoch.append(torch.load(last, weights_only=True)["model"])
        return False

    result = train.train(
        config.load_config(params), module(pkg, "distributed").World(), on_epoch=keep
    )
    assert result["losses"][-1] < result["losses"][0], result["losses"]
    module(pkg, "evaluate").main(["--params", str(params)])
    score = json.loads((project / "metrics.json").read_text())["roc_auc"]
    assert f"roc_auc on the test split: {score:.4f}" in capsys.readouterr().out

    def split(state: dict[str, torch.Tensor]) -> tuple[dict, dict]:
        weights = {key.removeprefix("model."): value for key, value in state.items()}
        backbone = {k: v for k, v in weights.items() if k.startswith("distilbert.")}
        head = {k: v for k, v in weights.items() if not k.startswith("distilbert.")}
        return backbone, head

    warm_backbone, warm_head = split(after_epoch[0])
    assert warm_backbone.keys() <= pretrained.keys() and len(warm_backbone) > 10
    for key, value in warm_backbone.items():
        assert torch.equal(value, pretrained[key]), f"{key} moved during the warm-up"
    assert any(not torch.equal(value, pretrained[key]) for key, value in warm_head.items())
    tuned_backbone, _ = split(after_epoch[-1])
    moved = [k for k, v in tuned_backbone.items() if not torch.equal(v, pretrained[k])]
    assert len(moved) > len(tuned_backbone) // 2, moved


def test_lora_adds_adapters_and_trains_only_them_and_the_head(
    checkpoints: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = scaffold("text", tmp_path, "ft-lora")
    model = {"checkpoint": str(checkpoints["text"]), "max_length": 20, "lora": True}
    params = set_params(project, model, lr=5.0e-3, head_lr=2.0e-2)
    params_dict = yaml.safe_load(params.read_text())
    params_dict["model"]["warmup_epochs"] = 0
    params.write_text(yaml.safe_dump(params_dict))
    pkg = package(project, monkeypatch)
    module(pkg, "prepare").main(["--params", str(params)])

    net = module(pkg, "model").build_model(params_dict, (2, 20), 2)
    trainable = {name for name, trains in net.trainable.items() if trains}
    adapters = {name for name in trainable if ".lora_A." in name or ".lora_B." in name}
    assert adapters and {name.split(".")[-4] for name in adapters} >= {"q_lin", "v_lin", "lin1"}
    assert trainable - adapters == {name for name in trainable if ".modules_to_save." in name}, (
        "only the adapters and the copied head train"
    )

    result = module(pkg, "train").main(["--params", str(params)])
    assert result["losses"][-1] < result["losses"][0], result["losses"]
    state = torch.load(project / "models" / "model.pt", weights_only=True)["model"]
    pretrained = saved_weights(checkpoints["text"])
    for key, value in state.items():
        name = key.removeprefix("model.base_model.model.").replace(".base_layer", "")
        name = name.replace(".original_module", "")
        if name in pretrained:
            assert torch.equal(value, pretrained[name]), f"{key}: a pretrained weight moved"
    lora_b = [value for key, value in state.items() if ".lora_B." in key]
    assert lora_b and all(value.abs().sum() > 0 for value in lora_b)  # they start at zero
    head = state["model.base_model.model.classifier.modules_to_save.default.weight"]
    assert not torch.equal(head, pretrained["classifier.weight"])
    # The trained model reloads through the predictor, as evaluate and serve load it.
    module(pkg, "evaluate").main(["--params", str(params)])
    assert "roc_auc" in json.loads((project / "metrics.json").read_text())


def test_a_checkpoint_neither_local_nor_cached_offline_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = scaffold("image", tmp_path, "ft-missing")
    params = set_params(project, {"checkpoint": "acme/no-such-model"})
    pkg = package(project, monkeypatch)
    module(pkg, "prepare").main(["--params", str(params)])
    before = sorted(p.relative_to(project) for p in project.rglob("*"))

    # SystemExit with a message: Python prints it, one line on stderr, and exits with 1.
    with pytest.raises(SystemExit) as exited:
        module(pkg, "train").main(["--params", str(params)])
    assert exited.value.code == (
        "Error: checkpoint 'acme/no-such-model' is not local and not in the cache; download it "
        "with `hf download acme/no-such-model` on a machine with the network (it fills the "
        "Hugging Face cache, ~/.cache/huggingface), or set params.yaml model.checkpoint to a "
        "local folder written by save_pretrained"
    )
    assert "\n" not in exited.value.code
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_without_a_network_loading_stays_local_and_a_missing_checkpoint_is_an_error(
    checkpoints: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = scaffold("text", tmp_path, "ft-no-network")
    pretrained = module(package(project, monkeypatch), "pretrained")
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    hosts = []

    def unreachable(address: tuple[str, int], timeout: float) -> None:
        hosts.append(address)
        raise OSError("Network is unreachable")

    monkeypatch.setattr(pretrained.socket, "create_connection", unreachable)
    assert pretrained.offline() and hosts == [("huggingface.co", 443)]
    # A local folder loads without the network; a Hub name outside the cache cannot.
    folder = str(checkpoints["text"])
    assert pretrained.locate(folder) == (folder, True)
    with pytest.raises(SystemExit, match=r"^Error: checkpoint 'acme/absent' is not local and "):
        pretrained.locate("acme/absent")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_on_a_gpu_the_image_recipe_trains_in_mixed_precision(
    checkpoints: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = scaffold("image", tmp_path, "ft-gpu", "--task", "binary")
    params = set_params(project, {"checkpoint": str(checkpoints["image"])}, amp=True)
    pkg = package(project, monkeypatch)
    module(pkg, "prepare").main(["--params", str(params)])
    result = module(pkg, "train").main(["--params", str(params)])
    printed = capsys.readouterr().out
    expected = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    assert f"training on cuda:0 (world of 1, mixed precision: torch.{expected})" in printed
    assert result["losses"][-1] < result["losses"][0], result["losses"]


@pytest.mark.gpu
@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs two CUDA GPUs")
def test_on_two_gpus_torchrun_fine_tunes_data_parallel(
    checkpoints: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = scaffold("text", tmp_path, "ft-ddp")
    set_params(project, {"checkpoint": str(checkpoints["text"]), "max_length": 20})
    module(package(project, monkeypatch), "prepare").main([])
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    command += ["--nproc_per_node", "2", "-m", "ft_ddp.train"]
    env = {**project_env(), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "world of 2" in done.stdout
    assert (project / "models" / "model.pt").is_file()


def test_other_recipes_carry_no_fine_tuning_code(tmp_path: Path) -> None:
    args = ["scaffold", "--recipe", "image-pytorch", "--versioning", "none", "--name", "plain"]
    result = CliRunner().invoke(advisor, [*args, "--output-dir", str(tmp_path), "--no-input"])
    assert result.exit_code == 0, result.output
    project = tmp_path / "plain"
    assert not (project / "plain" / "finetune.py").exists()
    assert not (project / "plain" / "pretrained.py").exists()
    code = "".join(path.read_text() for path in (project / "plain").glob("*.py"))
    assert "finetune" not in code and "set_stage" not in code
    assert "transformers" not in (project / "pyproject.toml").read_text()
    assert "checkpoint" not in yaml.safe_load((project / "params.yaml").read_text())["model"]
