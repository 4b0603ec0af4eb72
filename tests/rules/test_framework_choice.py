"""The framework a deep-learning recommendation names, and why: one case for each profile
fact the framework rules read, through the library, the command line and its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from advisor.cli import main
from advisor.errors import RuleError
from advisor.profile import Profile
from advisor.recommendation import recommend
from advisor.rules.engine import load_rule_file
from advisor.rules.vocabulary import FRAMEWORKS

# A problem the rules answer with deep learning: many labelled images.
IMAGES = {"task": "multiclass", "modality": "image", "rows": 50_000}

CASES = [
    # (profile facts, framework, the rule that must be among the reasons)
    ({}, "pytorch", "framework-ease-of-development"),
    ({"deployment": "server"}, "pytorch", "framework-open-governance"),
    ({"deployment": "mobile"}, "keras", "framework-on-device"),
    ({"deployment": "edge"}, "keras", "framework-on-device"),
    ({"deployment": "browser"}, "keras", "framework-browser"),
    ({"tpu": True}, "jax", "framework-tpu"),
    ({"purpose": "research"}, "pytorch", "framework-research"),
    ({"purpose": "production"}, "pytorch", "framework-production-serving"),
    ({"rows": 5_000_000, "tpu": True}, "jax", "framework-large-data-speed"),
    ({"framework": "keras"}, "keras", "framework-team-keras"),
    ({"framework": "jax"}, "jax", "framework-team-jax"),
    # The team's framework wins over a deployment that points elsewhere, and says so.
    ({"framework": "pytorch", "deployment": "browser"}, "pytorch", "framework-team-pytorch"),
]


@pytest.mark.parametrize(
    ("facts", "expected", "rule"),
    CASES,
    ids=["-".join(f"{k}={v}" for k, v in facts.items()) or "defaults" for facts, _, _ in CASES],
)
def test_each_profile_fact_names_its_framework_with_the_reason(facts, expected, rule) -> None:
    result = recommend(Profile(**{**IMAGES, **facts}))
    assert result.verdict == "deep_learning"
    choice = result.framework
    assert (choice.name, choice.label) == (expected, FRAMEWORKS[expected])
    fired = {r.id: r for r in choice.rules_fired}
    assert rule in fired and fired[rule].source.strip()
    assert choice.scores[0][0] == expected
    if rule.startswith("framework-team-"):
        assert choice.reason.startswith(f"Rule {rule} puts {FRAMEWORKS[expected]} first")
    else:
        assert choice.reason.startswith(f"{FRAMEWORKS[expected]} scores ")


def test_the_team_preference_says_what_the_rules_would_choose_without_it() -> None:
    choice = recommend(Profile(**IMAGES, framework="pytorch", deployment="browser")).framework
    scores = dict(choice.scores)
    assert scores["keras"] > scores["pytorch"]
    assert choice.reason.endswith("Without it the rules would choose TensorFlow/Keras.")


def test_a_classical_answer_names_no_framework() -> None:
    result = recommend(Profile(task="binary", rows=300, interpretable=True))
    assert result.verdict == "classical"
    assert result.framework is None
    assert result.to_dict()["framework"] is None


def test_framework_rules_are_checked_when_loaded(tmp_path: Path) -> None:
    rule = {
        "id": "typo",
        "when": {"all": [{"field": "deployment", "op": "eq", "value": "browser"}]},
        "effect": {"framework_score": {"tensorflw": 2}},
        "because": "A reason.",
        "source": "A source.",
    }
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": [rule]}))
    with pytest.raises(RuleError, match=r"unknown framework 'tensorflw'.*expected one of"):
        load_rule_file(path)
    rule["when"]["all"][0]["value"] = "phone"
    rule["effect"] = {"framework_prefer": ["keras"]}
    path.write_text(yaml.safe_dump({"rules": [rule]}))
    with pytest.raises(RuleError, match="unknown value 'phone' for field 'deployment'"):
        load_rule_file(path)


def test_recommend_takes_the_framework_facts_as_flags() -> None:
    runner = CliRunner()
    flags = ["recommend", "--task", "multiclass", "--modality", "image", "--rows", "50000"]
    done = runner.invoke(main, [*flags, "--deployment", "browser", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["schema"] == "advisor.recommendation/1"
    assert data["framework"]["name"] == "keras"
    assert data["profile"]["deployment"] == "browser"
    assert "framework-browser" in [r["id"] for r in data["framework"]["rules_fired"]]

    shown = runner.invoke(main, [*flags, "--tpu", "--framework", "keras"])
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert "Framework: TensorFlow/Keras (--framework keras)." in text
    assert "Rule framework-team-keras puts TensorFlow/Keras first" in text
    assert "Without it the rules would choose JAX." in text

    wrong = runner.invoke(main, [*flags, "--deployment", "phone"])
    assert wrong.exit_code != 0 and "'phone' is not one of" in wrong.output
