"""The ``process`` backend: the same supervisor as a host subprocess. NOT a security boundary.

Untrusted code runs on the host, with the host user's file access and network. What still
holds: every execution is a fresh forked child with rlimits (address space, CPU, file size,
descriptors), the child seccomp filter (no new processes, signals only to itself, no exec,
ptrace, namespaces, IPC objects, io_uring or non-UNIX sockets), SIGKILL at the CPU and wall
limits, and timing from outside the child. If codeeff runs as root, children drop to UID
10001. There is no container cgroup, so ``cgroup_cpu_s`` is ``None`` and the "CPU spent
outside the measured process" check relies on the child filter alone.

It exists for machines without Docker and for fast unit tests, and refuses to start unless
``SandboxConfig.allow_unsafe_process`` is set.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

from codeeff.errors import SandboxSetupError
from codeeff.sandbox._channel import Channel, ProcessChannel
from codeeff.sandbox._supervised import SupervisedSandbox
from codeeff.sandbox.base import SandboxConfig

__all__ = ["SAMPLE_UID", "ProcessSandbox", "sandbox_environment"]

SAMPLE_UID = 10001
"""The UID samples run under wherever the supervisor is root."""

_MAX_REPLY_BODY = 1 << 30


def sandbox_environment() -> dict[str, str]:
    """The complete environment of a supervisor (and so of every child): fixed, no secrets."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        # Same hash order for reference and candidate, every run.
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        # Numeric libraries must not spread work over threads the pinning does not expect.
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        # One malloc arena: each extra arena reserves 64 MB of address space (128 MB while
        # it is being aligned), which RLIMIT_AS counts, so whether a threaded program could
        # start its threads depended on whether one of them happened to make an arena.
        "MALLOC_ARENA_MAX": "1",
    }


def supervisor_path() -> Path:
    """The supervisor script inside the installed package."""
    return Path(__file__).resolve().parent / "supervisor.py"


def _world_traversable(path: str) -> bool:
    """Whether a user with no relation to the owners can reach ``path`` (o+x on each dir)."""
    current = "/"
    for part in Path(path).resolve().parts[1:]:
        current = os.path.join(current, part)
        try:
            mode = os.stat(current).st_mode
        except OSError:
            return False
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return False
    return True


def interpreter_for_sample_uid() -> str:
    """A Python the sample UID can import the standard library of.

    Children run as UID 10001 when codeeff is root; an interpreter under ``/root`` (pyenv)
    is unreadable for them, so fall back to the system's ``python3``.
    """
    stdlib = sysconfig.get_paths()["stdlib"]
    if _world_traversable(stdlib) and _world_traversable(sys.executable):
        return sys.executable
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.path.exists(candidate) and _world_traversable(candidate):
            return candidate
    raise SandboxSetupError(
        f"the sample UID {SAMPLE_UID} cannot read this Python's standard library ({stdlib})",
        hint="install a system python3 (`apt-get install python3`) or run codeeff as a "
        "non-root user",
    )


def default_cpus() -> tuple[int, ...]:
    """The last CPU this process may use (the tool and dockerd keep the others)."""
    allowed = sorted(os.sched_getaffinity(0))
    return (allowed[-1],)


class ProcessSandbox(SupervisedSandbox):
    """Runs the supervisor as a host subprocess (see the module docstring for its limits)."""

    backend = "process"

    def __init__(self, config: SandboxConfig) -> None:
        if not config.allow_unsafe_process:
            raise SandboxSetupError(
                "the process backend runs untrusted code directly on this machine; it is NOT a "
                "security boundary and is refused unless explicitly allowed",
                hint="use the docker backend, or set SandboxConfig(allow_unsafe_process=True) "
                "(CLI: --unsafe-process) only for code you trust",
            )
        super().__init__(config)
        self.cpus = tuple(config.cpus) if config.cpus else default_cpus()
        self._proc: subprocess.Popen[bytes] | None = None

    def _launch(self) -> Channel:
        python = sys.executable
        extra: list[str] = []
        if os.geteuid() == 0:
            python = interpreter_for_sample_uid()
            extra = ["--sample-uid", str(SAMPLE_UID), "--sample-gid", str(SAMPLE_UID)]
        # ``--cpus``: the supervisor pins itself before it forks the worker that forks the
        # children (the affinity set below from here could come after that fork).
        cmd = [python, "-B", "-S", "-s", str(supervisor_path()),
               "--sweep", "session", "--cgroup", "off",
               "--cpus", ",".join(map(str, self.cpus)), *extra]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=sandbox_environment(),
            cwd="/",
            close_fds=True,
            start_new_session=True,  # a terminal's Ctrl-C goes to the host, not the sandbox
        )
        self._proc = proc
        try:
            # Children are forked later and inherit this affinity.
            os.sched_setaffinity(proc.pid, self.cpus)
        except OSError as exc:
            self._destroy()
            raise SandboxSetupError(
                f"cannot pin the process sandbox to CPUs {self.cpus}: {exc}",
                hint="choose CPUs this process may use (see `taskset -p $$`)",
            ) from exc
        return ProcessChannel(proc, _MAX_REPLY_BODY)

    def _destroy(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        # The supervisor's session holds its children (they die with it via PDEATHSIG too).
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            proc.kill()
        proc.wait()
