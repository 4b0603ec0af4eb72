"""Drop the files the chosen options do not use; initialise git and DVC when asked.

Runs inside the freshly generated project folder, with the Python that runs cookiecutter.
"""

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

FRAMEWORK = "{{ cookiecutter.framework }}"
TRACKING = "{{ cookiecutter.tracking }}"
VERSIONING = "{{ cookiecutter.versioning }}"
PACKAGE = "{{ cookiecutter.package_name }}"
NEURAL = FRAMEWORK in ("pytorch", "lightning")
# Keras and JAX keep their code in files of their own; every other stack drops them.
OWN_FILES = {
    "keras": ["keras_model.py", "keras_train.py"],
    "jax": ["jax_model.py", "jax_train.py"],
}
# The applications (detection, transcription, generation) bring their own pipeline: the
# files under _apps/<task>/ replace the starters' (prepare, train, evaluate, params.yaml,
# dvc.yaml, tests, README), and the starters' modules they do not use are dropped.
TASK = "{{ cookiecutter.task }}"
APPLICATIONS = ("detection", "transcription", "generation")
# What an application keeps of the starters' package: configuration, devices, torchrun,
# tracking, run folders and the pretrained-checkpoint loading it shares with fine-tuning.
APPLICATION_KEEPS = {
    "__init__.py", "__main__.py", "config.py", "device.py", "distributed.py", "tracking.py",
    "runs.py", "pretrained.py",
}  # fmt: skip
# The data the project trains on (empty: the demo data). JSON in a raw string, so that no
# character of a path can end the string or change what it says.
DATA = json.loads(r"""{{ cookiecutter._data | tojson }}""")

# Keep the generated project quiet and offline: no telemetry from DVC or anything else.
os.environ.update(DVC_NO_ANALYTICS="1", DO_NOT_TRACK="1", GIT_TERMINAL_PROMPT="0")

unused = ["_apps"]
if TASK in APPLICATIONS:
    overlay = Path("_apps", TASK)
    own = {path.name for path in Path(overlay, PACKAGE).glob("*.py")}
    for path in Path(PACKAGE).glob("*.py"):
        if path.name not in APPLICATION_KEEPS | own:
            unused.append(str(path))
    unused += ["notebooks", "tests/test_lifecycle.py"]
    shutil.copytree(overlay, ".", dirs_exist_ok=True)
if VERSIONING != "dvc":
    unused += ["dvc.yaml", ".dvcignore"]
if VERSIONING != "pachyderm":
    unused.append("pachyderm")
if not NEURAL:
    unused += [f"{PACKAGE}/device.py", f"{PACKAGE}/distributed.py", f"{PACKAGE}/inputs.py"]
for framework, names in OWN_FILES.items():
    if framework != FRAMEWORK:
        unused += [f"{PACKAGE}/{name}" for name in names]
# The fine-tuning recipes' own files: a pretrained checkpoint and the fine-tuning stages.
if "{{ cookiecutter.model }}" != "finetune":
    unused.append(f"{PACKAGE}/finetune.py")
    if TASK not in APPLICATIONS:
        unused.append(f"{PACKAGE}/pretrained.py")
# The answers file is for `advisor scaffold --replay`; a plain cookiecutter run has none.
if Path(".advisor-answers.json").read_text().strip() == "{}":
    unused.append(".advisor-answers.json")
for name in unused:
    path = Path(name)
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


# A copy of the checked data in data/raw/ (the user's file is only read); the prepare step
# checks its content hash, so a copy that went wrong is caught there.
copied = None
if DATA.get("mode") == "copy":
    source, copied = Path(DATA["path"]), Path(DATA["project_path"])
    copied.parent.mkdir(parents=True, exist_ok=True)
    try:
        if source.is_dir():
            shutil.copytree(source, copied)
        else:
            shutil.copyfile(source, copied)
    except OSError as exc:
        sys.exit(f"ERROR: could not copy {source} into {copied}: {exc}")


def run(*args: str) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def git(*args: str) -> None:
    # CI machines often have no git identity; give the first commit one only when none is set.
    has_identity = (
        subprocess.run(["git", "config", "user.email"], capture_output=True).returncode == 0
    )
    identity = (
        [] if has_identity else ["-c", "user.name=advisor", "-c", "user.email=advisor@localhost"]
    )
    run("git", *identity, "-c", "commit.gpgsign=false", *args)


if VERSIONING == "dvc":
    try:
        run("git", "init", "-q")
        # DVC's Python API in this process: three `dvc` commands would each pay its start-up.
        from dvc.repo import Repo

        logging.getLogger("dvc").setLevel(logging.WARNING)  # not its welcome text
        repo = Repo.init()
        with repo.config.edit() as config:
            config["core"]["analytics"] = False
            # A local remote inside the project (git-ignored); point it at shared storage
            # later with `dvc remote modify local url /path/or/s3://bucket`.
            config["core"]["remote"] = "local"
            config["remote"]["local"] = {"url": "dvc-storage"}  # relative to this folder
        if copied is not None:
            # Versioned by DVC: git holds its .dvc file, DVC's cache the data.
            repo.add(str(copied))
        repo.close()
        git("add", "-A")
        git("commit", "-q", "-m", "Start the project from its advisor recipe")
    except Exception as exc:  # any failure here must stop the generation, whatever its type
        detail = getattr(exc, "stderr", b"") or b""
        sys.exit(
            f"ERROR: could not initialise git and DVC: {exc} {detail.decode(errors='replace')}"
        )
