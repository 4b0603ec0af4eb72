"""Peak memory of sampling a big table: streamed through pyarrow datasets, read in pandas
chunks, or read whole.

Not part of the test suite.

    python benchmarks/streaming_read.py                       # 1,000,000 rows, keep 100,000
    python benchmarks/streaming_read.py --rows 2000000 --keep 50000 --repeats 3

A table of ``--rows`` rows (20 numeric columns with decimal commas, a date and a short
text, semicolon-separated: about 200 bytes a row) is written once as CSV, gzip-compressed
CSV and Parquet. Each read is a process of its own, which reports the memory the read
added at its peak (once pandas and pyarrow are imported: Linux's ``VmHWM``, reset just
before the read through ``/proc/self/clear_refs``, less ``VmRSS`` then) and its seconds;
the table shows the median of ``--repeats`` runs. The modes:

- ``stream``: :func:`advisor.data.reading.read_table` with a cap, streaming every file
  (``STREAM_BYTES`` 0): the path a file over the threshold takes;
- ``chunks`` (CSV only): the same with streaming off: pandas' chunks, the path a CSV under
  the threshold takes (a Parquet file over the cap always streams);
- ``whole``: no cap: the whole table in memory, as a run without sampling would hold it.

Every capped read keeps the same rows for a seed (the Parquet file holds the CSV's rows),
which the last column checks against the CSV read in pandas' chunks.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
MODES = ("stream", "chunks", "whole")


def write_tables(folder: Path, rows: int) -> dict[str, Path]:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(rows, 20)).round(6), columns=[f"x{i}" for i in range(20)])
    frame["when"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 10**6, rows), "m")
    frame["note"] = rng.choice(["red", "green", "blue; dark", "yellow"], rows)
    frame["target"] = rng.integers(0, 2, rows)
    csv = folder / "big.csv"
    frame.to_csv(csv, index=False, sep=";", decimal=",")
    gz = folder / "big.csv.gz"
    with csv.open("rb") as source, gzip.open(gz, "wb", compresslevel=1) as target:
        shutil.copyfileobj(source, target)
    parquet = folder / "big.parquet"
    # Row groups of 100,000 rows: a Parquet reader holds about one at a time, so the writer's
    # row groups bound what streaming can save (one group of the whole file saves nothing).
    frame.to_parquet(parquet, index=False, row_group_size=100_000)
    return {"csv": csv, "csv.gz": gz, "parquet": parquet}


def one_read(mode: str, path: Path, keep: int) -> None:
    """One read in this process; prints what it measured as one JSON line."""
    import pandas  # noqa: F401  (imported before the baseline, as in a check)
    import pyarrow.dataset  # noqa: F401

    from advisor.data import reading

    reading.STREAM_BYTES = 0 if mode == "stream" else 10**15
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    before = memory("VmRSS")
    started = time.perf_counter()
    frame, total, _ = reading.read_table(path, None if mode == "whole" else keep, seed=0)
    seconds = time.perf_counter() - started
    peak = memory("VmHWM")
    print(
        json.dumps(
            {
                "mb": round((peak - before) / 1024, 1),
                "seconds": round(seconds, 2),
                "rows": len(frame),
                "total": total,
                "checksum": round(float(frame["x0"].sum()), 3),
            }
        )
    )


def memory(field: str) -> int:
    """A ``/proc/self/status`` figure, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/self/status: this benchmark needs Linux")


def measure(mode: str, path: Path, keep: int, repeats: int) -> dict[str, float]:
    runs = []
    for _ in range(repeats):
        command = [sys.executable, str(HERE), "--one", mode, str(path), "--keep", str(keep)]
        out = subprocess.run(command, capture_output=True, text=True)
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if out.returncode or not lines:
            raise SystemExit(f"{mode} on {path.name} failed:\n{out.stderr[-3000:]}")
        runs.append(json.loads(lines[-1]))
    return {
        "mb": statistics.median(r["mb"] for r in runs),
        "seconds": statistics.median(r["seconds"] for r in runs),
        "rows": runs[0]["rows"],
        "total": runs[0]["total"],
        "checksum": runs[0]["checksum"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--files", nargs="*", default=["csv", "csv.gz", "parquet"])
    parser.add_argument("--one", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_read(args.one[0], Path(args.one[1]), args.keep)
        return
    folder = Path(tempfile.mkdtemp(prefix="advisor-stream-bench-"))
    try:
        files = write_tables(folder, args.rows)
        print(
            f"{args.rows:,} rows, keep {args.keep:,}; median of {args.repeats} runs; "
            "MB: memory the read added at its peak"
        )
        print("| file | MB | mode | rows kept | rows counted | peak MB | seconds | same rows |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        reference = None
        for kind, path in files.items():
            if kind not in args.files:
                continue
            size = path.stat().st_size / 1e6
            modes = MODES if kind != "parquet" else ("stream", "whole")
            runs = {mode: measure(mode, path, args.keep, args.repeats) for mode in modes}
            reference = reference or runs.get("chunks", runs["stream"])["checksum"]
            for mode, run in runs.items():
                same = "" if mode == "whole" else run["checksum"] == reference
                print(
                    f"| {kind} | {size:.0f} | {mode} | {run['rows']:,} | {run['total']:,} | "
                    f"{run['mb']:.0f} | {run['seconds']:.1f} | {same} |"
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
