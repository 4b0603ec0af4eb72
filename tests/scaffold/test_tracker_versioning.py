"""Neptune and Pachyderm in generated projects, and the starter notebook.

Every combination with Neptune or Pachyderm is rendered; each Pachyderm specification is
checked against Pachyderm's own definition: it is parsed into the SDK's
``CreatePipelineRequest`` (pachyderm_sdk, betterproto) and must come back unchanged, so a
misspelt or misplaced field, which the parser would drop, fails the test. There is no
Pachyderm cluster here. Training with Neptune offline is checked with the other trackers in
test_projects.py; the notebook is executed with nbclient here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from advisor.scaffold.answers import Answers
from advisor.scaffold.baseline import DEFAULT_METRIC, NO_BASELINE
from advisor.scaffold.generate import render
from advisor.scaffold.vocabulary import CHOICES, default_model, valid_combinations
from tests.scaffold.projects import project_env

STAGES = ("prepare", "train", "evaluate")
# Pachyderm's rule for repo and pipeline names (pachctl refuses others).
PACHYDERM_NAME = re.compile(r"[a-zA-Z0-9_-]{1,63}")


def _stacks() -> list[tuple[str, str, str]]:
    """Pachyderm with every framework, the trackers taken in turn so that each appears with
    it, and Neptune with the other versioning options."""
    valid = {(c["framework"], c["tracking"], c["versioning"]) for c in valid_combinations()}
    trackers = CHOICES["tracking"]
    chosen, turn = [], 0
    for framework in CHOICES["framework"]:
        while (framework, trackers[turn % len(trackers)], "pachyderm") not in valid:
            turn += 1
        chosen.append((framework, trackers[turn % len(trackers)], "pachyderm"))
        turn += 1
    for tracking in trackers:
        if tracking not in {t for _, t, _ in chosen}:
            chosen.append(("pytorch", tracking, "pachyderm"))
    chosen += [("sklearn", "neptune", "dvc"), ("lightning", "neptune", "none")]
    assert set(chosen) <= valid
    return chosen


STACKS = _stacks()


def _answers(framework: str, tracking: str, versioning: str, hardware: str = "cpu") -> Answers:
    combos = [
        c
        for c in valid_combinations()
        if (c["framework"], c["tracking"], c["versioning"]) == (framework, tracking, versioning)
    ]
    # A different modality and task for each tracker, where the framework has them.
    combo = combos[CHOICES["tracking"].index(tracking) * 2 % len(combos)]
    modality, task = combo["modality"], combo["task"]
    return Answers(
        name=f"{framework} {tracking} {versioning} {hardware}",
        recipe=f"{modality}-{framework}",
        modality=modality,
        task=task,
        model=default_model(framework, modality, task),
        framework=framework,
        tracking=tracking,
        versioning=versioning,
        hardware=hardware,
        metric=DEFAULT_METRIC[task],
        baseline=dict(NO_BASELINE),
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    """Renders a stack once for the whole module (the notebook tests reuse them)."""
    folder = tmp_path_factory.mktemp("stacks")
    projects: dict[tuple[str, ...], Path] = {}

    def get(*stack: str) -> Path:
        if stack not in projects:
            projects[stack] = render(_answers(*stack), output_dir=folder).path
        return projects[stack]

    return get


def pipeline_request(spec: dict[str, Any]) -> Any:
    """The spec as Pachyderm's CreatePipelineRequest; AssertionError naming what the SDK
    dropped or changed when the spec holds anything its definition does not."""
    import betterproto
    from pachyderm_sdk.api import pps

    request = pps.CreatePipelineRequest().from_dict(spec)
    back = request.to_pydict(casing=betterproto.Casing.SNAKE)
    assert back == spec, f"not a valid pipeline spec:\n{json.dumps(spec)}\nparsed as\n{back}"
    return request


def test_the_spec_check_refuses_a_misspelt_field() -> None:
    spec = {
        "pipeline": {"name": "p"},
        "input": {"pfs": {"repo": "r", "glob": "/"}},
        "transform": {"image": "i", "cmd": ["sh"]},
    }
    pipeline_request(spec)
    with pytest.raises(AssertionError, match="not a valid pipeline spec"):
        pipeline_request({**spec, "transform": {"image": "i", "command": ["sh"]}})
    with pytest.raises(AssertionError, match="not a valid pipeline spec"):
        pipeline_request({**spec, "input": {"pfs": {"repository": "r", "glob": "/"}}})


@pytest.mark.parametrize("stack", STACKS, ids=["-".join(stack) for stack in STACKS])
def test_stack_renders_with_its_tracker_and_versioning(
    stack: tuple[str, str, str], rendered
) -> None:
    _, tracking, versioning = stack
    project = rendered(*stack)
    package = project.name.replace("-", "_")
    assert (project / "dvc.yaml").exists() == (versioning == "dvc")
    assert (project / "pachyderm").exists() == (versioning == "pachyderm")
    tracking_code = (project / package / "tracking.py").read_text()
    compile(tracking_code, "tracking.py", "exec")
    dependencies = (project / "pyproject.toml").read_text()
    assert ('"neptune>=' in dependencies) == (tracking == "neptune")
    assert ("neptune" in tracking_code) == (tracking == "neptune")
    if tracking == "neptune":
        assert 'os.environ.get("NEPTUNE_MODE", "offline")' in tracking_code
        assert ".neptune/" in (project / ".gitignore").read_text().splitlines()
        assert "neptune sync" in (project / "README.md").read_text()
    if versioning == "pachyderm":
        check_pachyderm(project, package, tracking)


def check_pachyderm(project: Path, package: str, tracking: str) -> None:
    """The three specifications: valid requests, chained prepare -> train -> evaluate over
    the data repo, each running a module of the package in the project's image."""
    slug = project.name
    workdir = re.search(r"^WORKDIR (\S+)", (project / "Dockerfile").read_text(), re.M)[1]
    assert sorted(p.name for p in (project / "pachyderm").iterdir()) == sorted(
        f"{stage}.json" for stage in STAGES
    )
    readme = (project / "README.md").read_text()
    inputs_of = {}
    for stage in STAGES:
        spec = json.loads((project / "pachyderm" / f"{stage}.json").read_text())
        request = pipeline_request(spec)
        assert request.pipeline.name == f"{slug}-{stage}"
        assert f"pachctl create pipeline -f pachyderm/{stage}.json" in readme
        assert request.transform.image == f"{slug}:0.1.0"
        assert request.transform.working_dir == workdir
        pfs = (
            [request.input.pfs]
            if request.input.pfs.repo
            else [item.pfs for item in request.input.cross]
        )
        inputs_of[stage] = [item.repo for item in pfs]
        for item in pfs:
            assert PACHYDERM_NAME.fullmatch(item.repo) and item.glob == "/"
        script = "\n".join(request.transform.stdin)
        # Every input is copied in from where Pachyderm mounts it, and nothing else.
        mounts = set(re.findall(r"/pfs/(\w+)/", script)) - {"out"}
        assert mounts == {item.name for item in pfs}, script
        [module] = re.findall(rf"-m {package}\.(\w+)", script)
        assert module == stage and (project / package / f"{module}.py").is_file()
        assert "/pfs/out/" in script
        if stage == "train" and tracking in ("mlflow", "wandb", "neptune"):
            store = {"mlflow": "mlflow.db", "wandb": "wandb", "neptune": ".neptune"}[tracking]
            assert f" {store} " in f" {script.split(chr(10))[-1]} "
    assert inputs_of == {
        "prepare": [f"{slug}-data"],
        "train": [f"{slug}-prepare"],
        "evaluate": [f"{slug}-prepare", f"{slug}-train"],
    }
    assert f"pachctl create repo {slug}-data" in readme


def test_pachyderm_train_asks_for_the_gpus_of_its_hardware(tmp_path: Path) -> None:
    project = render(
        _answers("pytorch", "none", "pachyderm", "multi_gpu"), output_dir=tmp_path
    ).path
    request = pipeline_request(json.loads((project / "pachyderm" / "train.json").read_text()))
    assert (request.resource_limits.gpu.type, request.resource_limits.gpu.number) == (
        "nvidia.com/gpu",
        4,
    )
    # One process a GPU, as `make train-multi-gpu` starts them.
    assert any(
        "torchrun --standalone --nproc_per_node 4" in line for line in request.transform.stdin
    )
    prepare = pipeline_request(json.loads((project / "pachyderm" / "prepare.json").read_text()))
    assert not prepare.resource_limits.gpu.number


# One rendered stack a framework (reused from STACKS) to execute the notebook in: a
# classical and a network of each neural stack whose loop is its own.
NOTEBOOK_FRAMEWORKS = {"sklearn": "sklearn", "pytorch": "torch", "keras": "keras", "jax": "flax"}
NOTEBOOK_STACKS = [s for s in STACKS if s[2] == "pachyderm" and s[0] in NOTEBOOK_FRAMEWORKS]


@pytest.mark.slow
@pytest.mark.parametrize("stack", NOTEBOOK_STACKS, ids=[s[0] for s in NOTEBOOK_STACKS])
def test_starter_notebook_runs_and_trains_through_the_package(stack, rendered) -> None:
    import nbformat
    from nbclient import NotebookClient

    pytest.importorskip(NOTEBOOK_FRAMEWORKS[stack[0]])
    project = rendered(*stack)
    notebook = nbformat.read(project / "notebooks" / "start.ipynb", as_version=4)
    nbformat.validate(notebook)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(project / "notebooks")}},
    )
    client.execute(env={**project_env(), "OMP_NUM_THREADS": "1"})
    printed = "\n".join(
        output.get("text", "") or output.get("data", {}).get("text/plain", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )
    assert "inputs (" in printed and "'train': " in printed
    metric = json.loads((project / ".advisor-answers.json").read_text())["metric"]
    score = float(re.search(rf"{metric} on the test split: ([0-9.]+)", printed)[1])
    # The demo data is learnable: better than chance, or than predicting the mean.
    spread = re.search(r"target mean [0-9.-]+, std ([0-9.]+)", printed)
    assert score < float(spread[1]) if spread else score > 0.6, printed
    losses = json.loads(re.search(r"loss per epoch: (\[.*\])", printed)[1])
    if stack[0] != "sklearn":
        assert len(losses) == 3  # the notebook's own, shorter run
    # Tracking is off in the notebook: no run reaches the tracker.
    assert not (project / ".neptune").exists() and not (project / "mlflow.db").exists()
    assert list((project / "models").iterdir())
