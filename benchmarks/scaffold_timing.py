"""How long `advisor scaffold` takes to render a project, and how long the generated
project takes to train on its tiny demo data on this machine's CPU.

    python benchmarks/scaffold_timing.py [--repeats 5] [--train-repeats 3] [RECIPE ...]

Targets (issue 4): rendering one project under 2 s; prepare -> train -> evaluate of a
generated project under 30 s on CPU. Medians of several runs; a table is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advisor.scaffold.generate import scaffold_project
from advisor.scaffold.naming import project_names
from advisor.scaffold.recipes import load_recipes

RENDER_TARGET_S = 2.0
TRAIN_TARGET_S = 30.0


def time_render(
    recipe: str, versioning: str | None, repeats: int, scratch: Path
) -> tuple[float, Path]:
    """Median seconds to render `recipe` into a fresh folder; also the last project."""
    seconds = []
    for _ in range(repeats):
        out = Path(tempfile.mkdtemp(dir=scratch))
        started = time.perf_counter()
        project = scaffold_project(recipe, versioning=versioning, name="bench", output_dir=out).path
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), project


def time_training(project: Path, repeats: int) -> float:
    """Median seconds of `python -m <package>` (prepare -> train -> evaluate) in a fresh
    process each time, start-up and imports included."""
    package = project_names(project.name).package
    env = {**os.environ, "DO_NOT_TRACK": "1", "DVC_NO_ANALYTICS": "1", "WANDB_MODE": "offline"}
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", package], cwd=project, env=env, check=True, capture_output=True
        )
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipes", nargs="*", help="recipes to time (default: all)")
    parser.add_argument("--repeats", type=int, default=5, help="renders per recipe")
    parser.add_argument("--train-repeats", type=int, default=3, help="trainings per recipe")
    args = parser.parse_args()
    recipes = load_recipes()
    names = args.recipes or list(recipes)

    header = ("recipe", "stack", "render s", "render s (no DVC)", "train s")
    rows = []
    for name in names:
        recipe = recipes[name]
        with tempfile.TemporaryDirectory(prefix="scaffold-timing-") as scratch:
            render_s, project = time_render(name, None, args.repeats, Path(scratch))
            plain_s, _ = time_render(name, "none", args.repeats, Path(scratch))
            # --train-repeats 0 times rendering alone.
            train_s = time_training(project, args.train_repeats) if args.train_repeats else 0.0
        stack = f"{recipe.framework}/{recipe.tracking}/{recipe.versioning}"
        rows.append((name, stack, f"{render_s:.2f}", f"{plain_s:.2f}", f"{train_s:.1f}"))
        print(" | ".join(rows[-1]), file=sys.stderr, flush=True)

    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    worst_render = max(float(row[2]) for row in rows)
    worst_train = max(float(row[4]) for row in rows)
    print(
        f"\nworst median render {worst_render:.2f} s (target < {RENDER_TARGET_S:.0f} s); "
        f"worst median training {worst_train:.1f} s (target < {TRAIN_TARGET_S:.0f} s); "
        f"medians of {args.repeats} renders and {args.train_repeats} trainings, CPU only, "
        f"{os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
