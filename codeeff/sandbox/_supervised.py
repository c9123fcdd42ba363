"""What both backends share: a session with a supervisor, staging by digest, and recycling.

A backend only says how to launch a supervisor (``_launch``) and how to destroy it
(``_destroy``); everything about requests, verdicts and recovery lives here, so the ``docker``
and ``process`` backends cannot drift apart.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import time
from abc import abstractmethod
from typing import Any

from codeeff.errors import SandboxError
from codeeff.sandbox import wire
from codeeff.sandbox._channel import Channel
from codeeff.sandbox.base import (
    Execution,
    Limits,
    Payload,
    Program,
    Sandbox,
    SandboxConfig,
    Verdict,
)
from codeeff.sandbox.supervisor import PROTOCOL_VERSION, pack_frame

__all__ = ["DecodedValues", "SupervisedSandbox", "to_execution"]

_HELLO_TIMEOUT_S = 30.0
_REQUEST_SLACK_S = 15.0
_TRANSFER_BYTES_PER_S = 20 << 20  # a pessimistic floor for the channel's throughput


def _transfer_s(nbytes: int) -> float:
    return nbytes / _TRANSFER_BYTES_PER_S


class _Session:
    """One live supervisor: what has been staged in it and the request counter."""

    def __init__(self, channel: Channel, hello: dict[str, Any]) -> None:
        self.channel = channel
        self.hello = hello
        self.programs: set[str] = set()
        self.payloads: set[str] = set()
        self._ids = itertools.count(1)

    def request(self, header: dict[str, Any], body: bytes, timeout: float
                ) -> tuple[dict[str, Any], bytes]:
        rid = next(self._ids)
        deadline = time.monotonic() + timeout
        self.channel.send(pack_frame({**header, "id": rid}, body), deadline)
        reply, reply_body = self.channel.recv(deadline)
        if reply.get("id") != rid:
            raise SandboxError(f"protocol error: reply to request {reply.get('id')}, not {rid}")
        return reply, reply_body

    def stage_program(self, program: Program) -> None:
        body = program.source.encode("utf-8", "surrogatepass")
        reply, _ = self.request(
            {"op": "stage_program", "digest": program.digest, "entry_point": program.entry_point},
            body, _REQUEST_SLACK_S + _transfer_s(len(body)),
        )
        self._expect_staged(reply)
        self.programs.add(program.digest)

    def stage_payload(self, payload: Payload) -> None:
        reply, _ = self.request(
            {"op": "stage_payload", "digest": payload.digest},
            payload.data, _REQUEST_SLACK_S + 4 * _transfer_s(len(payload.data)),
        )
        self._expect_staged(reply)
        self.payloads.add(payload.digest)

    @staticmethod
    def _expect_staged(reply: dict[str, Any]) -> None:
        if reply.get("op") != "staged":
            raise SandboxError(f"the supervisor refused to stage: {_describe(reply)}")

    def execute(self, program: Program, payload: Payload, limits: Limits
                ) -> tuple[dict[str, Any], bytes]:
        header = {
            "op": "run",
            "program": program.digest,
            "payload": payload.digest,
            "cpu_s": limits.cpu_s,
            "wall_s": limits.effective_wall_s,
            "memory_mb": limits.memory_mb,
            "result_bytes": limits.result_bytes,
        }
        timeout = limits.effective_wall_s + _REQUEST_SLACK_S + _transfer_s(limits.result_bytes)
        for attempt in range(2):
            if program.digest not in self.programs:
                self.stage_program(program)
            if payload.digest not in self.payloads:
                self.stage_payload(payload)
            reply, body = self.request(header, b"", timeout)
            if reply.get("op") == "result":
                return reply, body
            reason = reply.get("reason")
            # The supervisor's LRU evicted it: stage again and retry once.
            if attempt == 0 and reason == "unknown_program":
                self.programs.discard(program.digest)
                continue
            if attempt == 0 and reason == "unknown_payload":
                self.payloads.discard(payload.digest)
                continue
            raise SandboxError(f"the supervisor could not run the program: {_describe(reply)}")
        raise SandboxError("the supervisor keeps losing staged data (cache too small?)")

    def reset(self, timeout: float) -> dict[str, Any]:
        """Have the supervisor end its worker and fork a fresh one; return its greeting.

        Raises:
            SandboxError: if it refuses (something of an earlier run is alive) or does not
                greet again in time.
        """
        deadline = time.monotonic() + timeout
        reply, _ = self.request({"op": "reset"}, b"", timeout)
        if reply.get("op") != "resetting":
            raise SandboxError(f"the supervisor did not reset: {_describe(reply)}")
        return _greeting(self.channel, deadline)

    def ping(self, timeout: float) -> dict[str, Any]:
        reply, _ = self.request({"op": "ping"}, b"", timeout)
        if reply.get("op") != "pong":
            raise SandboxError(f"unexpected answer to ping: {_describe(reply)}")
        return reply


def _greeting(channel: Channel, deadline: float) -> dict[str, Any]:
    """Read a supervisor's ``hello`` and check that it speaks our protocol.

    Raises:
        SandboxError: on silence, another frame, or another protocol version.
    """
    hello, _ = channel.recv(deadline)
    if hello.get("op") != "hello" or hello.get("version") != PROTOCOL_VERSION:
        raise SandboxError(
            f"the sandbox speaks another protocol ({_describe(hello)})",
            hint="rebuild the image with `codeeff sandbox build --force`",
        )
    return hello


def _describe(reply: dict[str, Any]) -> str:
    return str(reply.get("reason") or reply.get("op")) + (
        f" ({reply['detail']})" if reply.get("detail") else ""
    )


class DecodedValues:
    """The decoded values of the last few distinct results, by the digest of their encoding.

    Repetitions of a program on one input return the same bytes; decoding each again was a
    measured bottleneck of scoring. A hit returns the *same* object as before, so a decoded
    value must be treated as read-only. Bounded by entries and by encoded bytes (decoded
    objects take several times their encoding, so the default keeps one default-capped result).
    """

    def __init__(self, entries: int = 8, max_bytes: int = 16 << 20) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: collections.OrderedDict[str, tuple[Any, int]] = collections.OrderedDict()
        self._bytes = 0
        self.hits = 0
        """How many decodes were saved (for tests and benchmarks)."""

    def get(self, digest: str) -> tuple[bool, Any]:
        """``(True, value)`` if ``digest`` is cached, else ``(False, None)``."""
        item = self._items.get(digest)
        if item is None:
            return False, None
        self._items.move_to_end(digest)
        self.hits += 1
        return True, item[0]

    def put(self, digest: str, value: Any, size: int) -> None:
        """Remember ``value`` (decoded from ``size`` bytes) under ``digest``."""
        if size > self.max_bytes or digest in self._items:
            return
        self._items[digest] = (value, size)
        self._bytes += size
        while len(self._items) > self.entries or self._bytes > self.max_bytes:
            _, (_, freed) = self._items.popitem(last=False)
            self._bytes -= freed


def to_execution(report: dict[str, Any], body: bytes, limits: Limits,
                 values: DecodedValues | None = None) -> Execution:
    """Turn a supervisor report into an :class:`Execution`, decoding the value with caps.

    For an OK run the value's digest (SHA-256 of ``body``) is computed here, on the host, and
    the value is taken from ``values`` when an equal result was decoded recently.

    Raises:
        SandboxError: if the report is malformed (a supervisor bug or a broken channel).
    """
    try:
        verdict = Verdict(report["verdict"])
        cpu_s = int(report["cpu_ns"]) / 1e9
        wall_s = int(report["wall_ns"]) / 1e9
        cg = report.get("cgroup_ns")
        cgroup_cpu_s = int(cg) / 1e9 if cg is not None else None
        rss = report.get("maxrss_kb")
        peak = int(rss) * 1024 if rss is not None else None
        error = report.get("error")
        detail = str(report.get("detail") or "")
    except (KeyError, TypeError, ValueError) as exc:
        raise SandboxError(f"malformed report from the supervisor: {exc}") from exc
    value = None
    digest = None
    if verdict is Verdict.OK:
        digest = hashlib.sha256(body).hexdigest()
        found, value = values.get(digest) if values is not None else (False, None)
        if not found:
            try:
                value = wire.decode(body, max_bytes=limits.result_bytes)
            except wire.WireError as exc:
                # Our child-side encoder never produces this: the sample wrote to the pipe.
                verdict, error, detail = Verdict.SUSPICIOUS, "malformed result", str(exc)[:200]
                digest = None
            else:
                if values is not None:
                    values.put(digest, value, len(body))
    return Execution(
        verdict=verdict,
        cpu_s=cpu_s,
        wall_s=wall_s,
        value=value,
        value_digest=digest,
        value_bytes=body if digest is not None else None,
        cgroup_cpu_s=cgroup_cpu_s,
        peak_rss_bytes=peak,
        error=None if error is None else str(error),
        detail=detail,
    )


class SupervisedSandbox(Sandbox):
    """A sandbox driven through an in-sandbox supervisor (base of both backends)."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._session: _Session | None = None
        self._closed = False
        self.decoded = DecodedValues()
        """Recently decoded results by digest (repetitions are decoded once)."""
        self.recycles = 0
        """How many times the environment was replaced (by ``recycle()`` or after anomalies)."""
        self.resets = 0
        """How many of those were a fresh supervisor worker in the same container."""

    # -- what a backend provides -----------------------------------------------------------
    @abstractmethod
    def _launch(self) -> Channel:
        """Start a fresh supervisor and return the channel to it."""

    @abstractmethod
    def _destroy(self) -> None:
        """Kill the current supervisor and everything it started. Idempotent."""

    # -- shared behaviour -------------------------------------------------------------------
    @property
    def info(self) -> dict[str, Any]:
        """The supervisor's greeting (Python version, cgroup version, child filter, CPUs)."""
        return dict(self._ensure().hello)

    def start(self) -> None:
        """Start the supervisor now rather than at the first run (e.g. before timing)."""
        self._ensure()

    def _ensure(self) -> _Session:
        if self._closed:
            raise SandboxError("this sandbox is closed")
        if self._session is None:
            channel = self._launch()
            try:
                hello = _greeting(channel, time.monotonic() + _HELLO_TIMEOUT_S)
            except BaseException:
                channel.close()
                self._destroy()
                raise
            self._session = _Session(channel, hello)
        return self._session

    def _teardown(self) -> None:
        session, self._session = self._session, None
        try:
            self._destroy()
        finally:
            if session is not None:
                session.channel.close()

    def run(self, program: Program, payload: Payload, limits: Limits) -> Execution:
        """Execute ``program.entry_point(*args)`` once in a fresh child (see :class:`Sandbox`).

        Raises:
            SandboxError: if a supervisor cannot be started.
        """
        session = self._ensure()
        try:
            report, body = session.execute(program, payload, limits)
            execution = to_execution(report, body, limits, self.decoded)
        except SandboxError as exc:
            # The supervisor is gone or confused: destroy it; the next run starts a fresh one.
            self._teardown()
            self.recycles += 1
            return Execution(Verdict.SANDBOX_ERROR, 0.0, 0.0, error="supervisor",
                             detail=str(exc)[:500])
        if report.get("anomaly"):
            # Timeouts, OOM, crashes, leftovers, suspicious runs: never reuse this environment.
            self._teardown()
            self.recycles += 1
        return execution

    def ping(self, timeout: float = 5.0) -> None:
        """Check that the supervisor answers.

        Raises:
            SandboxError: if it does not answer within ``timeout`` seconds.
        """
        self._ensure().ping(timeout)

    def recycle(self) -> None:
        """Give the next run a fresh environment.

        A supervisor whose runs all ended cleanly ends its worker (``reset``) and its root,
        which never held a program or payload, forks a fresh one in the same container: nothing
        any earlier program or payload put in memory survives, at a fraction of a new
        container's cost. A new container (or process tree) is started instead when
        ``config.reuse_container`` is off, when the supervisor refuses (something is still
        alive), or when the reset fails; the backends already discard the environment after
        every anomaly (timeout, OOM, crash, leftovers, suspicious run).
        """
        if self._closed:
            return
        self.recycles += 1
        session = self._session
        if session is not None and self.config.reuse_container:
            try:
                hello = session.reset(_HELLO_TIMEOUT_S)
            except SandboxError:
                pass
            else:
                self._session = _Session(session.channel, hello)
                self.resets += 1
                return
        self._teardown()

    def close(self) -> None:
        """Kill and remove everything. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._teardown()
