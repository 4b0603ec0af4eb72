"""The shipped knowledge base: every file loads, every rule explains itself, and the seed
table of when deep learning is the right tool is encoded as written."""

from __future__ import annotations

import pytest

from advisor.profile import Profile
from advisor.recommendation import recommend
from advisor.resources import rules_dir
from advisor.rules.engine import load_rule_file, load_rules
from advisor.rules.vocabulary import CANDIDATES

FILES = sorted(rules_dir().glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_rule_file_loads(path) -> None:
    rules = load_rule_file(path)
    assert rules, f"{path.name} holds no rules"
    for rule in rules:
        assert rule.because.endswith("."), rule.id
        assert len(rule.source) > 10, rule.id
        effects = (rule.score, rule.exclude, rule.verdict, rule.framework_score)
        assert any(effects) or rule.framework_prefer, rule.id


def test_the_knowledge_base_loads_as_a_whole_with_unique_ids() -> None:
    rules = load_rules()
    assert len({r.id for r in rules}) == len(rules) >= 25
    sources = " ".join(r.source for r in rules)
    for citation in (
        "Seed table",
        "Choosing the right estimator",
        "Grinsztajn, Oyallon & Varoquaux (2022)",
        "McElfresh et al. (2023)",
        "Rudin (2019)",
    ):
        assert citation in sources


def _boosted(rule_id: str, profile: Profile) -> set[str]:
    """The models a fired rule scored up for this profile."""
    result = recommend(profile)
    (fired,) = [r for r in result.rules_fired if r.id == rule_id]
    return {model for model, delta in fired.effect if delta > 0}


SEED_TABLE = [
    # (profile, seed rule, models the seed table names for it)
    (
        Profile(task="binary"),
        "seed-binary",
        {"mlp", "logistic_regression", "decision_tree", "linear_svm", "rbf_svm"},
    ),
    (
        Profile(task="multiclass"),
        "seed-multiclass",
        {"mlp", "decision_tree", "random_forest", "linear_svm", "rbf_svm"},
    ),
    (
        Profile(task="regression"),
        "seed-regression",
        {"mlp", "linear_regression", "decision_tree", "gradient_boosted_trees"},
    ),
    (Profile(task="binary", modality="image"), "seed-image", {"cnn", "pretrained_finetune"}),
    (
        Profile(task="binary", modality="text"),
        "seed-text",
        {"text_nn", "pretrained_finetune", "naive_bayes", "logistic_regression", "linear_svm"},
    ),
    (
        Profile(task="binary", modality="tabular"),
        "seed-tabular",
        {"decision_tree", "random_forest", "gradient_boosted_trees"},
    ),
    (
        Profile(task="binary", complexity="simple"),
        "seed-simple",
        {"logistic_regression", "decision_tree"},
    ),
    (
        Profile(task="regression", complexity="simple"),
        "seed-simple",
        {"linear_regression", "decision_tree"},
    ),
    (
        Profile(task="binary", complexity="complex"),
        "seed-complex",
        {"mlp", "gradient_boosted_trees", "random_forest"},
    ),
]


@pytest.mark.parametrize(
    ("profile", "rule_id", "models"),
    SEED_TABLE,
    ids=[
        "binary",
        "multiclass",
        "regression",
        "images",
        "text",
        "tabular",
        "simple-classification",
        "simple-regression",
        "complex",
    ],
)
def test_seed_table(profile: Profile, rule_id: str, models: set[str]) -> None:
    boosted = _boosted(rule_id, profile)
    assert models <= boosted
    # A family the seed table does not name for this row gets nothing from its rule.
    families = {CANDIDATES[m].family for m in models}
    assert {CANDIDATES[m].family for m in boosted} == families


@pytest.mark.parametrize(
    ("profile", "top", "verdict"),
    [
        (Profile(task="multiclass", modality="image", rows=20_000), "cnn", "deep_learning"),
        (Profile(task="binary", modality="tabular"), "gradient_boosted_trees", "classical"),
        (
            Profile(task="regression", modality="tabular", complexity="simple"),
            "linear_regression",
            "classical",
        ),
        (Profile(task="binary", modality="text"), "linear_svm", "classical"),
        (Profile(task="binary", modality="text", complexity="complex"), "linear_svm", "check"),
    ],
    ids=[
        "images-deep-learning",
        "tabular-trees",
        "simple-regression-linear",
        "text-statistical",
        "complex-text-undecided",
    ],
)
def test_seed_table_outcomes(profile: Profile, top: str, verdict: str) -> None:
    result = recommend(profile)
    assert (result.top.model, result.verdict) == (top, verdict)
