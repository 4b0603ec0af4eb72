"""The JSON of ``advisor check --example NAME`` (seed 0, budget 60) as it was measured, kept
in ``golden/NAME.json`` so a change to the check's orchestration shows up as a changed score.

Only what a seed decides is kept: per model its status and scores, and the learning curve's
points. Times, and whatever a deadline cut short, depend on the machine's speed.

``python -m tests.check.golden`` writes the files anew (only when the check is meant to
score differently).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).with_name("golden")
TUNED = " (tuned)"  # advisor.check.tuning.SUFFIX
BUDGET = 60.0
EXAMPLES = ("breast_cancer", "wine", "iris", "diabetes", "digits")


def settled(model: dict[str, Any]) -> bool:
    """Whether a model ran to its own end: its scores then depend on the seed alone."""
    if model["status"] == "skipped":
        return True
    cut_short = ("reached its time limit", "stopped at its time limit")
    return model["status"] == "ok" and not (model["message"] or "").startswith(cut_short)


def essentials(report: dict[str, Any]) -> dict[str, Any]:
    """What the seed decides in a feasibility report."""
    return {
        "task": report["task"],
        "modality": report["modality"],
        "metric": report["metric"],
        "rows": report["rows"],
        # The first pass's splits: how many passes followed depends on the machine's speed.
        "evaluation": report["evaluation"].split("; ")[0],
        "models": {
            m["name"]: {
                "family": m["family"],
                "status": m["status"],
                "settled": settled(m),
                "score": m["score"],
                "fold_scores": m["fold_scores"],
                "other_scores": m["other_scores"],
            }
            for m in report["models"]
            # A tuned model exists only when the spare time let its search win: the
            # machine's speed decides that, not the seed.
            if not m["name"].endswith(TUNED)
        },
        "learning_curve": {
            f"{p['model']}@{p['fraction']}": {"train_rows": p["train_rows"], "score": p["score"]}
            for p in report["learning_curve"]
            if not p["model"].endswith(TUNED)
        },
    }


def load(name: str) -> dict[str, Any]:
    return json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))


def main(names: list[str]) -> None:
    from advisor.check.runner import run_check
    from advisor.data import load_example

    FOLDER.mkdir(exist_ok=True)
    for name in names or EXAMPLES:
        report = run_check(load_example(name), budget=BUDGET, seed=0).to_dict()
        text = json.dumps(essentials(report), indent=1, sort_keys=True)
        (FOLDER / f"{name}.json").write_text(text + "\n", encoding="utf-8")
        print(name, report["summary"])


if __name__ == "__main__":
    main(sys.argv[1:])
