"""Machine-wide CPU accounting shared by the benchmark scripts."""

from __future__ import annotations

import os


def busy_cpu_s() -> float:
    """CPU seconds the whole machine has been busy since boot (every process and the kernel;
    idle and iowait excluded), from ``/proc/stat``."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
