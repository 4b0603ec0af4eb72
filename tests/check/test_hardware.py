"""How many threads a fit gets and how many fits run at once (advisor.check.hardware)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from advisor.check import hardware
from advisor.check.ladder import Context


@pytest.mark.parametrize(
    ("shape", "busy", "cores", "threads"),
    [
        ((1_000, 20), False, 8, 1),
        ((200_000, 20), False, 8, 4),
        ((200_000, 20), False, 2, 2),
        ((200_000, 20), True, 8, 1),
    ],
    ids=["small-data", "large-data", "large-data-two-cores", "busy-machine"],
)
def test_threads_for_data_and_machine(monkeypatch, shape, busy, cores, threads) -> None:
    monkeypatch.setattr(hardware, "machine_busy", lambda: busy)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert hardware.threads_for(np.empty(shape, dtype=np.float32)) == threads


@pytest.mark.parametrize(
    ("threads", "busy", "cores", "lanes"),
    [(1, False, 2, 2), (2, False, 8, 1), (1, True, 8, 1), (1, False, 1, 1)],
    ids=["one-thread-fits", "multi-thread-fits", "busy-machine", "one-core"],
)
def test_lanes_for_context_and_machine(monkeypatch, threads, busy, cores, lanes) -> None:
    monkeypatch.setattr(hardware, "machine_busy", lambda: busy)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    context = Context("binary", "tabular", rows=100, seed=0, threads=threads)
    assert hardware.lanes_for(context) == lanes


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="reads Linux's run queue")
def test_busy_cores_are_seen_at_once_not_a_minute_later() -> None:
    hogs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range((os.cpu_count() or 1) + 1)
    ]
    try:
        time.sleep(0.5)
        assert hardware.machine_busy()
        assert hardware.lanes_for(Context("binary", "tabular", 100, 0, threads=1)) == 1
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
