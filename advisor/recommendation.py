"""From a profile to a recommendation: deep learning, a classical model, or "measure it".

:func:`recommend` is what the command line and the questionnaire both call. It applies
every rule of the knowledge base that fires for the profile, ranks the candidate models
that apply to its task and modality by their summed scores, and decides:

- the family of the top candidate when a rule that fired prefers it (a constraint such
  as interpretability decides, whatever the scores and the check would say);
- ``check`` when a rule that fired asks for it, or when the best classical and the best
  deep-learning candidate are less than :data:`CHECK_MARGIN` points apart (the rules
  cannot tell them apart: run ``advisor check`` on the data);
- otherwise the family of the top candidate, ``classical`` or ``deep_learning``.

Candidates a fired rule prefers come first, by score among themselves; the others follow,
by score. For a deep-learning answer (or ``check``, which may end in one) the framework
rules name a framework the same way: preferred first (the team's own framework), then by
score, each with the rules behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.errors import RuleError
from advisor.profile import Profile
from advisor.rules.engine import Rule, fired, load_rules
from advisor.rules.vocabulary import CANDIDATES, FRAMEWORKS, GPU_RECIPES, CandidateModel
from advisor.terms import APPLICATION_TASKS

SCHEMA = "advisor.recommendation/1"
# Points between the best classical and the best deep-learning candidate below which the
# rules are not sure enough to choose: about one seed-table entry's worth of evidence.
CHECK_MARGIN = 1.0


@dataclass(frozen=True)
class Candidate:
    """A ranked candidate model."""

    model: str
    family: str  # classical | deep_learning
    score: float
    label: str  # for people: "Gradient-boosted trees (XGBoost)"
    # The recipe that would scaffold a project for it; None where no recipe builds it and
    # `advisor check` measures it (audio classification).
    recipe: str | None
    project_model: str  # what that project builds: advisor scaffold --model

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "family": self.family,
            "score": self.score,
            "label": self.label,
            "recipe": self.recipe,
            "project_model": self.project_model,
        }

    @property
    def scaffold_command(self) -> str | None:
        """The command that starts a project for this candidate; None without a recipe."""
        if self.recipe is None:
            return None
        return f"advisor scaffold --recipe {self.recipe} --model {self.project_model}"


@dataclass(frozen=True)
class FiredRule:
    """A rule that fired, with what it did to the candidates."""

    id: str
    because: str
    source: str
    effect: tuple[tuple[str, float], ...] = ()  # (model, score change) for applicable models
    excluded: tuple[str, ...] = ()
    preferred: tuple[str, ...] = ()  # applicable models ranked ahead of the rest
    asks_check: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "because": self.because, "source": self.source}


@dataclass(frozen=True)
class FrameworkChoice:
    """The deep-learning framework the rules name, and why."""

    name: str  # pytorch | keras | jax: a word of `advisor scaffold --framework`
    label: str  # for people: "TensorFlow/Keras"
    scores: tuple[tuple[str, float], ...]  # every framework, best first
    rules_fired: tuple[FiredRule, ...]  # the framework rules that fired
    reason: str  # one sentence: why this framework

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "reason": self.reason,
            "scores": dict(self.scores),
            "rules_fired": [r.to_dict() for r in self.rules_fired],
        }


@dataclass(frozen=True)
class Recommendation:
    """What the rules conclude for a profile. :meth:`to_dict` is ``advisor.recommendation/1``."""

    verdict: str  # classical | deep_learning | check
    candidates: tuple[Candidate, ...]  # best first
    rules_fired: tuple[FiredRule, ...]
    recipe: str | None  # the top candidate's
    profile: Profile
    reason: str  # one sentence: why this verdict
    # For deep-learning answers (and check): the framework to build with; None otherwise.
    framework: FrameworkChoice | None = None

    @property
    def top(self) -> Candidate:
        return self.candidates[0]

    def best(self, family: str) -> Candidate | None:
        """The best-ranked candidate of ``family``, or None if none applies."""
        return next((c for c in self.candidates if c.family == family), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "verdict": self.verdict,
            "reason": self.reason,
            "candidates": [c.to_dict() for c in self.candidates],
            "rules_fired": [r.to_dict() for r in self.rules_fired],
            "recipe": self.recipe,
            "profile": self.profile.to_dict(),
            "framework": None if self.framework is None else self.framework.to_dict(),
        }


def recommend(profile: Profile, *, rules: tuple[Rule, ...] | None = None) -> Recommendation:
    """Apply the knowledge base (or ``rules``) to ``profile`` and rank the candidates."""
    rules = load_rules() if rules is None else rules
    pool = {name: c for name, c in CANDIDATES.items() if c.applies_to(profile)}
    scores = dict.fromkeys(pool, 0.0)
    excluded: set[str] = set()
    fired_rules: list[FiredRule] = []
    firing = fired(rules, profile)
    for rule in firing:
        effect = tuple((model, delta) for model, delta in rule.score if model in pool)
        for model, delta in effect:
            scores[model] += delta
        dropped = tuple(model for model in rule.exclude if model in pool)
        ahead = tuple(model for model in rule.prefer if model in pool)
        if not (effect or dropped or ahead or rule.verdict):
            continue  # it names only models that do not apply here: nothing to report
        excluded.update(dropped)
        fired_rules.append(
            FiredRule(
                id=rule.id,
                because=rule.because,
                source=rule.source,
                effect=effect,
                excluded=dropped,
                preferred=ahead,
                asks_check=rule.verdict == "check",
            )
        )
    order = list(CANDIDATES)
    preferred = {model for rule in fired_rules for model in rule.preferred}
    ranked = sorted(
        (name for name in pool if name not in excluded),
        key=lambda name: (name not in preferred, -scores[name], order.index(name)),
    )
    candidates = tuple(_candidate(pool[name], round(scores[name], 2), profile) for name in ranked)
    if not candidates:
        # Exclusions can only come from rules; a knowledge base that empties the pool
        # is a bug in the rules, not in the user's input.
        raise RuleError(
            "Every candidate model was excluded by the rules that fired "
            f"({', '.join(r.id for r in fired_rules)}): fix the knowledge base."
        )
    verdict, reason = _decide(candidates, fired_rules, profile)
    deep = any(c.family == "deep_learning" for c in candidates)
    return Recommendation(
        verdict=verdict,
        candidates=candidates,
        rules_fired=tuple(fired_rules),
        recipe=candidates[0].recipe,
        profile=profile,
        reason=reason,
        framework=choose_framework(firing) if verdict != "classical" and deep else None,
    )


def choose_framework(firing: tuple[Rule, ...]) -> FrameworkChoice:
    """The framework the fired rules name: one a rule prefers first (the team's own), then
    the highest summed score; ties go to the earlier of :data:`FRAMEWORKS`."""
    scores = dict.fromkeys(FRAMEWORKS, 0.0)
    preferred: dict[str, str] = {}  # framework -> the first rule that prefers it
    used = []
    for rule in firing:
        if not (rule.framework_score or rule.framework_prefer):
            continue
        for name, delta in rule.framework_score:
            scores[name] += delta
        for name in rule.framework_prefer:
            preferred.setdefault(name, rule.id)
        used.append(
            FiredRule(
                id=rule.id,
                because=rule.because,
                source=rule.source,
                effect=rule.framework_score,
                preferred=rule.framework_prefer,
            )
        )
    order = list(FRAMEWORKS)
    ranked = sorted(
        FRAMEWORKS, key=lambda name: (name not in preferred, -scores[name], order.index(name))
    )
    best, runner_up = ranked[0], ranked[1]
    if best in preferred:
        because = next(r.because for r in used if r.id == preferred[best])
        reason = (
            f"Rule {preferred[best]} puts {FRAMEWORKS[best]} first, whatever the scores: {because}"
        )
        by_score = max(FRAMEWORKS, key=lambda name: (scores[name], -order.index(name)))
        if by_score != best:
            reason += f" Without it the rules would choose {FRAMEWORKS[by_score]}."
    elif scores[best] == scores[runner_up]:
        reason = (
            f"No rule separates {FRAMEWORKS[best]} from {FRAMEWORKS[runner_up]}; "
            f"{FRAMEWORKS[best]} is the default."
        )
    else:
        gap = scores[best] - scores[runner_up]
        reason = (
            f"{FRAMEWORKS[best]} scores {gap:g} point{'' if gap == 1 else 's'} above "
            f"{FRAMEWORKS[runner_up]}."
        )
    return FrameworkChoice(
        name=best,
        label=FRAMEWORKS[best],
        scores=tuple((name, round(scores[name], 2)) for name in ranked),
        rules_fired=tuple(used),
        reason=reason,
    )


def _candidate(model: CandidateModel, score: float, profile: Profile) -> Candidate:
    recipe = model.recipes[profile.modality]
    if recipe is not None and profile.gpu and model.family == "deep_learning":
        recipe = GPU_RECIPES.get(recipe, recipe)
    return Candidate(
        model=model.name,
        family=model.family,
        score=score,
        label=model.label,
        recipe=recipe,
        project_model=model.project_model(profile.modality),
    )


def _decide(
    candidates: tuple[Candidate, ...], rules: list[FiredRule], profile: Profile
) -> tuple[str, str]:
    top = candidates[0]
    preferring = [r.id for r in rules if top.model in r.preferred]
    if preferring:
        return top.family, (
            f"Rule {preferring[0]} ranks the models it prefers ahead of the others, whatever "
            f"their scores; {top.label} leads them."
        )
    asking = [r.id for r in rules if r.asks_check]
    if asking:
        return "check", f"Rule {asking[0]} says the rules cannot decide here: measure it."
    classical = next((c for c in candidates if c.family == "classical"), None)
    deep = next((c for c in candidates if c.family == "deep_learning"), None)
    if classical is None or deep is None:
        only = candidates[0].family.replace("_", " ")
        if profile.task in APPLICATION_TASKS:
            return candidates[0].family, (
                f"Only {only} candidates apply to {profile.task}: no classical model does it, "
                "so the answer is a pretrained network adapted to your data."
            )
        return candidates[0].family, f"Only {only} candidates apply to this problem."
    gap = abs(classical.score - deep.score)
    if gap < CHECK_MARGIN:
        return "check", (
            f"The best classical ({classical.label}, {classical.score:g}) and deep-learning "
            f"({deep.label}, {deep.score:g}) candidates are within {CHECK_MARGIN:g} point of "
            "each other: measure it."
        )
    winner, loser = (classical, deep) if classical.score > deep.score else (deep, classical)
    return winner.family, (
        f"{winner.label} scores {gap:g} points above the best "
        f"{loser.family.replace('_', '-')} candidate, {loser.label}."
    )
