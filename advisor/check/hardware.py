"""How much of the machine a fit may use: its threads, and how many fits run side by side."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from advisor.check.ladder import Context

PARALLEL_CELLS = 2_000_000  # below this many input values, one thread is fastest


def threads_for(X: Any) -> int:
    """One thread for small data or a busy machine; up to 4 cores for large data.

    OpenMP threads spin while they wait: on small data, or on cores that other processes
    are using, extra threads slow a fit down many times over instead of speeding it up.
    """
    cores = os.cpu_count() or 1
    cells = int(np.prod(np.shape(X)))
    return 1 if cells < PARALLEL_CELLS or machine_busy() else max(1, min(4, cores))


def lanes_for(context: Context) -> int:
    """Two candidates at a time where each fits on one thread and two cores are free,
    else one: on small data this halves the run without slowing any fit."""
    cores = os.cpu_count() or 1
    return 2 if context.threads == 1 and cores >= 2 and not machine_busy() else 1


def machine_busy() -> bool:
    """Whether other work keeps every core busy now.

    The load average lags by a minute: a check started just after a heavy job would still
    see that job's load and run one lane on an idle machine. On Linux, /proc/loadavg also
    counts the tasks runnable at this instant; the median of a few looks, less this
    process, is the other work running now.
    """
    cores = os.cpu_count() or 1
    looks = []
    try:
        for _ in range(5):
            with open("/proc/loadavg") as file:
                looks.append(int(file.read().split()[3].split("/")[0]))
            time.sleep(0.005)
    except (OSError, ValueError, IndexError):  # not Linux: the last minute's load
        return os.getloadavg()[0] >= cores if hasattr(os, "getloadavg") else False
    return sorted(looks)[len(looks) // 2] - 1 >= cores
