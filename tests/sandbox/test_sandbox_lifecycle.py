"""Lifecycle: nothing is left behind after close, after a crash of the owner, or after reaping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from codeeff.errors import ConfigError, SandboxSetupError
from codeeff.sandbox import (
    Limits,
    Payload,
    Program,
    SandboxConfig,
    Verdict,
    open_sandbox,
    reap_leftovers,
)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1].split()[0] != "Z"
    except OSError:
        return False


def docker_client() -> object:
    from codeeff.sandbox.engine import docker_client as connect

    return connect()


def _container_exists(container_id: str) -> bool:
    import docker.errors

    try:
        docker_client().containers.get(container_id)
    except docker.errors.NotFound:
        return False
    return True


def test_process_backend_is_refused_without_opt_in() -> None:
    with pytest.raises(SandboxSetupError, match="NOT a security boundary"):
        open_sandbox(SandboxConfig(backend="process"))


def test_unknown_backend_names_the_choices() -> None:
    with pytest.raises(ConfigError) as info:
        open_sandbox(SandboxConfig(backend="vm"))
    assert "docker" in (info.value.hint or "")


def test_process_close_kills_the_supervisor() -> None:
    sb = open_sandbox(SandboxConfig(backend="process", allow_unsafe_process=True))
    pid = sb.info["pid"]  # type: ignore[attr-defined]
    assert _alive(pid)
    sb.close()
    sb.close()  # idempotent
    assert not _alive(pid)


def test_process_supervisor_dies_with_its_killed_owner() -> None:
    code = (
        "import sys, time\n"
        "from codeeff.sandbox import *\n"
        "sb = open_sandbox(SandboxConfig(backend='process', allow_unsafe_process=True))\n"
        "print(sb.info['pid'], flush=True)\n"
        "time.sleep(60)\n"
    )
    owner = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None
        pid = int(owner.stdout.readline())
        assert _alive(pid)
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        if owner.stdout is not None:
            owner.stdout.close()
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the supervisor outlived its killed owner"


def test_recycle_after_anomaly_gives_a_fresh_supervisor() -> None:
    with open_sandbox(SandboxConfig(backend="process", allow_unsafe_process=True)) as sb:
        first = sb.info["pid"]  # type: ignore[attr-defined]
        exe = sb.run(Program("def f():\n    while True:\n        pass\n", "f"),
                     Payload.from_args([]), Limits(cpu_s=0.2))
        assert exe.verdict is Verdict.TIMEOUT
        assert not _alive(first)
        assert sb.info["pid"] != first  # type: ignore[attr-defined]


@pytest.mark.docker
def test_docker_close_removes_the_container(docker_image: str) -> None:
    sb = open_sandbox(SandboxConfig(image=docker_image))
    sb.start()  # type: ignore[attr-defined]
    cid = sb.container_id  # type: ignore[attr-defined]
    assert _container_exists(cid)
    sb.close()
    assert not _container_exists(cid)


def test_recycle_forks_a_fresh_worker_from_the_untouched_root() -> None:
    """After clean runs, recycle() ends the worker that held the staged data and the root
    forks a new one (same root process, new worker, nothing staged any more) instead of
    starting a new supervisor."""
    with open_sandbox(SandboxConfig(backend="process", allow_unsafe_process=True)) as sb:
        prog = Program("def f(x):\n    return x + 1\n", "f")
        assert sb.run(prog, Payload.from_args([1]), Limits()).value == 2
        hello = sb.info  # type: ignore[attr-defined]
        worker, root = hello["pid"], hello["root_pid"]
        assert worker != root
        sb.recycle()
        assert sb.resets == 1 and sb.recycles == 1  # type: ignore[attr-defined]
        after = sb.info  # type: ignore[attr-defined]
        assert after["root_pid"] == root and after["pid"] not in (worker, root)
        assert not _alive(worker)  # the worker that held the program and payload is gone
        assert sb.run(prog, Payload.from_args([2]), Limits()).value == 3
        with open(f"/proc/{after['pid']}/stat") as fh:
            assert int(fh.read().split(") ")[1].split()[1]) == root  # forked by the root


def test_recycle_without_reuse_starts_a_new_supervisor() -> None:
    config = SandboxConfig(backend="process", allow_unsafe_process=True, reuse_container=False)
    with open_sandbox(config) as sb:
        first = sb.info["pid"]  # type: ignore[attr-defined]
        sb.recycle()
        assert sb.run(Program.noop("f"), Payload.from_args([]), Limits()).verdict is Verdict.OK
        assert sb.info["pid"] != first and sb.resets == 0  # type: ignore[attr-defined]
        assert not _alive(first)


@pytest.mark.docker
def test_docker_recycle_keeps_a_clean_container(docker_image: str) -> None:
    with open_sandbox(SandboxConfig(image=docker_image)) as sb:
        sb.start()  # type: ignore[attr-defined]
        first = sb.container_id  # type: ignore[attr-defined]
        sb.recycle()
        exe = sb.run(Program.noop("f"), Payload.from_args([1]), Limits())
        assert exe.verdict is Verdict.OK
        assert sb.container_id == first and sb.resets == 1  # type: ignore[attr-defined]


@pytest.mark.docker
def test_docker_recycle_replaces_the_container(docker_image: str) -> None:
    with open_sandbox(SandboxConfig(image=docker_image, reuse_container=False)) as sb:
        sb.start()  # type: ignore[attr-defined]
        first = sb.container_id  # type: ignore[attr-defined]
        sb.recycle()
        assert not _container_exists(first)
        exe = sb.run(Program.noop("f"), Payload.from_args([1]), Limits())
        assert exe.verdict is Verdict.OK
        assert sb.container_id != first  # type: ignore[attr-defined]


def _wait_for_spare(sb: object, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        spare = sb.spare_container_id  # type: ignore[attr-defined]
        if spare is not None:
            return spare
        time.sleep(0.05)
    raise AssertionError("no spare container was made")


@pytest.mark.docker
def test_docker_recycle_swaps_in_the_spare_on_the_sandbox_cpus(docker_image: str) -> None:
    """The spare waits off the sandbox's CPU, then serves runs on it after recycle()."""
    from codeeff.sandbox.docker_backend import spare_cpus

    with open_sandbox(SandboxConfig(image=docker_image, reuse_container=False)) as sb:
        sb.start()  # type: ignore[attr-defined]
        cpus = sb.cpus  # type: ignore[attr-defined]
        assert sb.wait_for_spare(60.0)  # type: ignore[attr-defined]
        spare = _wait_for_spare(sb)
        waiting = docker_client().containers.get(spare).attrs["HostConfig"]["CpusetCpus"]
        assert waiting == ",".join(map(str, spare_cpus(cpus, sb.ncpu)))  # type: ignore[attr-defined]
        first = sb.container_id  # type: ignore[attr-defined]
        sb.recycle()
        exe = sb.run(Program.noop("f"), Payload.from_args([1]), Limits())
        assert exe.verdict is Verdict.OK
        assert sb.container_id == spare  # type: ignore[attr-defined]
        assert not _container_exists(first)
        assert tuple(sb.info["cpus"]) == tuple(sorted(cpus))  # type: ignore[attr-defined]
        next_spare = _wait_for_spare(sb)
        assert next_spare != spare
    assert not _container_exists(spare)
    assert not _container_exists(next_spare), "close() left the spare container behind"


def _settle(owner_pid: int, quiet_s: float = 1.0, timeout_s: float = 15.0) -> None:
    """Wait until the set of containers labelled with this owner stops changing."""
    client = docker_client()
    last, since = None, time.monotonic()
    deadline = since + timeout_s
    while time.monotonic() < deadline:
        now = sorted(c.id for c in client.containers.list(  # type: ignore[attr-defined]
            all=True, ignore_removed=True, filters={"label": f"codeeff.owner.pid={owner_pid}"}))
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.1)


@pytest.mark.docker
def test_interrupted_run_is_reaped(docker_image: str, docker_sandbox: object) -> None:
    """A SIGKILLed owner leaves its container; reap_leftovers removes it, and only it."""
    code = (
        "import sys, time\n"
        "from codeeff.sandbox import *\n"
        f"sb = open_sandbox(SandboxConfig(image={docker_image!r}))\n"
        "sb.start()\n"
        "print(sb.container_id, flush=True)\n"
        "time.sleep(120)\n"
    )
    owner = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout is not None
        cid = owner.stdout.readline().strip()
    finally:
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        if owner.stdout is not None:
            owner.stdout.close()
    assert cid and _container_exists(cid)
    # The owner may die with its spare's create request still in the daemon; that container
    # lands after a reap that has already listed (the next run's reap removes it). Let the
    # daemon settle first, so this reap is the one that must find everything.
    _settle(owner.pid)
    live = docker_sandbox.container_id  # type: ignore[attr-defined]
    removed = reap_leftovers()
    assert cid[:10] in [r[:10] for r in removed]
    assert not _container_exists(cid)
    # Its spare container (made in the background) went too.
    orphans = docker_client().containers.list(  # type: ignore[attr-defined]
        all=True, ignore_removed=True, filters={"label": f"codeeff.owner.pid={owner.pid}"})
    assert not orphans, [c.short_id for c in orphans]
    # The live session's container belongs to a live owner: untouched.
    if live is not None:
        assert _container_exists(live)
    # And no supervisor of that container survives on the host.
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/cgroup") as fh:
                    assert cid not in fh.read()
            except OSError:
                pass
