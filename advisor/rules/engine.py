"""Loading, validating and applying the rules of the knowledge base.

A rule file is YAML with a top-level ``rules:`` list. Each rule is plain data::

    - id: grinsztajn-medium-tabular
      when:
        all:
          - {field: modality, op: eq, value: tabular}
          - {field: rows, op: gt, value: 500}
      effect:
        score: {gradient_boosted_trees: 3, mlp: -2}
      because: On medium-sized tables, gradient-boosted trees beat neural networks.
      source: Grinsztajn, Oyallon & Varoquaux (2022), NeurIPS Datasets and Benchmarks.

``when`` holds ``all`` or ``any`` over tests (``field``/``op``/``value``) or nested
``all``/``any`` blocks. ``effect`` may ``score`` candidates up or down, ``exclude`` them,
``prefer`` some (they are ranked ahead of every other candidate, whatever the scores: a
constraint such as interpretability is not one more piece of evidence to be outweighed),
and set ``verdict: check`` (the rules cannot decide; measure). For deep-learning answers,
``framework_score`` scores the frameworks (PyTorch, TensorFlow/Keras, JAX) and
``framework_prefer`` ranks some ahead of the others, as ``score`` and ``prefer`` do for
models. Everything is checked at load time against :mod:`advisor.rules.vocabulary`;
nothing is evaluated as code.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import RuleError
from advisor.profile import Profile
from advisor.resources import rules_dir
from advisor.rules import vocabulary as vocab
from advisor.terms import suggest

RULE_KEYS = ("id", "when", "effect", "because", "source")
EFFECT_KEYS = ("score", "exclude", "prefer", "verdict", "framework_score", "framework_prefer")
EFFECT_VERDICTS = ("check",)
BLOCKS = ("all", "any")
TEST_KEYS = ("field", "op", "value")


@dataclass(frozen=True)
class Comparison:
    """One field–operator–value comparison; ``value`` is ``None`` for is_known/is_unknown."""

    field: str
    op: str
    value: Any = None

    def holds(self, profile: Profile) -> bool:
        actual = getattr(profile, self.field)
        if self.op == "is_known":
            return actual is not None
        if self.op == "is_unknown":
            return actual is None
        if actual is None:  # a rule over an unknown statistic does not fire
            return False
        op, value = self.op, self.value
        if op == "eq":
            return actual == value
        if op == "ne":
            return actual != value
        if op == "in":
            return actual in value
        if op == "not_in":
            return actual not in value
        if op == "lt":
            return actual < value
        if op == "le":
            return actual <= value
        if op == "gt":
            return actual > value
        return actual >= value  # ge: the operator set is closed and checked at load time


@dataclass(frozen=True)
class Condition:
    """``all`` (every part holds) or ``any`` (at least one does) over tests or conditions."""

    mode: str
    parts: tuple[Comparison | Condition, ...]

    def holds(self, profile: Profile) -> bool:
        results = (part.holds(profile) for part in self.parts)
        return all(results) if self.mode == "all" else any(results)


@dataclass(frozen=True)
class Rule:
    """A validated rule: when its condition holds, its effect applies to the candidates."""

    id: str
    when: Condition
    score: tuple[tuple[str, float], ...]
    exclude: tuple[str, ...]
    verdict: str | None
    because: str
    source: str
    file: str
    prefer: tuple[str, ...] = ()  # ranked ahead of every candidate the rule does not name
    # The same two effects on the deep-learning frameworks (vocabulary.FRAMEWORKS).
    framework_score: tuple[tuple[str, float], ...] = ()
    framework_prefer: tuple[str, ...] = ()

    def fires(self, profile: Profile) -> bool:
        return self.when.holds(profile)


def load_rules(directory: str | Path | None = None) -> tuple[Rule, ...]:
    """Every rule in ``directory`` (default: the shipped knowledge base), validated.

    Raises :class:`~advisor.errors.RuleError` naming the file, the rule and the problem,
    with a close-match suggestion for a misspelt word.
    """
    folder = Path(directory) if directory is not None else rules_dir()
    return _load_cached(folder.resolve())


@functools.lru_cache(maxsize=8)
def _load_cached(folder: Path) -> tuple[Rule, ...]:
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise RuleError(f"{folder} holds no rule files: expected one or more *.yaml files.")
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        for rule in load_rule_file(path):
            if rule.id in seen:
                raise RuleError(
                    f"{path}: rule '{rule.id}': the id is already used in {seen[rule.id]}; "
                    "give every rule its own id."
                )
            seen[rule.id] = path.name
            rules.append(rule)
    return tuple(rules)


def load_rule_file(path: str | Path) -> tuple[Rule, ...]:
    """The validated rules of one YAML file."""
    path = Path(path)
    try:
        # CSafeLoader when libyaml is there: the knowledge base is read on every recommend.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RuleError(f"{path}: not readable as YAML ({reason}).") from exc
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{path}: expected a mapping with a 'rules:' list at the top.")
    extra = sorted(set(data) - {"rules"})
    if extra:
        raise RuleError(f"{path}: unknown top-level key '{extra[0]}': only 'rules:' is allowed.")
    return tuple(_parse_rule(raw, path, index) for index, raw in enumerate(data["rules"], 1))


def _parse_rule(raw: Any, path: Path, index: int) -> Rule:
    where = f"{path}: rule #{index}"
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: expected a mapping with keys {', '.join(RULE_KEYS)}.")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RuleError(f"{where}: every rule needs an 'id' (a non-empty string).")
    where = f"{path}: rule '{rule_id}'"
    for key in raw:
        if key not in RULE_KEYS:
            raise RuleError(f"{where}: unknown key '{key}'{suggest(key, RULE_KEYS)}.")
    for key in RULE_KEYS:
        if key not in raw:
            raise RuleError(f"{where}: missing '{key}'.")
    for key in ("because", "source"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise RuleError(f"{where}: '{key}' must be a non-empty sentence.")
    when = _parse_condition(raw["when"], where)
    score, exclude, prefer, verdict = _parse_effect(raw["effect"], where)
    framework_score, framework_prefer = _parse_framework_effect(raw["effect"], where)
    return Rule(
        id=rule_id,
        when=when,
        score=score,
        exclude=exclude,
        prefer=prefer,
        framework_score=framework_score,
        framework_prefer=framework_prefer,
        verdict=verdict,
        because=" ".join(raw["because"].split()),
        source=" ".join(raw["source"].split()),
        file=path.name,
    )


def _parse_condition(raw: Any, where: str) -> Condition:
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise RuleError(f"{where}: 'when' must hold exactly one of 'all' or 'any'.")
    ((mode, parts),) = raw.items()
    if mode not in BLOCKS:
        raise RuleError(f"{where}: unknown block '{mode}'{suggest(str(mode), BLOCKS)}.")
    if not isinstance(parts, list) or not parts:
        raise RuleError(f"{where}: '{mode}' must be a non-empty list of tests.")
    parsed: list[Comparison | Condition] = []
    for part in parts:
        if isinstance(part, Mapping) and len(part) == 1 and next(iter(part)) in BLOCKS:
            parsed.append(_parse_condition(part, where))
        else:
            parsed.append(_parse_test(part, where))
    return Condition(mode=mode, parts=tuple(parsed))


def _parse_test(raw: Any, where: str) -> Comparison:
    if not isinstance(raw, Mapping):
        raise RuleError(f"{where}: a test must be a mapping with 'field', 'op' and 'value'.")
    for key in raw:
        if key not in TEST_KEYS:
            raise RuleError(f"{where}: unknown test key '{key}'{suggest(str(key), TEST_KEYS)}.")
    field, op = raw.get("field"), raw.get("op")
    fields = vocab.field_names()
    if field not in fields:
        raise RuleError(f"{where}: unknown field '{field}'{suggest(str(field), fields)}.")
    if op not in vocab.OPERATORS:
        raise RuleError(
            f"{where}: unknown operator '{op}'{suggest(str(op), tuple(vocab.OPERATORS))}."
        )
    kind = vocab.field_type(field)
    types, takes_value = vocab.OPERATORS[op]
    if kind not in types:
        usable = [name for name, (allowed, _) in vocab.OPERATORS.items() if kind in allowed]
        raise RuleError(
            f"{where}: operator '{op}' does not apply to field '{field}' ({kind}); "
            f"use one of {', '.join(usable)}."
        )
    if not takes_value:
        if "value" in raw:
            raise RuleError(f"{where}: operator '{op}' takes no 'value'.")
        return Comparison(field=field, op=op)
    if "value" not in raw:
        raise RuleError(f"{where}: the test on '{field}' needs a 'value'.")
    value = raw["value"]
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise RuleError(f"{where}: operator '{op}' needs a non-empty list as its value.")
        value = tuple(_check_value(field, kind, item, where) for item in value)
    else:
        value = _check_value(field, kind, value, where)
    return Comparison(field=field, op=op, value=value)


def _check_value(field: str, kind: str, value: Any, where: str) -> Any:
    if kind == "choice":
        allowed = vocab.choices(field)
        if value not in allowed:
            raise RuleError(
                f"{where}: unknown value '{value}' for field '{field}'"
                f"{suggest(str(value), allowed)}; allowed: {', '.join(allowed)}."
            )
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise RuleError(f"{where}: field '{field}' takes true or false, not {value!r}.")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RuleError(f"{where}: field '{field}' takes a number, not {value!r}.")
    if kind == "float" and not 0.0 <= value <= 1.0:
        raise RuleError(f"{where}: field '{field}' is a share in [0, 1], not {value!r}.")
    if kind == "int" and value < 0:
        raise RuleError(f"{where}: field '{field}' is a count >= 0, not {value!r}.")
    return value


def _parse_effect(
    raw: Any, where: str
) -> tuple[tuple[tuple[str, float], ...], tuple[str, ...], tuple[str, ...], str | None]:
    if not isinstance(raw, Mapping) or not raw:
        raise RuleError(f"{where}: 'effect' must be a mapping with {', '.join(EFFECT_KEYS)}.")
    for key in raw:
        if key not in EFFECT_KEYS:
            raise RuleError(f"{where}: unknown effect '{key}'{suggest(str(key), EFFECT_KEYS)}.")
    score: list[tuple[str, float]] = []
    raw_score = raw.get("score", {})
    if not isinstance(raw_score, Mapping):
        raise RuleError(f"{where}: 'score' must map candidate models to numbers.")
    for model, delta in raw_score.items():
        _check_model(model, where)
        if isinstance(delta, bool) or not isinstance(delta, (int, float)) or delta == 0:
            raise RuleError(f"{where}: the score for '{model}' must be a non-zero number.")
        score.append((model, float(delta)))
    models: dict[str, list[str]] = {}
    for key in ("exclude", "prefer"):
        listed = raw.get(key, [])
        if not isinstance(listed, list):
            raise RuleError(f"{where}: '{key}' must be a list of candidate models.")
        for model in listed:
            _check_model(model, where)
        models[key] = listed
    both = sorted(set(models["exclude"]) & set(models["prefer"]))
    if both:
        raise RuleError(f"{where}: '{both[0]}' is both excluded and preferred; keep one.")
    verdict = raw.get("verdict")
    if verdict is not None and verdict not in EFFECT_VERDICTS:
        raise RuleError(
            f"{where}: unknown verdict '{verdict}'{suggest(str(verdict), EFFECT_VERDICTS)}; "
            "a rule can only ask for 'check'."
        )
    return tuple(score), tuple(models["exclude"]), tuple(models["prefer"]), verdict


def _parse_framework_effect(
    raw: Mapping[str, Any], where: str
) -> tuple[tuple[tuple[str, float], ...], tuple[str, ...]]:
    frameworks = tuple(vocab.FRAMEWORKS)
    raw_score = raw.get("framework_score", {})
    listed = raw.get("framework_prefer", [])
    if not isinstance(raw_score, Mapping):
        raise RuleError(f"{where}: 'framework_score' must map frameworks to numbers.")
    if not isinstance(listed, list):
        raise RuleError(f"{where}: 'framework_prefer' must be a list of frameworks.")
    for name in [*raw_score, *listed]:
        if name not in frameworks:
            raise RuleError(
                f"{where}: unknown framework '{name}'{suggest(str(name), frameworks)}; "
                f"expected one of {', '.join(frameworks)}."
            )
    score = []
    for name, delta in raw_score.items():
        if isinstance(delta, bool) or not isinstance(delta, (int, float)) or delta == 0:
            raise RuleError(f"{where}: the framework score for '{name}' must be a non-zero number.")
        score.append((name, float(delta)))
    return tuple(score), tuple(listed)


def _check_model(model: Any, where: str) -> None:
    if model not in vocab.CANDIDATES:
        raise RuleError(
            f"{where}: unknown candidate model '{model}'"
            f"{suggest(str(model), tuple(vocab.CANDIDATES))}."
        )


def fired(rules: Iterable[Rule], profile: Profile) -> tuple[Rule, ...]:
    """The rules whose condition holds for ``profile``, in knowledge-base order."""
    return tuple(rule for rule in rules if rule.fires(profile))
