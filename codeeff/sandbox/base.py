"""The sandbox contract: records that cross the boundary and the backend interface.

Every backend (``docker``, ``process``) implements :class:`Sandbox`. The engine only ever sees
these records; nothing here imports docker.

Lifecycle of a sandbox:

1. ``open_sandbox(config)`` starts it (a warm container with the in-sandbox supervisor).
2. ``run(program, payload, limits)`` executes ``program.entry_point(*args)`` once, in a fresh
   process forked by the supervisor, and returns an :class:`Execution`. Programs and payloads are
   staged in the supervisor by digest, so repeated runs do not resend them.
3. ``recycle()`` gives the next run a fresh environment: a fresh supervisor worker forked from
   the container's root process, which never held a program or a payload (nothing of earlier
   programs survives in memory) or, with ``reuse_container=False`` or when the last run was not
   clean, a new container. The engine calls it before each sample; the backend discards the
   container by itself after any anomaly (timeout, OOM, crash, protocol error, processes left
   behind).
4. ``close()`` stops and removes everything. Sandboxes are context managers.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = ["Execution", "Limits", "Payload", "Program", "Sandbox", "SandboxConfig", "Verdict"]


class Verdict(str, Enum):
    """The outcome of one execution. ``WRONG_ANSWER`` is decided on the host, never inside."""

    OK = "ok"
    WRONG_ANSWER = "wrong_answer"
    RUNTIME_ERROR = "runtime_error"
    TIMEOUT = "timeout"
    OUT_OF_MEMORY = "out_of_memory"
    OUTPUT_LIMIT = "output_limit"
    CRASHED = "crashed"
    SANDBOX_ERROR = "sandbox_error"
    SUSPICIOUS = "suspicious"


@dataclass(frozen=True)
class Limits:
    """Limits of one execution. Every limit is enforced from outside the sample's process."""

    cpu_s: float = 10.0
    """CPU time (whole thread group) after which the child is SIGKILLed: verdict TIMEOUT."""
    wall_s: float | None = None
    """Wall-clock limit; ``None`` means ``3 * cpu_s + 1``, so sleeping cannot escape the limit."""
    memory_mb: int = 1024
    """Memory of one execution (address space of the child; container memory = this + headroom)."""
    result_bytes: int = 16 << 20
    """Cap on the encoded return value; larger results give OUTPUT_LIMIT."""

    @property
    def effective_wall_s(self) -> float:
        """The wall-clock limit actually applied."""
        return self.wall_s if self.wall_s is not None else 3.0 * self.cpu_s + 1.0


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


@dataclass(frozen=True)
class Program:
    """A program to execute: full Python source that defines ``entry_point``."""

    source: str
    entry_point: str
    digest: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "digest", _digest(self.source.encode("utf-8", "surrogatepass"),
                                    self.entry_point.encode())
        )

    @classmethod
    def noop(cls, entry_point: str) -> Program:
        """A program that accepts any arguments and returns ``None``: the harness baseline."""
        return cls(f"def {entry_point}(*args, **kwargs):\n    return None\n", entry_point)


@dataclass(frozen=True)
class Payload:
    """The positional arguments of one call, encoded once in the wire format."""

    data: bytes
    digest: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", _digest(self.data))

    @classmethod
    def from_args(cls, args: Sequence[Any]) -> Payload:
        """Encode a sequence of positional arguments (plain Python data)."""
        from codeeff.sandbox import wire

        return cls(wire.encode(tuple(args)))

    def args(self) -> tuple[Any, ...]:
        """Decode the arguments again (host side)."""
        from codeeff.sandbox import wire

        return tuple(wire.decode(self.data))


@dataclass(frozen=True)
class Execution:
    """What one execution produced. Times are measured from outside the child."""

    verdict: Verdict
    """Outcome; OK means the call returned and its result was decoded (not yet checked)."""
    cpu_s: float
    """CPU time of the child's whole thread group from GO until its result frame is complete (or
    until exit if none is), so it includes exec of the source but not the kernel's teardown."""
    wall_s: float
    """Wall time over the same window, read by the supervisor."""
    value: Any = None
    """The decoded return value (plain data), only when ``verdict`` is OK. Executions of one
    sandbox with equal ``value_digest`` may share one decoded object: treat it as read-only."""
    value_digest: str | None = None
    """SHA-256 of the raw encoded return value, only when OK: equal digests mean equal values
    (compare repetitions by it; decoded values are not comparable when they hold NaN)."""
    value_bytes: bytes | None = field(default=None, repr=False, compare=False)
    """The raw encoded return value (wire format) as received, only when OK. A trusted
    program's answer can be stored as these bytes instead of being encoded again."""
    cgroup_cpu_s: float | None = None
    """CPU charged to the container's cgroup over the same window (None without cgroups)."""
    peak_rss_bytes: int | None = None
    """Peak resident memory of the child (from its own rusage)."""
    error: str | None = None
    """Exception type for RUNTIME_ERROR; the reason for TIMEOUT (cpu/wall), CRASHED (signal)…"""
    detail: str = ""
    """A short human-readable explanation (never the sample's own output)."""


@dataclass(frozen=True)
class SandboxConfig:
    """How to open a sandbox. One frozen config; ``open_sandbox(config)`` builds the backend."""

    backend: str = "docker"
    """``docker`` (the security boundary) or ``process`` (host processes with rlimits; NOT a
    security boundary, refused unless ``allow_unsafe_process`` is set)."""
    cpus: tuple[int, ...] | None = None
    """CPUs to pin the sandbox to; ``None`` lets the backend choose (the last core)."""
    image: str | None = None
    """Image reference; ``None`` means the tag of the current recipe."""
    memory_mb: int = 2048
    """Memory of the whole container (executions get ``Limits.memory_mb`` each)."""
    pids_limit: int = 64
    """Processes and threads in the whole container."""
    allow_unsafe_process: bool = False
    """Explicit opt-in to run untrusted code on the host with the ``process`` backend."""
    reuse_container: bool = True
    """``recycle()`` forks a fresh supervisor worker in the same container when the last run was
    clean (~10 ms, ``benchmarks/bench_sandbox.py``); False starts a new container every time
    (~0.35 s and ~1 s of machine CPU across dockerd, containerd and runc)."""


class Sandbox(ABC):
    """A place to run untrusted programs and time them.

    Implementations must kill only with SIGKILL from outside, never trust anything the child says
    about time, and never let one execution's failure stop the next.
    """

    backend: str = "abstract"

    @abstractmethod
    def run(self, program: Program, payload: Payload, limits: Limits) -> Execution:
        """Execute ``program.entry_point(*payload.args())`` once in a fresh process.

        Returns:
            The execution record; failures of the sample are verdicts, not exceptions.

        Raises:
            SandboxError: only if the sandbox itself cannot be made to work again.
        """

    @abstractmethod
    def recycle(self) -> None:
        """Give the next run a fresh environment (a new supervisor worker process at least)."""

    @abstractmethod
    def close(self) -> None:
        """Stop and remove everything this sandbox started. Idempotent."""

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
