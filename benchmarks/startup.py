"""How fast does ``advisor`` answer on its light paths?

Runs each command as a fresh process several times and prints the median wall time next to
that of ``python -c pass`` measured in the same run (the interpreter's own start-up), and
whether any heavy library (torch, scikit-learn, xgboost, pandas) was imported on the way.

    python benchmarks/startup.py            # 7 runs each
    python benchmarks/startup.py --runs 11
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("torch", "sklearn", "xgboost", "pandas")
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "advisor --help": ["--help"],
    "advisor recommend --help": ["recommend", "--help"],
    "advisor recommend --task binary --modality tabular --complexity complex --rows 20000": [
        "recommend",
        "--task",
        "binary",
        "--modality",
        "tabular",
        "--complexity",
        "complex",
        "--rows",
        "20000",
    ],
    "advisor recommend --task binary --modality image --rows 20000 --json": [
        "recommend",
        "--task",
        "binary",
        "--modality",
        "image",
        "--rows",
        "20000",
        "--json",
    ],
}

# Runs the CLI like the console script does, then reports heavy modules on stderr.
PROBE = """
import json, sys
from advisor.cli import main
try:
    main(sys.argv[1:], prog_name="advisor")
except SystemExit:
    pass
sys.stderr.write("\\nHEAVY " + json.dumps([m for m in {heavy!r} if m in sys.modules]))
"""


def _time(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _heavy(args: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    line = done.stderr.rsplit("HEAVY ", 1)[-1]
    return json.loads(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (>= 5)")
    runs = max(5, parser.parse_args().runs)
    script = shutil.which("advisor") or str(Path(sys.executable).with_name("advisor"))
    rows = []
    for label, argv in COMMANDS.items():
        full = argv if argv[0] == sys.executable else [script, *argv]
        _time(full)  # warm the file-system cache; not counted
        times = [_time(full) for _ in range(runs)]
        heavy = "-" if argv[0] == sys.executable else (", ".join(_heavy(argv)) or "none")
        rows.append((label, statistics.median(times), min(times), max(times), heavy))
    base = rows[0][1]
    width = max(len(r[0]) for r in rows)
    print(f"{'command':<{width}}  median s  min s  max s  over python  heavy imports")
    for label, median, low, high, heavy in rows:
        over = f"{median - base:+.3f}" if label != "python -c pass" else "     -"
        print(f"{label:<{width}}  {median:8.3f}  {low:5.3f}  {high:5.3f}  {over:>11}  {heavy}")
    print(
        f"\n{runs} runs each, median wall time of a fresh process; Python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
