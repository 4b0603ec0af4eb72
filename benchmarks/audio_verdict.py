"""The audio verdict benchmark: ``advisor check`` on generated clips whose winner is known.

Not part of the test suite.

    python benchmarks/audio_verdict.py                   # both cases, budget 30 s, seed 0
    python benchmarks/audio_verdict.py --budget 60 --per-class 300 --seeds 0 1 2

The two cases are the audio tests' generated clips (``tests/data/audio_clips.py``):

- ``pitch``: a steady tone whose pitch range is the class, over the whole clip. A spectral
  statistic decides, so MFCC statistics with a linear model or boosting should win or tie.
- ``chirp``: one frequency sweep at a random onset, rising or falling. Both classes have
  the same average spectrum and the same spread of frame-to-frame changes, so summary
  statistics sit at chance; a CNN on the spectrogram sees the direction.

Each case is written as ``.wav`` files to a temporary folder and checked by the command
line in a fresh process (``python -m advisor check FOLDER --json -``), so the reading of
the clips counts against the budget as it does for a user. Prints, per case, the verdict,
the best classical and deep-learning models with their scores, and the wall time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.data.audio_clips import chirp_clips, pitch_clips  # noqa: E402

CASES = {"pitch": ("classical", pitch_clips), "chirp": ("deep_learning", chirp_clips)}


def run_case(name: str, *, budget: float, per_class: int, seed: int) -> dict:
    """One case: its clips written, checked by the command line, and the report's numbers."""
    known, make = CASES[name]
    with tempfile.TemporaryDirectory() as folder:
        root = make(Path(folder) / name, per_class=per_class, seed=seed)
        command = [sys.executable, "-m", "advisor", "check", str(root)]
        command += ["--budget", f"{budget:g}", "--seed", str(seed), "--json", "-"]
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        wall = time.monotonic() - started
    if done.returncode != 0:
        return {"case": name, "known": known, "error": done.stderr.strip().splitlines()[-1:]}
    report = json.loads(done.stdout)

    def best(family: str) -> tuple[str | None, float | None]:
        model = report[f"best_{family}"]
        return (model["name"], model["score"]) if model else (None, None)

    (classical, c_score), (network, n_score) = best("classical"), best("deep_learning")
    return {
        "case": name,
        "known": known,
        "verdict": report["verdict"],
        "outcome": report["outcome"],
        "metric": report["metric"],
        "best_classical": classical,
        "classical_score": c_score,
        "best_deep_learning": network,
        "deep_learning_score": n_score,
        "rows": report["rows"],
        "wall_seconds": round(wall, 1),
        "sentence": report["summary"],
    }


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--per-class", type=int, default=200, help="clips per class")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--only", nargs="+", choices=sorted(CASES), default=sorted(CASES))
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    rows = []
    for seed in args.seeds:
        for name in args.only:
            row = run_case(name, budget=args.budget, per_class=args.per_class, seed=seed)
            rows.append(row)
            if "error" in row:
                print(f"{name:6} seed {seed}: failed: {row['error']}")
                continue
            print(
                f"{name:6} seed {seed}: verdict {row['verdict']:13} (known {row['known']}, "
                f"{row['outcome']}); {row['metric']}: {row['best_classical']} "
                f"{_score(row['classical_score'])} vs {row['best_deep_learning']} "
                f"{_score(row['deep_learning_score'])}; {row['rows']} clips; "
                f"{row['wall_seconds']:.1f} s\n  {row['sentence']}"
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
