"""The detection recipe, rendered with `advisor scaffold` and fine-tuned for real from a tiny
local RT-DETR (random weights, saved with save_pretrained): nothing is downloaded.

The pipeline runs in this process (the project's package imported from its folder), so
torch and transformers are imported once for the file; the generated project's own tests
run once, in a project versioned with DVC.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
import torch
import yaml
from click.testing import CliRunner

from advisor.cli import main as advisor
from tests.scaffold.projects import run, tree
from tests.scaffold.tiny_detection import tiny_detector_checkpoint

pytestmark = pytest.mark.slow

# Settings that make the tiny random detector's loss fall within three epochs of 38 images.
QUICK = {"epochs": 3, "batch_size": 8, "lr": 1.0e-3, "backbone_lr": 1.0e-3, "workers": 0}
DEMO_CLASSES = ["square", "circle", "triangle"]


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_VERBOSITY", "error")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_detector_checkpoint(tmp_path_factory.mktemp("checkpoints") / "tiny-rtdetr")


def scaffold(folder: Path, name: str, *extra: str) -> Path:
    """`advisor scaffold --recipe detection-finetune`, without git and DVC unless asked."""
    args = ["scaffold", "--recipe", "detection-finetune", "--versioning", "none"]
    args += ["--name", name, "--output-dir", str(folder), "--no-input", *extra]
    result = CliRunner().invoke(advisor, args, prog_name="advisor")
    assert result.exit_code == 0, result.output
    return folder / name


def write_params(
    project: Path, folder: Path, checkpoint: Path, data: dict | None = None, **train: object
) -> Path:
    """The project's params.yaml, written to `folder`: the tiny checkpoint, 48 demo images,
    tracking off, quick training, and these data and train settings."""
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["model"]["checkpoint"] = str(checkpoint)
    params["data"].update({"demo_images": 48, **(data or {})})
    params["tracking"]["enabled"] = False
    params["train"].update({**QUICK, **train})
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def import_package(project: Path) -> ModuleType:
    """The generated project's package, imported from its folder (the folder stays as
    written: no bytecode)."""
    sys.path.insert(0, str(project))
    sys.dont_write_bytecode = True
    return importlib.import_module(project.name.replace("-", "_"))


def module(pkg: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{pkg.__name__}.{name}")


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """One rendered project whose package the data and metric tests share; their params
    and outputs live in each test's own folder."""
    project = scaffold(tmp_path_factory.mktemp("projects"), "det-checks")
    bytecode = sys.dont_write_bytecode
    pkg = import_package(project)
    yield pkg
    sys.path.remove(str(project))
    sys.dont_write_bytecode = bytecode


def test_the_recipe_fine_tunes_a_local_rtdetr_scores_map_and_mlflow_records_the_run(
    checkpoint: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mlflow.tracking import MlflowClient

    # MLflow rather than the recipe's TensorBoard: a tracker other than the default.
    project = scaffold(tmp_path, "det-run", "--tracking", "mlflow")
    params = write_params(project, project, checkpoint)
    settings = yaml.safe_load(params.read_text())
    settings["tracking"]["enabled"] = True
    params.write_text(yaml.safe_dump(settings))
    monkeypatch.syspath_prepend(str(project))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.chdir(project)

    module(importlib.import_module("det_run"), "__main__").main([])  # prepare, train, evaluate
    printed = capsys.readouterr().out

    manifest = json.loads((project / "data" / "processed" / "manifest.json").read_text())
    assert manifest["images"] == {"train": 38, "val": 10}
    assert manifest["classes"] == DEMO_CLASSES and manifest["format"] == "coco"
    assert "training on cpu (world of 1, mixed precision: None); 38 images" in printed
    [run_dir] = (project / "runs").iterdir()
    losses = json.loads((run_dir / "history.json").read_text())["loss"]
    assert len(losses) == 3 and losses[-1] < losses[0], losses
    assert (project / "plots" / "loss.csv").read_text().splitlines()[0] == "epoch,loss"
    assert (run_dir / "last.pt").is_file()
    saved = project / "models" / "detector"
    config = json.loads((saved / "config.json").read_text())
    assert config["id2label"] == {str(i): name for i, name in enumerate(DEMO_CLASSES)}
    assert (saved / "model.safetensors").is_file()
    assert (saved / "preprocessor_config.json").is_file()

    metrics = json.loads((project / "metrics.json").read_text())
    assert metrics["metric"] == "map"
    assert 0.0 <= metrics["map"] <= 1.0 and 0.0 <= metrics["map_50"] <= 1.0
    assert metrics["map"] <= metrics["map_50"]
    assert f"map on the validation split: {metrics['map']:.4f}" in printed

    client = MlflowClient(tracking_uri=f"sqlite:///{project / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("det_run")
    [recorded] = client.search_runs([experiment.experiment_id])
    assert recorded.info.status == "FINISHED"
    assert recorded.data.params["model.checkpoint"] == str(checkpoint)
    history = client.get_metric_history(recorded.info.run_id, "train_loss")
    assert [m.value for m in sorted(history, key=lambda m: m.step)] == pytest.approx(losses)


def test_the_project_holds_the_detection_pipeline_only_and_passes_its_linter(
    checks: ModuleType,
) -> None:
    project = Path(checks.__file__).parents[1]
    package = sorted(p.name for p in Path(checks.__file__).parent.glob("*.py"))
    assert package == [
        "__init__.py", "__main__.py", "config.py", "data.py", "detector.py", "device.py",
        "distributed.py", "evaluate.py", "predict.py", "prepare.py", "pretrained.py",
        "runs.py", "tracking.py", "train.py",
    ]  # fmt: skip
    assert not (project / "notebooks").exists() and not (project / "_apps").exists()
    assert sorted(p.name for p in (project / "tests").iterdir()) == ["test_pipeline.py"]
    # Nothing names a module the application does not have (serve, monitor, tune, ...).
    for name in ("Dockerfile", "Makefile", "slurm/train.sbatch", ".github/workflows/ci.yml"):
        text = (project / name).read_text()
        for gone in ("serve", "monitor", "tune", "batch", "model_card", "predictor"):
            assert f"det_checks.{gone}" not in text and f"$(PKG).{gone}" not in text, (name, gone)
    params = yaml.safe_load((project / "params.yaml").read_text())
    assert params["model"]["checkpoint"] == "PekingU/rtdetr_r18vd_coco_o365"
    assert params["evaluate"]["metric"] == "map" and params["data"]["path"] is None
    pyproject = (project / "pyproject.toml").read_text()
    assert '"pycocotools>=' in pyproject and '"transformers>=' in pyproject
    ruff = [str(Path(sys.executable).parent / "ruff")]
    for check in (["check", "."], ["format", "--check", "."]):
        done = subprocess.run([*ruff, *check], cwd=project, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_a_planted_perfect_prediction_scores_map_one(
    checks: ModuleType, checkpoint: Path, tmp_path: Path
) -> None:
    project = Path(checks.__file__).parents[1]
    module(checks, "prepare").main(["--params", str(write_params(project, tmp_path, checkpoint))])
    truth = json.loads((tmp_path / "data" / "processed" / "val.json").read_text())
    perfect = [
        {
            "image_id": a["image_id"],
            "category_id": a["category_id"],
            "bbox": a["bbox"],
            "score": 1.0,
        }
        for a in truth["annotations"]
    ]
    assert len(perfect) >= 10
    score = module(checks, "evaluate").score
    assert score(truth, perfect) == {"map": 1.0, "map_50": 1.0, "map_75": 1.0}
    # Every box a quarter of its width to the right: IoU 0.6, a hit at .5, a miss at .75.
    shifted = [{**d, "bbox": [d["bbox"][0] + d["bbox"][2] / 4, *d["bbox"][1:]]} for d in perfect]
    moved = score(truth, shifted)
    assert moved["map_50"] == 1.0 and moved["map_75"] == 0.0 and 0.0 < moved["map"] < 0.5
    # The right boxes under the wrong class find nothing.
    wrong = [{**d, "category_id": (d["category_id"] + 1) % 3} for d in perfect]
    assert score(truth, wrong) == {"map": 0.0, "map_50": 0.0, "map_75": 0.0}


def to_yolo(coco_folder: Path, folder: Path, *, names: str = "classes.txt", sub: str = "") -> Path:
    """The COCO data set in `coco_folder` rewritten in YOLO text format: the same images,
    one `class cx cy w h` line a box (fractions of the image), classes.txt or data.yaml;
    images and labels in the sub-folder `sub` of images/ and labels/ when given."""
    coco = json.loads((coco_folder / "annotations.json").read_text())
    (folder / "labels" / sub).mkdir(parents=True)
    shutil.copytree(coco_folder / "images", folder / "images" / sub)
    classes = [c["name"] for c in sorted(coco["categories"], key=lambda c: c["id"])]
    if names == "classes.txt":
        (folder / "classes.txt").write_text("\n".join(classes) + "\n")
    else:
        (folder / "data.yaml").write_text(yaml.safe_dump({"names": dict(enumerate(classes))}))
    for image in coco["images"]:
        lines = []
        for a in coco["annotations"]:
            if a["image_id"] == image["id"]:
                x, y, w, h = a["bbox"]
                width, height = image["width"], image["height"]
                cx, cy = (x + w / 2) / width, (y + h / 2) / height
                lines.append(
                    f"{a['category_id']} {cx:.6f} {cy:.6f} {w / width:.6f} {h / height:.6f}"
                )
        stem = Path(image["file_name"]).stem
        (folder / "labels" / sub / f"{stem}.txt").write_text("".join(f"{line}\n" for line in lines))
    return folder


@pytest.mark.parametrize(
    ("names", "sub"),
    [("classes.txt", ""), ("data.yaml", "train")],
    ids=["classes.txt", "data.yaml-in-sub-folders"],
)
def test_yolo_labels_are_read_to_the_same_boxes_as_the_same_data_in_coco_json(
    checks: ModuleType, tmp_path: Path, names: str, sub: str
) -> None:
    data = module(checks, "data")
    coco_folder = data.write_demo(tmp_path / "coco", 12, seed=3)
    yolo_folder = to_yolo(coco_folder, tmp_path / "yolo", names=names, sub=sub)
    assert data.detect_format(coco_folder) == "coco" and data.detect_format(yolo_folder) == "yolo"
    from_coco = data.read_dataset(coco_folder)
    from_yolo = data.read_dataset(yolo_folder)

    assert from_yolo.classes == from_coco.classes == tuple(DEMO_CLASSES)
    coco_images = {image.path.name: image for image in from_coco.images}
    assert sorted(coco_images) == sorted(image.path.name for image in from_yolo.images)
    assert sum(len(image.boxes) for image in from_coco.images) >= 12
    for image in from_yolo.images:
        twin = coco_images[image.path.name]
        assert (image.width, image.height) == (twin.width, twin.height) == (64, 64)
        assert [b.label for b in image.boxes] == [b.label for b in twin.boxes]
        for box, expected in zip(image.boxes, twin.boxes, strict=True):
            assert box.xywh == pytest.approx(expected.xywh, abs=1e-3)


def _coco(folder: Path, change: Callable[[dict], None]) -> None:
    coco = json.loads((folder / "annotations.json").read_text())
    change(coco)
    (folder / "annotations.json").write_text(json.dumps(coco))


def _first_annotation(**values: object) -> Callable[[dict], None]:
    return lambda coco: coco["annotations"][0].update(values)


def _replace(path: str, content: bytes | None) -> Callable[[Path], None]:
    """A change that writes `content` to `path` in the data set, or deletes it (None)."""

    def change(folder: Path) -> None:
        if content is None:
            (folder / path).unlink()
        else:
            (folder / path).write_bytes(content)

    return change


# (data format, how the good data set is spoilt, the start of the one error line). The demo's
# first annotation belongs to images/shape_0000.png; its images are 64 x 64 pixels.
BAD_INPUTS = {
    "coco-box-outside-its-image": (
        "coco",
        lambda folder: _coco(folder, _first_annotation(bbox=[50, 50, 30, 30])),
        "Error: box [50.0, 50.0, 30.0, 30.0] (x, y, width, height) of image "
        "'images/shape_0000.png' (annotations.json) lies outside the image (64x64 pixels)",
    ),
    "yolo-box-outside-its-image": (
        "yolo",
        _replace("labels/shape_0001.txt", b"0 0.95 0.5 0.3 0.3\n"),
        "Error: box [51.2, 22.4, 19.2, 19.2] (x, y, width, height) of image "
        "'images/shape_0001.png' (labels/shape_0001.txt line 1) lies outside the image",
    ),
    "coco-annotation-for-an-unlisted-image": (
        "coco",
        lambda folder: _coco(folder, _first_annotation(image_id=999)),
        "Error: annotation 0 in ",
    ),
    "coco-image-file-not-there": (
        "coco",
        _replace("images/shape_0002.png", None),
        "Error: image 'images/shape_0002.png' is not there; add it or remove its annotations",
    ),
    "yolo-label-file-without-its-image": (
        "yolo",
        _replace("images/shape_0002.png", None),
        "Error: labels/shape_0002.txt has no image images/shape_0002.* beside it",
    ),
    "coco-unknown-category-id": (
        "coco",
        lambda folder: _coco(folder, _first_annotation(category_id=7)),
        "Error: annotation 0 in ",
    ),
    "yolo-unknown-class": (
        "yolo",
        _replace("labels/shape_0001.txt", b"5 0.5 0.5 0.2 0.2\n"),
        "Error: labels/shape_0001.txt line 1 has class 5, but there are 3 classes (0..2)",
    ),
    "yolo-line-not-five-numbers": (
        "yolo",
        _replace("labels/shape_0001.txt", b"0 0.5 0.5 0.2\n"),
        "Error: labels/shape_0001.txt line 1 is not 'class cx cy w h': '0 0.5 0.5 0.2'",
    ),
    "coco-no-categories": (
        "coco",
        lambda folder: _coco(folder, lambda coco: coco.update(categories=[])),
        "Error: ",
    ),
    "coco-no-annotations": (
        "coco",
        lambda folder: _coco(folder, lambda coco: coco.update(annotations=[])),
        "Error: ",
    ),
    "yolo-empty-class-list": (
        "yolo",
        _replace("classes.txt", b"\n"),
        "Error: the class list of ",
    ),
    "coco-unreadable-image": (
        "coco",
        _replace("images/shape_0003.png", b"not a png at all"),
        "Error: image 'images/shape_0003.png' cannot be read (UnidentifiedImageError",
    ),
    "yolo-unreadable-image": (
        "yolo",
        _replace("images/shape_0003.png", b"\x89PNG\r\n\x1a\n truncated"),
        "Error: image 'images/shape_0003.png' cannot be read (",
    ),
}
# The rest of the line, for the cases whose start above names a path of the test's folder.
ENDINGS = {
    "coco-annotation-for-an-unlisted-image": "annotations.json is for image id 999, which the "
    "file's images do not list; add the image or remove the annotation",
    "coco-unknown-category-id": "annotations.json has category id 7, which is not among the "
    "categories [0, 1, 2]; add the category or fix the annotation",
    "coco-no-categories": "annotations.json has no categories; list the classes the boxes "
    "belong to",
    "coco-no-annotations": "annotations.json has no annotations; a detector learns from boxes",
    "yolo-empty-class-list": "is empty; name the classes the boxes belong to",
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_is_one_error_line_and_nothing_is_written(
    checks: ModuleType, checkpoint: Path, tmp_path: Path, case: str
) -> None:
    data_format, spoil, start = BAD_INPUTS[case]
    data = module(checks, "data")
    coco_folder = data.write_demo(tmp_path / "coco", 6, seed=0)
    folder = coco_folder if data_format == "coco" else to_yolo(coco_folder, tmp_path / "yolo")
    spoil(folder)
    project = Path(checks.__file__).parents[1]
    params = write_params(project, tmp_path, checkpoint, {"path": str(folder)})
    before = tree(tmp_path)

    with pytest.raises(SystemExit) as exited:
        module(checks, "prepare").main(["--params", str(params)])

    message = exited.value.code
    assert isinstance(message, str) and "\n" not in message, message
    assert message.startswith(start), message
    assert message.endswith(ENDINGS.get(case, message[-20:])), message
    assert tree(tmp_path) == before  # no data/processed, no scratch folder, the data as it was


def test_a_dvc_project_passes_its_own_tests_and_its_pipeline_is_valid_dvc(
    tmp_path: Path,
) -> None:
    from dvc.repo import Repo

    project = scaffold(tmp_path, "det-dvc", "--versioning", "dvc")
    with Repo(str(project)) as repo:
        stages = {stage.name: stage for stage in repo.index.stages}
    assert list(stages) == ["prepare", "train", "evaluate"]
    assert [str(out) for out in stages["train"].outs] == ["models", "plots/loss.csv"]
    assert {str(out) for out in stages["evaluate"].outs} == {"metrics.json"}

    # The generated project's own tests: a tiny RT-DETR built there, the whole pipeline.
    printed = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert "3 passed" in printed, printed
    assert not (project / "models").exists()  # its tests train in folders of their own


# torchrun with gloo on two CPU processes starts three interpreters that import torch, too
# dear for this file's CPU budget: the data-parallel path runs where there are two GPUs.
@pytest.mark.gpu
@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs two CUDA GPUs")
def test_torchrun_fine_tunes_data_parallel_and_rank_0_alone_writes(
    checkpoint: Path, tmp_path: Path
) -> None:
    project = scaffold(tmp_path, "det-ddp")
    write_params(project, project, checkpoint, {"demo_images": 40}, epochs=2)
    run([sys.executable, "-m", "det_ddp.prepare"], project)
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    printed = run([*torchrun, "--nproc_per_node", "2", "-m", "det_ddp.train"], project)
    assert "training on cuda:0 (world of 2, mixed precision: torch." in printed
    assert printed.count("epoch 2/2") == 1  # only rank 0 reports
    [run_dir] = (project / "runs").iterdir()
    losses = json.loads((run_dir / "history.json").read_text())["loss"]
    assert len(losses) == 2 and losses[-1] < losses[0], losses
    assert (project / "models" / "detector" / "model.safetensors").is_file()


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_on_a_gpu_the_recipe_fine_tunes_in_mixed_precision(
    checkpoint: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = scaffold(tmp_path, "det-gpu")
    write_params(project, project, checkpoint, amp=True)
    monkeypatch.syspath_prepend(str(project))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.chdir(project)
    pkg = importlib.import_module("det_gpu")
    module(pkg, "prepare").main([])
    losses = module(pkg, "train").main([])["losses"]
    expected = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    printed = capsys.readouterr().out
    assert f"training on cuda:0 (world of 1, mixed precision: torch.{expected})" in printed
    assert losses[-1] < losses[0], losses
    metrics = module(pkg, "evaluate").main([])
    assert 0.0 <= metrics["map"] <= metrics["map_50"] <= 1.0
