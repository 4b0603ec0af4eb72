"""The text-to-image recipe, rendered with `advisor scaffold` and trained for real: LoRA
adapters on a tiny random Stable-Diffusion-shaped pipeline (built from configs and saved
with save_pretrained, so nothing is downloaded), on the generated captioned shapes.

The pipeline runs in this process (the project's package imported from its folder), so
torch, diffusers and transformers are imported once for every test here; one test runs the
generated project's own tests in a project of its own, versioned with DVC.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest
import torch
import yaml
from click.testing import CliRunner
from PIL import Image

from advisor.cli import main as advisor
from tests.scaffold.projects import run, tree
from tests.scaffold.tiny_generation import tiny_generation_checkpoint

pytestmark = pytest.mark.slow

# Settings that make tiny LoRA adapters learn in a few epochs on 64 images of 32 px.
QUICK_TRAIN = {"epochs": 4, "batch_size": 8, "lr": 1.0e-2}
PROMPTS = ["a red circle", "a blue square", "a green triangle"]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_generation_checkpoint(tmp_path_factory.mktemp("checkpoints"))


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_VERBOSITY", "error")


def scaffold(folder: Path, name: str, *extra: str) -> Path:
    """`advisor scaffold --recipe text-to-image-lora` (without git and DVC unless asked)."""
    args = ["scaffold", "--recipe", "text-to-image-lora", "--versioning", "none"]
    args += ["--name", name, "--output-dir", str(folder), "--no-input", *extra]
    result = CliRunner().invoke(advisor, args, prog_name="advisor")
    assert result.exit_code == 0, result.output
    return folder / name


def set_params(project: Path, checkpoint: Path, **data: object) -> Path:
    """params.yaml with the tiny checkpoint, 32 px images and quick settings."""
    path = project / "params.yaml"
    params = yaml.safe_load(path.read_text())
    params["model"].update(checkpoint=str(checkpoint), lora_r=8, lora_alpha=8)
    params["data"].update({"resolution": 32, "demo_images": 64, **data})
    params["train"].update(QUICK_TRAIN)
    params["evaluate"].update(prompts=PROMPTS, samples_per_prompt=2, inference_steps=2)
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


def test_the_recipe_trains_only_lora_adapters_and_evaluates_them_against_the_base_model(
    checkpoint: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from safetensors.torch import load_file

    project = scaffold(tmp_path, "gen-run", "--tracking", "mlflow")
    pyproject = (project / "pyproject.toml").read_text()
    assert '"diffusers>=' in pyproject and '"peft>=' in pyproject
    set_params(project, checkpoint)
    pkg = package(project, monkeypatch)
    assert not (project / pkg.__name__ / "serve.py").exists()
    module(pkg, "prepare").main([])
    train, diffusion = module(pkg, "train"), module(pkg, "diffusion")
    loaded = []

    def keep(*args, **kwargs):
        loaded.append(diffusion.load_parts(*args, **kwargs))
        return loaded[-1]

    monkeypatch.setattr(train, "load_parts", keep)
    result = train.main([])
    losses = result["losses"]
    assert len(losses) == 4 and losses[-1] < losses[0], losses
    printed = capsys.readouterr().out
    assert "LoRA: 19,968 of the UNet's 812,932 parameters train" in printed

    # Only the adapters trained: the UNet's pretrained weights, and every weight of the
    # text encoder and the VAE, are exactly the checkpoint's.
    [parts] = loaded
    for name, part in (
        ("unet", parts.unet),
        ("text_encoder", parts.text_encoder),
        ("vae", parts.vae),
    ):
        [weights_file] = (checkpoint / name).glob("*.safetensors")
        pretrained = load_file(weights_file)
        state = {k.replace(".base_layer", ""): v for k, v in part.state_dict().items()}
        assert pretrained.keys() <= state.keys(), name
        moved = [key for key, value in pretrained.items() if not torch.equal(state[key], value)]
        assert not moved, f"pretrained weights of the {name} moved: {moved[:3]}"
    lora_b = [value for key, value in parts.unet.state_dict().items() if ".lora_B." in key]
    # Four projections in each of the tiny UNet's 8 attention layers (2 down, 2 mid, 4 up).
    assert len(lora_b) == 32 and all(value.abs().sum() > 0 for value in lora_b)  # start at 0
    saved = load_file(project / "models" / "lora" / "pytorch_lora_weights.safetensors")
    assert len(saved) == 2 * 32 and all(key.startswith("unet.") and ".lora" in key for key in saved)
    assert (project / "plots" / "loss.csv").read_text().splitlines()[0] == "epoch,loss"

    # The run is in the project's MLflow store, with its loss per epoch.
    import mlflow

    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    [run_row] = mlflow.search_runs(experiment_names=["gen_run"], output_format="list")
    history = mlflow.MlflowClient().get_metric_history(run_row.info.run_id, "train_loss")
    assert [metric.value for metric in history] == pytest.approx(losses)
    assert run_row.data.params["model.checkpoint"] == str(checkpoint)

    evaluate = module(pkg, "evaluate")
    metrics = evaluate.main([])
    assert json.loads((project / "metrics.json").read_text()) == metrics
    assert set(metrics) == {"denoising_loss", "base_denoising_loss"}
    assert math.isfinite(metrics["denoising_loss"])
    assert metrics["denoising_loss"] < metrics["base_denoising_loss"], metrics
    printed = capsys.readouterr().out
    assert f"denoising_loss on the test split: {metrics['denoising_loss']:.4f}" in printed
    with Image.open(project / "plots" / "samples.png") as grid:
        assert grid.size == (2 * 32, len(PROMPTS) * 32)  # samples x prompts tiles of 32 px
    # Fixed timesteps and seeded noise: a second evaluation agrees to the last digit.
    assert evaluate.main([]) == metrics

    written = module(pkg, "generate").main(["a red circle", "--samples", "2", "--steps", "2"])
    assert [path.name for path in written] == ["a-red-circle-0.png", "a-red-circle-1.png"]
    for path in written:
        with Image.open(project / path) as image:
            assert image.size == (32, 32)


def test_the_generated_project_passes_its_own_tests_and_its_dvc_stages_name_real_files(
    tmp_path: Path,
) -> None:
    project = scaffold(tmp_path, "gen-dvc", "--versioning", "dvc")
    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    assert list(stages) == ["prepare", "train", "evaluate"]
    outputs = {"data/processed", "models"}
    for name, stage in stages.items():
        for dependency in stage["deps"]:
            assert dependency in outputs or (project / dependency).is_file(), (name, dependency)
    params = yaml.safe_load((project / "params.yaml").read_text())
    assert params["model"]["checkpoint"] == "stable-diffusion-v1-5/stable-diffusion-v1-5"
    assert params["evaluate"]["metric"] == "denoising_loss"

    output = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    summary = output.strip().splitlines()[-1]
    expected = "4 passed" if torch.cuda.is_available() else "3 passed, 1 skipped"
    assert summary.startswith(expected), output[-3000:]


def _write_images(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (48, 40), "red").save(folder / name)


BAD_FOLDERS = {
    "an image without a caption": (
        ["one.png", "two.png", "sub/three.png"],
        "captions.csv",
        "file,caption\none.png,a red square\ntwo.png,a red one\n",
        "the image sub/three.png has no caption in captions.csv; add one, or move the image "
        "out of {folder}",
    ),
    "a caption whose image is missing": (
        ["one.png", "two.png"],
        "metadata.jsonl",
        '{"file_name": "one.png", "text": "a red square"}\n'
        '{"file_name": "two.png", "text": "red"}\n'
        '{"file_name": "gone.png", "text": "a lost one"}\n',
        "metadata.jsonl has a caption for gone.png, which is not an image in {folder}; add "
        "the image or remove its caption",
    ),
    "an empty caption": (
        ["one.png", "two.png"],
        "captions.csv",
        "file,caption\none.png,a red square\ntwo.png,  \n",
        "the caption of two.png in captions.csv is empty; write one or remove the row",
    ),
    "an unreadable image": (
        ["one.png"],
        "captions.csv",
        "file,caption\none.png,a red square\nbroken.png,a broken one\n",
        "the image broken.png cannot be read (cannot identify image file {broken}); replace "
        "it, or remove it and its caption",
    ),
}


@pytest.fixture(scope="module")
def bare_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One rendered project for the checks of the team's data (prepare reads no model)."""
    return scaffold(tmp_path_factory.mktemp("bare"), "gen-data")


@pytest.mark.parametrize("case", list(BAD_FOLDERS), ids=lambda case: case.replace(" ", "-"))
def test_a_bad_folder_is_one_error_line_and_nothing_is_written(
    case: str, bare_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images, caption_file, captions, message = BAD_FOLDERS[case]
    folder = tmp_path / "team-images"
    _write_images(folder, images)
    (folder / caption_file).write_text(captions)
    if case == "an unreadable image":
        (folder / "broken.png").write_bytes(b"not a png at all")
    before = tree(folder)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    params = yaml.safe_load((bare_project / "params.yaml").read_text())
    params["data"]["path"] = str(folder)
    (workspace / "params.yaml").write_text(yaml.safe_dump(params))
    prepare = module(package(bare_project, monkeypatch), "prepare")

    # SystemExit with a message: Python prints it, one line on stderr, and exits with 1.
    with pytest.raises(SystemExit) as exited:
        prepare.main(["--params", str(workspace / "params.yaml")])
    expected = message.format(folder=folder, broken=repr(str(folder / "broken.png")))
    assert exited.value.code == f"Error: {expected}"
    assert list(workspace.iterdir()) == [workspace / "params.yaml"]
    assert tree(folder) == before


def test_a_good_folder_in_either_layout_is_resized_centre_cropped_and_split(
    bare_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "team-images"
    folder.mkdir()
    for index in range(8):
        # Wide images: a blue band in the middle, red margins that the centre crop removes.
        image = Image.new("RGB", (96, 48), "red")
        image.paste((0, 0, 255), (24, 0, 72, 48))
        image.save(folder / f"{index}.png")
    lines = [json.dumps({"file_name": f"{i}.png", "text": f"blue band {i}"}) for i in range(8)]
    (folder / "metadata.jsonl").write_text("\n".join(lines) + "\n")
    params = yaml.safe_load((bare_project / "params.yaml").read_text())
    params["data"].update(path=str(folder), resolution=32, test_size=0.25)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    pkg = package(bare_project, monkeypatch)

    counts = module(pkg, "prepare").main(["--params", str(tmp_path / "params.yaml")])
    assert counts == {"train": 6, "test": 2}
    config = module(pkg, "config").load_config(tmp_path / "params.yaml")
    images, captions = module(pkg, "data").load_split(config, "test")
    assert images.shape == (2, 32, 32, 3) and images.dtype.name == "uint8"
    assert images[:, :, :, 2].min() > 200 and images[:, :, :, 0].max() < 60  # all blue
    train_captions = module(pkg, "data").load_split(config, "train")[1]
    assert sorted(captions + train_captions) == sorted(f"blue band {i}" for i in range(8))


def test_evaluating_before_training_is_one_error_line(
    bare_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "params.yaml").write_text((bare_project / "params.yaml").read_text())
    evaluate = module(package(bare_project, monkeypatch), "evaluate")
    with pytest.raises(SystemExit) as exited:
        evaluate.main(["--params", str(tmp_path / "params.yaml")])
    assert exited.value.code == (
        f"Error: no trained adapters in {tmp_path / 'models' / 'lora'}; run "
        "`python -m gen_data.train` first"
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "params.yaml"]


def test_lora_targets_that_name_no_layer_are_one_error_line_before_anything_is_written(
    checkpoint: Path, bare_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = yaml.safe_load((bare_project / "params.yaml").read_text())
    params["model"].update(checkpoint=str(checkpoint), lora_targets=["to_qq"])
    params["data"].update(resolution=32, demo_images=8)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    pkg = package(bare_project, monkeypatch)
    module(pkg, "prepare").main(["--params", str(tmp_path / "params.yaml")])
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(SystemExit) as exited:
        module(pkg, "train").main(["--params", str(tmp_path / "params.yaml")])
    assert exited.value.code == (
        "Error: model.lora_targets ['to_qq'] in params.yaml name no layer of the UNet; use its "
        "attention projections (to_q, to_k, to_v, to_out.0)"
    )
    assert sorted(tmp_path.rglob("*")) == before
