"""Keras and JAX projects, rendered and trained for real on CPU: every modality, every
tracker, DVC, checkpoints and resume, the exported model, the project's own tests.

TensorFlow and JAX are slow to import, so each framework's projects train in one worker
process (keras_jax_worker.py), while `dvc repro` of each framework runs beside them; all
four start at once and the tests read what they left."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.errors import RecipeError
from advisor.scaffold.answers import Answers
from advisor.scaffold.baseline import DEFAULT_METRIC, NO_BASELINE
from advisor.scaffold.generate import render, resolve_answers
from advisor.scaffold.vocabulary import CHOICES, check_combination, default_model
from tests.scaffold.projects import project_env
from tests.scaffold.test_projects import check_tracking

pytestmark = pytest.mark.slow

WORKER = Path(__file__).with_name("keras_jax_worker.py")
FRAMEWORKS = ("keras", "jax")
# (modality, task, tracking, versioning): each framework meets every tracker and every
# modality once in its worker; the last row runs through `dvc repro` on its own.
ROWS = {
    "keras": [
        ("tabular", "binary", "tensorboard", "none"),
        ("image", "multiclass", "mlflow", "none"),
        ("text", "binary", "wandb", "none"),
        ("tabular", "regression", "neptune", "pachyderm"),
        ("text", "multiclass", "none", "dvc"),
    ],
    "jax": [
        ("text", "binary", "tensorboard", "none"),
        ("tabular", "regression", "mlflow", "none"),
        ("image", "binary", "wandb", "none"),
        ("tabular", "multiclass", "neptune", "pachyderm"),
        ("image", "multiclass", "none", "dvc"),
    ],
}
# The row whose project also resumes a run and runs its own generated test suite.
RESUMED = {"keras": 0, "jax": 1}


def answers(framework: str, modality: str, task: str, tracking: str, versioning: str) -> Answers:
    return Answers(
        name=f"{framework} {modality} {task} {tracking} {versioning}",
        recipe=f"{modality}-{framework}",
        modality=modality,
        task=task,
        model=default_model(framework, modality, task),
        framework=framework,
        tracking=tracking,
        versioning=versioning,
        hardware="cpu",
        metric=DEFAULT_METRIC[task],
        baseline=dict(NO_BASELINE),
    )


def tabular(framework: str, folder: Path, *, tracking: str = "none") -> Path:
    """A binary tabular project of `framework`, rendered into `folder`."""
    return render(answers(framework, "tabular", "binary", tracking, "none"), output_dir=folder).path


def small(project: Path, epochs: int, rows: int | None) -> None:
    """Fewer rows and epochs than the demo's defaults: seconds, not minutes, per run."""
    import yaml

    path = project / "params.yaml"
    params = yaml.safe_load(path.read_text())
    if rows is not None:
        params["data"]["rows"] = rows
    params["train"].update(epochs=epochs, batch_size=16)
    path.write_text(yaml.safe_dump(params, sort_keys=False))


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every project rendered, then the two workers and the two `dvc repro` runs at once."""
    root = tmp_path_factory.mktemp("keras-jax")
    env = project_env()
    # Two simulated CPU devices: JAX's data-parallel path really shards each batch.
    env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    started, projects = [], {}
    for framework in FRAMEWORKS:
        cases = []
        for index, row in enumerate(ROWS[framework]):
            project = render(answers(framework, *row), output_dir=root).path
            projects[(framework, *row)] = project
            # The CNN on ten digits needs more steps than the others to leave chance behind.
            small(
                project,
                epochs=16 if row[:2] == ("image", "multiclass") else 6,
                # The project that runs its own tests keeps all its rows: its monitor test
                # holds the sample to "no drift", which a smaller test split makes noisy.
                rows=None if index == RESUMED[framework] else 300,
            )
            if row[3] == "dvc":
                log = root / f"{project.name}.log"
                started.append(_start([sys.executable, "-m", "dvc", "repro"], project, env, log))
                continue
            cases.append(
                {
                    "project": str(project),
                    "package": project.name.replace("-", "_"),
                    "framework": framework,
                    "modality": row[0],
                    "task": row[1],
                    "resume": index == RESUMED[framework],
                    "own_tests": index == RESUMED[framework],
                }
            )
        spec = root / f"{framework}-cases.json"
        spec.write_text(json.dumps(cases))
        command = [sys.executable, str(WORKER), str(spec), str(root / f"{framework}.json")]
        started.append(_start(command, root, env, root / f"{framework}-worker.log"))
    for process, log in started:
        process.wait(timeout=1800)
        assert process.returncode == 0, f"{process.args} failed:\n{log.read_text()[-8000:]}"
    results = {}
    for framework in FRAMEWORKS:
        results.update(json.loads((root / f"{framework}.json").read_text()))
    return {"projects": projects, "results": results}


def _start(
    command: list[str], cwd: Path, env: dict[str, str], log: Path
) -> tuple[subprocess.Popen, Path]:
    """The process, its output going to `log` (a pipe nobody reads would stall it)."""
    with log.open("w") as handle:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, text=True
        )
    return process, log


def _cases(*, dvc: bool) -> list[tuple[str, ...]]:
    return [(f, *row) for f in FRAMEWORKS for row in ROWS[f] if (row[3] == "dvc") == dvc]


def test_the_rows_cover_every_tracker_modality_and_versioning() -> None:
    for framework in FRAMEWORKS:
        rows = ROWS[framework]
        assert {r[0] for r in rows} == {"tabular", "image", "text"}  # the starters' data
        assert {r[2] for r in rows} == set(CHOICES["tracking"])
        assert {r[3] for r in rows} == set(CHOICES["versioning"])
        assert "regression" in {r[1] for r in rows}
        for modality, task, tracking, versioning in rows:
            check_combination(
                {"framework": framework, "modality": modality, "task": task,
                 "tracking": tracking, "versioning": versioning}
            )  # fmt: skip


@pytest.mark.parametrize("case", _cases(dvc=False), ids="-".join)
def test_the_project_trains_exports_and_tracks(trained: dict, case: tuple[str, ...]) -> None:
    framework, _, task, tracking, versioning = case
    project = trained["projects"][case]
    result = trained["results"][str(project)]
    assert "error" not in result, result.get("error")
    losses = result["losses"]
    assert len(losses) >= 3 and losses[-1] < losses[0], losses
    assert result["precision"] == "float32"  # no GPU here: no mixed precision
    metric = DEFAULT_METRIC[task]
    # Tiny data, a few epochs: above chance (ROC AUC 0.5; by chance a tenth of the digits
    # or 0.4 of the wines are right), or below the spread of the target (diabetes: 77).
    floor = {"binary": 0.8, "multiclass": 0.5}
    if task == "regression":
        assert 0 < result["metrics"][metric] < 77, result["metrics"]
    else:
        assert result["metrics"][metric] > floor[task], result["metrics"]
    history = json.loads((Path(result["run_dir"]) / "history.json").read_text())["loss"]
    assert history == losses
    rows = 32
    assert result["predicted_shape"][0] == rows
    assert len(result["predicted_shape"]) == (1 if task == "regression" else 2)
    assert result["predicted_rows"] > 0
    if framework == "keras":
        assert (project / "models" / "model.keras").is_file()
        assert (Path(result["run_dir"]) / "last.keras").is_file()
        assert result["reload_max_diff"] < 1e-5, result["reload_max_diff"]
    else:
        assert (project / "models" / "model.msgpack").is_file()
        # A fresh network differs from the trained one until the checkpoint is restored.
        assert result["restore_before"] > 1e-3
        assert result["restore_after"] == 0.0
        assert result["restored_step"] == len(losses)
        assert result["restored_losses"] == pytest.approx(losses)
    if versioning == "pachyderm":
        assert list((project / "pachyderm").glob("*.json"))
    check_the_tracker(framework, tracking, project, Path(result["run_dir"]), len(losses))


def check_the_tracker(
    framework: str, tracking: str, project: Path, run_dir: Path, points: int
) -> None:
    if framework == "keras" and tracking == "tensorboard":
        # Keras's TensorBoard callback: train/ events with the per-epoch loss.
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

        [events] = (run_dir / "tensorboard" / "train").glob("events.out.tfevents.*")
        accumulator = EventAccumulator(str(events))
        accumulator.Reload()
        assert "epoch_loss" in accumulator.Tags()["tensors"] + accumulator.Tags()["scalars"]
        assert not (project / "mlflow.db").exists() and not (project / "wandb").exists()
        return
    package = project.name.replace("-", "_")
    check_tracking(_tracked(tracking), project, package, run_dir, points)


class _tracked:  # check_tracking reads only .tracking of the answers
    def __init__(self, tracking: str) -> None:
        self.tracking = tracking


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_resume_continues_from_the_saved_epoch(trained: dict, framework: str) -> None:
    row = ROWS[framework][RESUMED[framework]]
    result = trained["results"][str(trained["projects"][(framework, *row)])]
    first, again = result["resume"]["first"], result["resume"]["again"]
    assert len(first) == 2 and len(again) == 4
    # The first two epochs are the checkpoint's, not trained again; training goes on.
    assert again[:2] == pytest.approx(first)
    assert again[3] < again[0]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_generated_tests_pass(trained: dict, framework: str) -> None:
    row = ROWS[framework][RESUMED[framework]]
    result = trained["results"][str(trained["projects"][(framework, *row)])]
    assert result["own_tests"]["exit_code"] == 0


@pytest.mark.parametrize("case", _cases(dvc=True), ids="-".join)
def test_dvc_repro_runs_the_pipeline(trained: dict, case: tuple[str, ...]) -> None:
    project = trained["projects"][case]
    assert (project / "dvc.lock").is_file()
    metric = DEFAULT_METRIC[case[2]]
    assert json.loads((project / "metrics.json").read_text())[metric] > 0.5
    model = "model.keras" if case[0] == "keras" else "model.msgpack"
    assert (project / "models" / model).is_file()
    lock = (project / "dvc.lock").read_text()
    assert f"{case[0]}_train.py" in lock  # the framework's own code is a dependency
    [run_dir] = (project / "runs").iterdir()
    assert json.loads((run_dir / "history.json").read_text())["loss"][-1] > 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"framework": "jax", "model": "random_forest"},
            "invalid combination model=random_forest framework=jax: a random forest is built "
            "with sklearn; use --framework sklearn, or leave --model out",
        ),
        (
            {"framework": "keras", "model": "logistic_regression"},
            "invalid combination model=logistic_regression framework=keras",
        ),
    ],
)
def test_a_model_the_framework_cannot_build_is_refused(changes: dict, message: str) -> None:
    with pytest.raises(RecipeError, match=message):
        resolve_answers("tabular-sklearn", **changes)


def test_a_network_recipe_moves_to_keras_or_jax_with_its_network() -> None:
    for framework in FRAMEWORKS:
        chosen = resolve_answers("image-pytorch", framework=framework)
        assert (chosen.framework, chosen.model) == (framework, "cnn")
        chosen = resolve_answers("tabular-sklearn", framework=framework)
        assert chosen.model == "mlp"


def test_the_cli_refuses_a_model_jax_cannot_build_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "scaffold", "--recipe", "tabular-sklearn",
         "--framework", "jax", "--model", "knn", "--name", "x", "--output-dir", str(tmp_path)],
        capture_output=True, text=True, env=project_env(), timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: invalid combination model=knn")
    assert "Traceback" not in done.stderr and not list(tmp_path.iterdir())


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_each_project_declares_only_its_own_stack(tmp_path: Path, framework: str) -> None:
    project = tabular(framework, tmp_path, tracking="tensorboard")
    text = (project / "pyproject.toml").read_text()
    own = {"keras": ("tensorflow", "keras>="), "jax": ('"jax>=', "flax", "optax", "orbax")}
    for name in own[framework]:
        assert name in text
    other = own["jax" if framework == "keras" else "keras"]
    assert not [name for name in (*other, "torch", "lightning") if name in text]
    package = project / project.name.replace("-", "_")
    assert (package / f"{framework}_train.py").is_file()
    gone = {"keras": "jax", "jax": "keras"}[framework]
    assert not list(package.glob(f"{gone}_*.py"))
    assert not (package / "device.py").exists() and not (package / "inputs.py").exists()
    sbatch = (project / "slurm" / "train.sbatch").read_text()
    assert ("srun python" in sbatch) == (framework == "keras")


def test_tf_config_is_built_from_slurm_variables(tmp_path: Path) -> None:
    """keras_train.tf_config_from_slurm, on the variables SLURM sets for a two-node job
    (TensorFlow imported in a child process, as a SLURM task would)."""
    project = tabular("keras", tmp_path)
    package = project.name.replace("-", "_")
    code = (
        f"from {package}.keras_train import tf_config_from_slurm as f; import json; "
        "print(json.dumps([f({'SLURM_NTASKS': '2', 'SLURM_JOB_NODELIST': 'gpu[07-08]', "
        "'SLURM_PROCID': '1'}), f({'SLURM_NTASKS': '1'})]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=project_env(), capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    cluster, single = json.loads(done.stdout.strip().splitlines()[-1])
    assert cluster == {
        "cluster": {"worker": ["gpu07:12345", "gpu08:12345"]},
        "task": {"type": "worker", "index": 1},
    }
    assert single is None


@pytest.mark.skipif(shutil.which("nvidia-smi") is None, reason="needs a CUDA GPU")
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_mixed_precision_on_the_gpu(tmp_path: Path, framework: str) -> None:
    """On a GPU, Keras trains under mixed_bfloat16 (mixed_float16 before compute capability
    8.0) and the JAX network computes in bfloat16; the loss still falls."""
    project = tabular(framework, tmp_path)
    small(project, epochs=4, rows=300)
    package = project.name.replace("-", "_")
    code = (
        f"import json; from {package} import prepare, train; prepare.main([]); "
        "r = train.main([]); print(json.dumps([r['losses'], r.get('policy') or r.get('dtype')]))"
    )
    env = project_env()
    env.pop("CUDA_VISIBLE_DEVICES", None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    losses, precision = json.loads(done.stdout.strip().splitlines()[-1])
    expected = ("mixed_bfloat16", "mixed_float16") if framework == "keras" else ("bfloat16",)
    assert precision in expected
    assert losses[-1] < losses[0]
