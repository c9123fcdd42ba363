"""Helpers shared by the sandbox test modules (not a test module itself)."""

from __future__ import annotations

import os


def container_processes(container_id: str) -> list[tuple[int, int]]:
    """(pid, uid) of every host process inside the given container's cgroup."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cgroup") as fh:
                if container_id not in fh.read():
                    continue
            with open(f"/proc/{name}/status") as fh:
                uid = next(int(line.split()[1]) for line in fh if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        found.append((int(name), uid))
    return found
