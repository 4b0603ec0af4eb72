"""Latency of a generated project's `/predict` on loopback: median and p99 over 1,000
sequential requests (one row, or one image, a request; one keep-alive connection), after
a warm-up, with the service run as users run it (`python -m <package>.serve`, its
request log on).

    python benchmarks/serve_latency.py [--requests 1000] [RECIPE ...]

Default recipes: tabular-pytorch and image-pytorch. Projects are rendered, trained on
their demo data, then served on 127.0.0.1; a table is printed.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from advisor.scaffold.generate import scaffold_project

WARM_UP = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment() -> dict[str, str]:
    env = dict(os.environ, OMP_NUM_THREADS="1", WANDB_MODE="offline", DO_NOT_TRACK="1")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONPATH", None)
    return env


def request_maker(project: Path):
    """A function that sends one /predict request from the project's sample batch."""
    sample = project / "data" / "sample"
    csv_file = sample / "batch.csv"
    if csv_file.exists():
        header, first = csv_file.read_text().splitlines()[:2]
        row = dict(zip(header.split(","), map(float, first.split(",")), strict=True))
        return lambda client: client.post("/predict", json={"rows": [row]})
    text_file = sample / "batch.txt"
    if text_file.exists():
        text = text_file.read_text().splitlines()[0]
        return lambda client: client.post("/predict", json={"texts": [text]})
    image = sorted(sample.glob("*.png"))[0].read_bytes()
    return lambda client: client.post("/predict", files={"file": ("0.png", image, "image/png")})


def measure(recipe: str, requests: int, scratch: Path) -> dict[str, float]:
    project = scaffold_project(
        recipe, tracking="none", versioning="none", name="bench", output_dir=scratch
    ).path
    env = environment()
    subprocess.run(
        [sys.executable, "-m", "bench"], cwd=project, env=env, check=True, capture_output=True
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.serve", "--port", str(port)],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        send = request_maker(project)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"{recipe}: the server did not start")
                time.sleep(0.1)
            for _ in range(WARM_UP):
                send(client).raise_for_status()
            seconds = []
            for _ in range(requests):
                started = time.perf_counter()
                send(client).raise_for_status()
                seconds.append(time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)
    seconds.sort()
    return {
        "median_ms": 1000 * statistics.median(seconds),
        "p99_ms": 1000 * seconds[min(len(seconds) - 1, int(0.99 * len(seconds)))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("recipes", nargs="*", default=["tabular-pytorch", "image-pytorch"])
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    print(f"{'recipe':<20} {'requests':>8} {'median ms':>10} {'p99 ms':>8}")
    with tempfile.TemporaryDirectory() as scratch:
        for index, recipe in enumerate(args.recipes):
            folder = Path(scratch) / str(index)
            folder.mkdir()
            result = measure(recipe, args.requests, folder)
            median, p99 = result["median_ms"], result["p99_ms"]
            print(f"{recipe:<20} {args.requests:>8} {median:>10.2f} {p99:>8.2f}")


if __name__ == "__main__":
    main()
