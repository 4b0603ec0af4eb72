"""Rule files are checked when loaded; broken ones fail with the file, the rule and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import RuleError
from advisor.profile import Profile
from advisor.rules.engine import load_rule_file, load_rules

GOOD = """\
rules:
  - id: {id}
    when:
      all:
        - {{field: task, op: eq, value: binary}}
    effect:
      score: {{gradient_boosted_trees: 1}}
    because: Because.
    source: A source.
"""


def _rule_file(tmp_path: Path, text: str, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_rule(when: str = "", effect: str = "", extra: str = "") -> str:
    when = when or "all:\n        - {field: task, op: eq, value: binary}"
    effect = effect or "score: {gradient_boosted_trees: 1}"
    return (
        "rules:\n"
        "  - id: my-rule\n"
        f"    when:\n      {when}\n"
        f"    effect:\n      {effect}\n"
        "    because: Because.\n"
        "    source: A source.\n"
        f"{extra}"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            _one_rule(when="all:\n        - {field: taks, op: eq, value: binary}"),
            "unknown field 'taks' (did you mean 'task'?).",
        ),
        (
            _one_rule(when="all:\n        - {field: modality, op: eq, value: tabluar}"),
            "unknown value 'tabluar' for field 'modality' (did you mean 'tabular'?); "
            "allowed: tabular, image, text, audio.",
        ),
        (
            _one_rule(when="all:\n        - {field: task, op: eqq, value: binary}"),
            "unknown operator 'eqq' (did you mean 'eq'?).",
        ),
        (
            _one_rule(when="all:\n        - {field: task, op: lt, value: binary}"),
            "operator 'lt' does not apply to field 'task' (choice); use one of eq, ne, in, not_in.",
        ),
        (
            _one_rule(when="alll:\n        - {field: task, op: eq, value: binary}"),
            "unknown block 'alll' (did you mean 'all'?).",
        ),
        (
            _one_rule(when="all:\n        - {field: rows, op: ge}"),
            "the test on 'rows' needs a 'value'.",
        ),
        (
            _one_rule(when="all:\n        - {field: missing_share, op: ge, value: 5}"),
            "field 'missing_share' is a share in [0, 1], not 5.",
        ),
        (
            _one_rule(when="all:\n        - {field: gpu, op: eq, value: 'yes'}"),
            "field 'gpu' takes true or false, not 'yes'.",
        ),
        (
            _one_rule(effect="scores: {mlp: 1}"),
            "unknown effect 'scores' (did you mean 'score'?).",
        ),
        (
            _one_rule(effect="score: {transformer: 1}"),
            "unknown candidate model 'transformer'.",
        ),
        (
            _one_rule(effect="score: {gradient_boosted_tree: 1}"),
            "unknown candidate model 'gradient_boosted_tree' (did you mean "
            "'gradient_boosted_trees'?).",
        ),
        (
            _one_rule(effect="verdict: chek"),
            "unknown verdict 'chek' (did you mean 'check'?); a rule can only ask for 'check'.",
        ),
        (
            _one_rule(effect="score: {mlp: 0}"),
            "the score for 'mlp' must be a non-zero number.",
        ),
        (
            _one_rule(effect="prefer: [decision_tre]"),
            "unknown candidate model 'decision_tre' (did you mean 'decision_tree'?).",
        ),
        (
            _one_rule(effect="prefer: decision_tree"),
            "'prefer' must be a list of candidate models.",
        ),
        (
            _one_rule(effect="{prefer: [mlp], exclude: [mlp]}"),
            "'mlp' is both excluded and preferred; keep one.",
        ),
        (
            _one_rule(extra="    becuase: typo\n"),
            "unknown key 'becuase' (did you mean 'because'?).",
        ),
        (
            _one_rule().replace("    source: A source.\n", ""),
            "missing 'source'.",
        ),
    ],
    ids=[
        "unknown-field",
        "typo-in-value",
        "unknown-operator",
        "operator-for-wrong-type",
        "unknown-block",
        "missing-value",
        "share-out-of-range",
        "bool-as-string",
        "unknown-effect",
        "unknown-model-no-match",
        "unknown-model-close-match",
        "unknown-verdict",
        "zero-score",
        "preferred-model-typo",
        "prefer-not-a-list",
        "excluded-and-preferred",
        "unknown-rule-key",
        "missing-source",
    ],
)
def test_broken_rule_is_named_with_its_file_and_a_suggestion(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = _rule_file(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert str(caught.value) == f"{path}: rule 'my-rule': {problem}"


def test_rule_without_an_id_is_named_by_position(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, GOOD.format(id="a") + "  - when: {}\n")
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert str(caught.value) == f"{path}: rule #2: every rule needs an 'id' (a non-empty string)."


def test_not_yaml_and_wrong_shape(tmp_path: Path) -> None:
    bad = _rule_file(tmp_path, "rules: [unclosed\n")
    with pytest.raises(RuleError, match=r"broken\.yaml: not readable as YAML \("):
        load_rule_file(bad)
    listed = _rule_file(tmp_path, "- id: x\n", name="list.yaml")
    with pytest.raises(RuleError) as caught:
        load_rule_file(listed)
    assert str(caught.value) == f"{listed}: expected a mapping with a 'rules:' list at the top."


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    _rule_file(tmp_path, GOOD.format(id="same"), name="a.yaml")
    second = _rule_file(tmp_path, GOOD.format(id="same"), name="b.yaml")
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert str(caught.value) == (
        f"{second}: rule 'same': the id is already used in a.yaml; give every rule its own id."
    )


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"holds no rule files: expected one or more \*\.yaml"):
        load_rules(tmp_path)


OPERATOR_CASES = [
    ("{field: task, op: eq, value: binary}", {"task": "binary"}, True),
    ("{field: task, op: ne, value: binary}", {"task": "binary"}, False),
    ("{field: modality, op: in, value: [image, text]}", {"modality": "text"}, True),
    ("{field: modality, op: not_in, value: [image, text]}", {"modality": "text"}, False),
    ("{field: rows, op: lt, value: 50}", {"rows": 49}, True),
    ("{field: rows, op: le, value: 50}", {"rows": 50}, True),
    ("{field: rows, op: gt, value: 50}", {"rows": 50}, False),
    ("{field: rows, op: ge, value: 50}", {"rows": 50}, True),
    ("{field: rows, op: lt, value: 50}", {}, False),
    ("{field: rows, op: ne, value: 50}", {}, False),
    ("{field: rows, op: is_unknown}", {}, True),
    ("{field: rows, op: is_known}", {"rows": 0}, True),
    ("{field: gpu, op: eq, value: false}", {}, True),
]


@pytest.mark.parametrize(
    ("test", "fields", "fires"),
    OPERATOR_CASES,
    ids=[
        "eq",
        "ne",
        "in",
        "not-in",
        "lt",
        "le-at-bound",
        "gt-at-bound",
        "ge-at-bound",
        "unknown-rows-never-lt",
        "unknown-rows-never-ne",
        "is-unknown",
        "is-known-zero",
        "bool-default",
    ],
)
def test_operators(tmp_path: Path, test: str, fields: dict, fires: bool) -> None:
    path = _rule_file(tmp_path, _one_rule(when=f"all:\n        - {test}"))
    (rule,) = load_rule_file(path)
    assert rule.fires(Profile(**{"task": "binary", **fields})) is fires


def test_nested_any_inside_all(tmp_path: Path) -> None:
    when = (
        "all:\n"
        "        - {field: modality, op: eq, value: image}\n"
        "        - any:\n"
        "            - {field: features, op: is_unknown}\n"
        "            - {field: features, op: ge, value: 1024}"
    )
    (rule,) = load_rule_file(_rule_file(tmp_path, _one_rule(when=when)))
    image = Profile(task="binary", modality="image")
    assert rule.fires(image)
    assert rule.fires(image.replace(features=3072))
    assert not rule.fires(image.replace(features=64))
    assert not rule.fires(Profile(task="binary"))
