"""Machine metadata of a scoring run: one small collector per aspect (pyperf-style).

Every collector returns plain data and never raises: what cannot be read is left out. The
:func:`machine_id` is what results are cached under; :func:`collect_environment` is what the
summary records, so that a reader can tell on what the numbers were measured.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["collect_environment", "machine_id"]


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def collect_cpu() -> dict[str, Any]:
    """CPU model, logical CPU count, the CPUs this process may use, frequency governor."""
    out: dict[str, Any] = {"count": os.cpu_count()}
    info = _read("/proc/cpuinfo") or ""
    for line in info.splitlines():
        if line.lower().startswith("model name"):
            out["model"] = line.split(":", 1)[1].strip()
            break
    if hasattr(os, "sched_getaffinity"):
        out["affinity"] = sorted(os.sched_getaffinity(0))
    governor = _read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
    if governor:
        out["governor"] = governor
    boost = _read("/sys/devices/system/cpu/intel_pstate/no_turbo")
    if boost is not None:
        out["turbo"] = boost == "0"
    return out


def collect_load() -> dict[str, Any]:
    """Load averages and memory (a loaded machine makes timings noisy)."""
    out: dict[str, Any] = {}
    with contextlib.suppress(OSError):
        out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    try:
        import psutil

        out["mem_total_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
        out["cpu_percent"] = psutil.cpu_percent(interval=None)
    except Exception:  # psutil is a dependency, but metadata must never break a run
        pass
    return out


def collect_system() -> dict[str, Any]:
    """Kernel, OS, Python, cgroup version."""
    cgroup = "v2" if Path("/sys/fs/cgroup/cgroup.controllers").exists() else "v1"
    return {
        "hostname": platform.node(),
        "kernel": platform.release(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "python_impl": platform.python_implementation(),
        "cgroup": cgroup,
    }


def collect_docker() -> dict[str, Any]:
    """Docker engine version, storage driver and cgroup driver, if an engine answers."""
    try:
        import docker

        client = docker.from_env(timeout=5)
        try:
            info = client.info()
            version = client.version()
        finally:
            client.close()
    except Exception:
        return {}
    return {
        "engine": version.get("Version"),
        "api": version.get("ApiVersion"),
        "storage_driver": info.get("Driver"),
        "cgroup_driver": info.get("CgroupDriver"),
        "cgroup_version": info.get("CgroupVersion"),
    }


def collect_codeeff() -> dict[str, Any]:
    """codeeff's version, the git commit and whether the tree is dirty (for checkouts)."""
    from codeeff import __version__

    out: dict[str, Any] = {"version": __version__}
    top = Path(__file__).resolve().parent.parent
    if (top / ".git").exists():
        try:
            commit = subprocess.run(
                ["git", "-C", str(top), "rev-parse", "HEAD"], capture_output=True, text=True,
                timeout=5, check=True,
            ).stdout.strip()
            dirty = subprocess.run(
                ["git", "-C", str(top), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True, text=True, timeout=5, check=True,
            ).stdout.strip()
            out["git_commit"] = commit
            out["git_dirty"] = bool(dirty)
        except (OSError, subprocess.SubprocessError):
            pass
    return out


def collect_packages(names: Sequence[str] = ("numpy", "scipy", "docker", "rich", "click")
                     ) -> dict[str, str]:
    """Versions of the packages that shape the numbers."""
    from importlib import metadata

    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


_COLLECTORS: dict[str, Callable[[], Any]] = {
    "cpu": collect_cpu,
    "load": collect_load,
    "system": collect_system,
    "codeeff": collect_codeeff,
    "packages": collect_packages,
}


def collect_environment(*, backend: str, image: str | None, lanes: Sequence[Sequence[int]]
                        ) -> dict[str, Any]:
    """All metadata of the machine a run measures on.

    Args:
        backend: The sandbox backend.
        image: The sandbox image tag (docker backend).
        lanes: The CPUs each timing lane was pinned to.
    """
    out: dict[str, Any] = {}
    for name, collect in _COLLECTORS.items():
        try:
            out[name] = collect()
        except Exception:  # one broken collector must not lose the others
            out[name] = {}
    if backend == "docker":
        out["docker"] = collect_docker()
    out["sandbox"] = {"backend": backend, "image": image, "lanes": [list(x) for x in lanes]}
    out["machine_id"] = machine_id()
    return out


def machine_id() -> str:
    """A stable id of this machine: results measured elsewhere are not mixed with ours.

    Built from ``/etc/machine-id`` (or the hostname), the CPU model and the CPU count, so that a
    container image copied to another host, or a VM resized, gets another id.
    """
    cpu = collect_cpu()
    base = _read("/etc/machine-id") or platform.node()
    text = f"{base}\0{cpu.get('model', '')}\0{cpu.get('count', '')}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
