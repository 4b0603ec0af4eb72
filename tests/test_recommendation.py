"""recommend(profile): the ranking, the verdict rule, the recipe and the stable JSON form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import advisor
from advisor.errors import RuleError
from advisor.profile import Profile
from advisor.recommendation import CHECK_MARGIN, SCHEMA, Recommendation, recommend
from advisor.rules.engine import load_rules
from advisor.rules.vocabulary import CANDIDATES


def _fired(result: Recommendation) -> list[str]:
    return [rule.id for rule in result.rules_fired]


def test_medium_complex_table_recommends_boosted_trees_with_reasons() -> None:
    result = recommend(
        Profile(task="binary", modality="tabular", complexity="complex", rows=20_000)
    )
    assert (result.verdict, result.top.model, result.recipe) == (
        "classical",
        "gradient_boosted_trees",
        "tabular-xgboost",
    )
    assert result.top.label == "Gradient-boosted trees (XGBoost)"
    assert _fired(result) == [
        "seed-binary",
        "seed-tabular",
        "seed-complex",
        "chart-classification-under-100k",
        "tabular-medium-trees-win",
        "tabular-irregular-target",
    ]
    medium = next(r for r in result.rules_fired if r.id == "tabular-medium-trees-win")
    assert medium.source.startswith("Grinsztajn, Oyallon & Varoquaux (2022)")
    assert result.reason == (
        "Gradient-boosted trees (XGBoost) scores 9 points above the best deep-learning "
        "candidate, Multi-layer perceptron (MLP)."
    )


def test_same_question_for_images_recommends_a_cnn() -> None:
    result = recommend(Profile(task="binary", modality="image", complexity="complex", rows=20_000))
    assert (result.verdict, result.top.model, result.recipe) == (
        "deep_learning",
        "cnn",
        "image-pytorch",
    )
    assert {c.model for c in result.candidates} == {
        "cnn",
        "pretrained_finetune",
        "logistic_regression",
        "linear_svm",
        "rbf_svm",
        "knn",
    }


def test_candidates_are_ranked_and_only_those_that_apply() -> None:
    result = recommend(Profile(task="regression", modality="tabular", rows=442))
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    models = {c.model for c in result.candidates}
    assert "logistic_regression" not in models and "naive_bayes" not in models
    assert "cnn" not in models and "linear_regression" in models


def test_too_few_samples_says_get_more_data() -> None:
    result = recommend(Profile(task="binary", rows=30))
    assert "chart-get-more-data" in _fired(result)
    assert result.top.model == "logistic_regression"
    assert result.best("deep_learning").score < 0


def test_large_table_asks_for_the_check_and_favours_sgd() -> None:
    result = recommend(Profile(task="binary", modality="tabular", rows=200_000))
    assert result.verdict == "check"
    assert result.reason == (
        "Rule tabular-large-run-check says the rules cannot decide here: measure it."
    )
    assert "chart-sgd-over-100k" in _fired(result)
    ranked = [c.model for c in result.candidates]
    assert ranked.index("sgd_linear") < ranked.index("rbf_svm")


def test_close_scores_mean_check() -> None:
    result = recommend(Profile(task="binary", modality="text", complexity="complex"))
    classical, deep = result.best("classical"), result.best("deep_learning")
    assert abs(classical.score - deep.score) < CHECK_MARGIN
    assert result.verdict == "check"


def test_skewed_uninformative_features_push_trees_further_ahead() -> None:
    plain = recommend(Profile(task="binary", rows=5_000))
    irregular = recommend(
        Profile(task="binary", rows=5_000, heavy_tail_share=0.4, uninformative_share=0.5)
    )
    assert {"tabular-heavy-tails", "tabular-uninformative-features"} <= set(_fired(irregular))
    gap = {
        name: r.best("classical").score - r.best("deep_learning").score
        for name, r in (("plain", plain), ("irregular", irregular))
    }
    assert gap["irregular"] > gap["plain"]


def test_interpretability_favours_linear_models_and_single_trees() -> None:
    result = recommend(Profile(task="binary", rows=5_000, interpretable=True))
    assert [c.model for c in result.candidates[:2]] == ["decision_tree", "logistic_regression"]
    assert result.best("deep_learning").score < 0


@pytest.mark.parametrize(
    "profile",
    [
        Profile(task="binary", rows=200_000, complexity="complex", interpretable=True),
        Profile(task="regression", rows=200_000, interpretable=True),
        Profile(task="multiclass", modality="text", rows=50_000, interpretable=True),
        Profile(task="multiclass", modality="image", rows=500_000, interpretable=True),
    ],
    ids=["large-complex-table", "large-regression-table", "text", "images"],
)
def test_interpretable_models_rank_first_whatever_their_scores(profile: Profile) -> None:
    result = recommend(profile)
    first = {"logistic_regression", "linear_regression", "sgd_linear", "linear_svm",
             "decision_tree"}  # fmt: skip
    models = [c.model for c in result.candidates]
    ahead = [model in first for model in models]
    assert ahead == sorted(ahead, reverse=True), models  # every preferred one before the rest
    assert any(ahead)
    rule = next(r for r in result.rules_fired if r.id == "constraint-interpretable")
    assert set(rule.preferred) == first & set(models)
    assert result.verdict == "classical"
    assert result.reason == (
        "Rule constraint-interpretable ranks the models it prefers ahead of the others, "
        f"whatever their scores; {result.top.label} leads them."
    )


def test_interpretable_outranks_a_higher_scoring_black_box() -> None:
    result = recommend(Profile(task="binary", rows=200_000, complexity="complex",
                               interpretable=True))  # fmt: skip
    scores = {c.model: c.score for c in result.candidates}
    rank = [c.model for c in result.candidates]
    assert scores["gradient_boosted_trees"] > scores["linear_svm"]
    assert rank.index("linear_svm") < rank.index("gradient_boosted_trees")


def test_unlabelled_table_fires_the_charts_no_labels_rule() -> None:
    labelled = recommend(Profile(task="binary", rows=20_000))
    unlabelled = recommend(Profile(task="binary", rows=20_000, labelled=False))
    assert "chart-no-labels" in _fired(unlabelled)
    assert "chart-no-labels" not in _fired(labelled)
    rule = next(r for r in unlabelled.rules_fired if r.id == "chart-no-labels")
    assert rule.source.startswith("scikit-learn, Choosing the right estimator")
    scores = {c.model: c.score for c in unlabelled.candidates}
    before = {c.model: c.score for c in labelled.candidates}
    assert scores["mlp"] == before["mlp"] - 3
    assert scores["logistic_regression"] == before["logistic_regression"] + 1


def test_no_gpu_lowers_practicality_not_the_verdict_for_large_images() -> None:
    profile = Profile(task="multiclass", modality="image", rows=500_000)
    without = recommend(profile)
    with_gpu = recommend(profile.replace(gpu=True))
    rule = next(r for r in without.rules_fired if r.id == "constraint-no-gpu-large-unstructured")
    assert "practicality but not its accuracy" in rule.because
    assert without.verdict == with_gpu.verdict == "deep_learning"
    assert (without.recipe, with_gpu.recipe) == ("image-pytorch", "image-lightning")


def test_tiny_images_prefer_a_cnn_from_scratch() -> None:
    result = recommend(Profile(task="multiclass", modality="image", rows=1797, features=64))
    assert result.top.model == "cnn"
    assert "image-tiny-images" in _fired(result)


def test_json_form_is_stable() -> None:
    result = recommend(Profile(task="binary", rows=20_000))
    data = json.loads(json.dumps(result.to_dict()))
    assert list(data) == [
        "schema",
        "verdict",
        "reason",
        "candidates",
        "rules_fired",
        "recipe",
        "profile",
        "framework",  # an addition: null for a classical answer
    ]
    assert data["framework"] is None
    assert data["schema"] == SCHEMA == "advisor.recommendation/1"
    assert data["candidates"][0] == {
        "model": "gradient_boosted_trees",
        "family": "classical",
        "score": result.top.score,
        "label": "Gradient-boosted trees (XGBoost)",
        "recipe": "tabular-xgboost",
        "project_model": "xgboost",
    }
    assert set(data["rules_fired"][0]) == {"id", "because", "source"}
    assert Profile.from_dict(data["profile"]) == result.profile


def test_library_entry_point_is_reexported() -> None:
    assert advisor.recommend is recommend
    assert advisor.Recommendation is Recommendation


def test_custom_rules_can_exclude_and_ask_for_the_check(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(
        "rules:\n"
        "  - id: no-trees\n"
        "    when: {all: [{field: task, op: eq, value: binary}]}\n"
        "    effect: {exclude: [decision_tree, random_forest, gradient_boosted_trees],"
        " score: {mlp: 2}}\n"
        "    because: Trees are off the table here.\n"
        "    source: A test.\n",
        encoding="utf-8",
    )
    result = recommend(Profile(task="binary"), rules=load_rules(tmp_path))
    assert result.top.model == "mlp" and result.verdict == "deep_learning"
    assert not {"decision_tree", "random_forest"} & {c.model for c in result.candidates}
    assert result.rules_fired[0].excluded == (
        "decision_tree",
        "random_forest",
        "gradient_boosted_trees",
    )


@pytest.mark.parametrize(
    ("margin_points", "verdict"),
    [(0.5, "check"), (1.0, "deep_learning"), (-1.5, "classical")],
    ids=["within-margin", "at-margin", "classical-ahead"],
)
def test_verdict_margin(tmp_path: Path, margin_points: float, verdict: str) -> None:
    score = f"{{mlp: {1 + margin_points}, logistic_regression: 1}}"
    (tmp_path / "rules.yaml").write_text(
        "rules:\n"
        "  - id: only\n"
        "    when: {all: [{field: task, op: eq, value: binary}]}\n"
        f"    effect: {{score: {score}}}\n"
        "    because: A test.\n"
        "    source: A test.\n",
        encoding="utf-8",
    )
    result = recommend(Profile(task="binary"), rules=load_rules(tmp_path))
    assert result.verdict == verdict


def _rules(tmp_path: Path, effect: str):
    (tmp_path / "rules.yaml").write_text(
        "rules:\n"
        "  - id: only\n"
        "    when: {all: [{field: task, op: eq, value: binary}]}\n"
        f"    effect: {effect}\n"
        "    because: A test.\n"
        "    source: A test.\n",
        encoding="utf-8",
    )
    return load_rules(tmp_path)


def test_a_rule_about_models_that_do_not_apply_is_not_reported(tmp_path: Path) -> None:
    # naive Bayes applies to text only; on a table this rule changes nothing.
    result = recommend(Profile(task="binary"), rules=_rules(tmp_path, "{score: {naive_bayes: 3}}"))
    assert result.rules_fired == ()


def test_rules_that_exclude_every_candidate_are_a_rule_error(tmp_path: Path) -> None:
    tabular_binary = [c.name for c in CANDIDATES.values() if c.applies_to(Profile(task="binary"))]
    everything = ", ".join(tabular_binary)
    rules = _rules(tmp_path, f"{{exclude: [{everything}]}}")
    with pytest.raises(RuleError) as caught:
        recommend(Profile(task="binary"), rules=rules)
    assert str(caught.value) == (
        "Every candidate model was excluded by the rules that fired (only): fix the knowledge base."
    )


def test_a_classical_verdict_on_images_scaffolds_the_pixel_recipe() -> None:
    result = recommend(Profile(task="multiclass", modality="image", rows=300, interpretable=True))
    classical = [c for c in result.candidates if c.family == "classical"]
    assert classical[0].recipe == "image-sklearn"
