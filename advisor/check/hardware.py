"""How much of the machine a fit may use: its threads, and how many fits run side by side."""

from __future__ import annotations

import os
import subprocess
import sys
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


def cpu_model() -> str:
    """The CPU's model name, as the operating system gives it, for the report to say
    where its times were measured; the architecture alone where the name is not given."""
    import platform

    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith(("model name", "Hardware", "cpu model")):
                    return " ".join(line.split(":", 1)[1].split())
    except OSError:  # not Linux
        pass
    if sys.platform == "darwin":
        try:
            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True,
                timeout=2, check=False,
            )  # fmt: skip
            if out.stdout.strip():
                return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return platform.processor() or platform.machine() or "an unknown CPU"


def cuda_present() -> bool:
    """Whether an NVIDIA GPU's driver is loaded, without importing torch (seconds): the
    check trains on the CPU, so a GPU here is worth a note, not a measurement."""
    return os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidia0")
