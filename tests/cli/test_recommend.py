"""``advisor recommend`` as a user sees it: tables and reasons, JSON alone, one-line errors."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.datasets import load_breast_cancer, load_digits

from advisor.cli import main
from advisor.profile import Profile
from advisor.recommendation import recommend


def _run(*args: str):
    return CliRunner().invoke(main, ["recommend", *args], prog_name="advisor")


@pytest.fixture
def cancer_csv(tmp_path: Path) -> Path:
    frame = load_breast_cancer(as_frame=True).frame.rename(columns={"target": "y"})
    path = tmp_path / "cancer.csv"
    frame.to_csv(path, index=False)
    return path


def test_flags_recommend_boosted_trees_with_reasons_and_sources() -> None:
    result = _run("--task", "binary", "--modality", "tabular", "--complexity", "complex",
                  "--rows", "20000")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Profile (from the flags)" in out
    assert "│ 1 │ Gradient-boosted trees (XGBoost)" in out
    for rule in ("seed-binary", "seed-tabular", "tabular-medium-trees-win"):
        assert f"• {rule}: " in out
    assert "Source: Grinsztajn, Oyallon & Varoquaux (2022)" in out
    assert "Verdict: a classical model." in out
    assert out.endswith(
        "Top candidate: Gradient-boosted trees (XGBoost). Recipe: tabular-xgboost, building "
        "gradient-boosted trees in XGBoost.\n"
        "Next: advisor scaffold --recipe tabular-xgboost --model xgboost\n"
    )


def test_images_recommend_a_cnn() -> None:
    result = _run("--task", "binary", "--modality", "image", "--complexity", "complex",
                  "--rows", "20000")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "│ 1 │ Convolutional neural network (CNN)" in result.output
    assert "Verdict: deep learning." in result.output


def test_json_prints_only_the_stable_form() -> None:
    result = _run("--task", "binary", "--rows", "20000", "--interpretable", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = recommend(Profile(task="binary", rows=20_000, interpretable=True)).to_dict()
    assert data == expected
    assert data["schema"] == "advisor.recommendation/1"


def test_undecided_points_to_the_check() -> None:
    result = _run("--task", "binary", "--rows", "200000")
    assert "Verdict: check — the rules cannot decide; measure it." in result.output
    assert result.output.endswith("Next: advisor check DATA.csv --target COLUMN\n")


def test_data_is_profiled_and_explained(cancer_csv: Path) -> None:
    result = _run("--data", str(cancer_csv), "--target", "y")
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Inferred from {cancer_csv}" in out
    assert " task                            binary" in out
    assert " rows                            569" in out
    assert "• Task: binary (2 classes; the rarest holds 37% of rows)." in out
    assert "• Modality: tabular (30 feature(s): 30 numeric, 0 categorical)." in out
    assert "Verdict: a classical model." in out


def test_a_gzip_csv_is_profiled_as_the_plain_one(cancer_csv: Path) -> None:
    packed = cancer_csv.with_name("cancer.csv.gz")
    packed.write_bytes(gzip.compress(cancer_csv.read_bytes()))
    plain = _run("--data", str(cancer_csv), "--target", "y", "--json")
    result = _run("--data", str(packed), "--target", "y", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(plain.stdout)
    assert json.loads(result.stdout)["profile"]["rows"] == 569


def test_digits_npz_recommends_a_cnn(tmp_path: Path) -> None:
    digits = load_digits()
    np.savez(tmp_path / "digits.npz", X=digits.images, y=digits.target)
    result = _run("--data", str(tmp_path / "digits.npz"))
    assert result.exit_code == 0, result.output
    assert re.search(r"^ modality +image +$", result.output, re.MULTILINE)
    assert "• Modality: image (8×8 pixels, 1 channel(s))." in result.output
    assert "│ 1 │ Convolutional neural network (CNN)" in result.output
    assert "• image-tiny-images: " in result.output
    assert "Verdict: deep learning." in result.output


def test_flags_override_what_the_data_says(cancer_csv: Path) -> None:
    result = _run("--data", str(cancer_csv), "--target", "y", "--rows", "200000", "--gpu",
                  "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["profile"]["rows"], data["profile"]["gpu"]) == (200_000, True)
    assert data["verdict"] == "check"
    assert "Given, overriding what was inferred: rows." in data["profile"]["notes"]


def test_text_table_and_a_named_text_column(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    words = ["good", "bad", "plot", "cast", "film", "dull", "fine", "long", "warm", "cold"]
    frame = pd.DataFrame(
        {
            "body": [" ".join(rng.choice(words, size=7)) for _ in range(30)],
            "label": ["a", "b", "c"] * 10,
        }
    )
    frame.to_csv(tmp_path / "tickets.csv", index=False)
    result = _run("--data", str(tmp_path / "tickets.csv"), "--text-column", "body", "--json")
    assert result.exit_code == 0, result.output
    profile = json.loads(result.stdout)["profile"]
    assert (profile["modality"], profile["task"], profile["classes"]) == ("text", "multiclass", 3)


def _garbage(d: Path) -> Path:
    path = d / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 8)
    return path


def _empty(d: Path) -> Path:
    path = d / "empty.csv"
    path.write_bytes(b"")
    return path


def _one_class(d: Path) -> Path:
    path = d / "one.csv"
    path.write_text("a,b,y\n1,2,yes\n3,4,yes\n5,6,yes\n")
    return path


@pytest.mark.parametrize(
    ("make", "extra", "message"),
    [
        (
            lambda d: d / "missing.csv",
            [],
            "Error: {d}/missing.csv does not exist: give the path to a CSV/Parquet file, an "
            ".npz or an image folder.",
        ),
        (
            _empty,
            [],
            "Error: {d}/empty.csv is empty: expected a table with a header row and data rows.",
        ),
        (
            _one_class,
            ["--target", "y"],
            "Error: The target in {d}/one.csv has a single class (yes): a classifier needs at "
            "least two. Check the target column.",
        ),
        (
            _one_class,
            ["--target", "why"],
            "Error: Target column 'why' is not in {d}/one.csv. Columns: a, b, y.",
        ),
        (
            _garbage,
            [],
            "Error: Could not read {d}/garbage.csv as CSV (it holds binary data): expected a CSV "
            "table with a header row.",
        ),
    ],
    ids=["missing-file", "empty-file", "one-class-target", "unknown-target", "binary-garbage"],
)
def test_bad_data_is_one_line_and_exit_1(tmp_path: Path, make, extra, message: str) -> None:
    path = make(tmp_path)
    result = _run("--data", str(path), *extra)
    assert result.exit_code == 1
    assert result.output == message.format(d=tmp_path) + "\n"


def test_unknown_target_suggests_the_close_column(cancer_csv: Path) -> None:
    result = _run("--data", str(cancer_csv), "--target", "yy")
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: Target column 'yy' is not in {cancer_csv} (did you mean 'y'?). Columns: "
    )
    assert result.output.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "Error: Give the task with --task (binary, multiclass, regression, detection, "
            "transcription, generation), or --data PATH to infer it from data.\n",
        ),
        (
            ["--task", "binary", "--target", "y"],
            "Error: --target names a column of --data: give --data PATH too.\n",
        ),
        (
            ["--task", "binary", "--drop", "id"],
            "Error: --drop names a column of --data: give --data PATH too.\n",
        ),
        (
            ["--task", "binary", "--image-size", "64"],
            "Error: --image-size resizes the images of --data: give --data PATH too.\n",
        ),
        (
            ["--task", "binary", "--classes", "5"],
            "Error: --task binary means two classes, but --classes says 5: use --task "
            "multiclass, or --classes 2.\n",
        ),
        (
            ["--task", "multiclass", "--classes", "2"],
            "Error: --task multiclass means three or more classes, but --classes says 2: use "
            "--task binary, or --classes 3 or more.\n",
        ),
        (
            ["--task", "regression", "--classes", "3"],
            "Error: --classes is for classification, but --task regression predicts a number: "
            "leave --classes out.\n",
        ),
    ],
    ids=[
        "no-task-no-data",
        "target-without-data",
        "drop-without-data",
        "image-size-without-data",
        "binary-with-five-classes",
        "multiclass-with-two-classes",
        "regression-with-classes",
    ],
)
def test_missing_inputs_are_one_line(args: list[str], message: str) -> None:
    result = _run(*args)
    assert (result.exit_code, result.output) == (1, message)


def test_a_misspelt_choice_is_a_usage_error() -> None:
    result = _run("--task", "binay")
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: Invalid value for '--task': 'binay' is not one of 'binary', 'multiclass', "
        "'regression', 'detection', 'transcription', 'generation'.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--modality", "image"],
            "Error: --modality image contradicts --data: {path} holds tabular data; leave "
            "--modality out, or point --data at image data.\n",
        ),
        (
            ["--classes", "5"],
            "Error: --classes 5 contradicts --data: the target of {path} has 2 classes; leave "
            "--classes out.\n",
        ),
        (
            ["--image-size", "64"],
            "Error: --image-size is for a folder of images; {path} is a file: leave "
            "--image-size out.\n",
        ),
        (
            ["--unlabelled"],
            "Error: --unlabelled contradicts --data: {path} has a target to learn from; leave "
            "--unlabelled out, or describe the unlabelled data with flags instead of --data.\n",
        ),
    ],
    ids=["modality", "classes", "image-size", "unlabelled"],
)
def test_flags_that_contradict_the_data_are_one_line(
    cancer_csv: Path, args: list[str], message: str
) -> None:
    result = _run("--data", str(cancer_csv), "--target", "y", *args)
    assert (result.exit_code, result.output) == (1, message.format(path=cancer_csv))


def test_drop_leaves_a_column_out_of_the_profile(cancer_csv: Path) -> None:
    whole = json.loads(_run("--data", str(cancer_csv), "--target", "y", "--json").stdout)
    result = _run("--data", str(cancer_csv), "--target", "y", "--drop", "mean radius",
                  "--drop", "mean area", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    profile = json.loads(result.stdout)["profile"]
    assert profile["features"] == whole["profile"]["features"] - 2


def test_interpretable_says_which_models_it_ranked_first() -> None:
    result = _run("--task", "binary", "--rows", "200000", "--complexity", "complex",
                  "--interpretable")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "Ranked first by constraint-interpretable: Decision tree, Logistic regression, "
        "Linear model trained with SGD, Linear SVM.\n"
    ) in result.output
    assert "Verdict: a classical model." in result.output


def test_an_interpretable_tree_scaffolds_a_tree() -> None:
    result = _run("--task", "binary", "--rows", "20000", "--interpretable")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "Top candidate: Decision tree. Recipe: tabular-sklearn, building a decision tree in "
        "scikit-learn.\n"
        "Next: advisor scaffold --recipe tabular-sklearn --model decision_tree\n"
    )


def test_a_pretrained_candidate_names_its_fine_tuning_recipe() -> None:
    result = _run("--task", "binary", "--modality", "image", "--rows", "3000")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "Top candidate: Fine-tuned pretrained model (ResNet- or BERT-style). Recipe: "
        "image-finetune, building a pretrained network, fine-tuned in PyTorch.\n"
        "Next: advisor scaffold --recipe image-finetune --model finetune\n"
    )
    # Complex text: it leads, and the rules cannot settle it without the check.
    text = _run(
        "--task", "binary", "--modality", "text", "--rows", "3000", "--complexity", "complex"
    )
    assert text.exit_code == 0, text.output
    assert "Recipe: text-finetune, building a pretrained network, fine-tuned in PyTorch." in (
        text.output
    )
