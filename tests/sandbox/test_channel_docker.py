"""The docker backend's control channel: a unix socket the supervisor connects to once.

Frames go straight between the host and the supervisor (not through dockerd); the socket is
accepted once and removed before any request, so a sample can never reach it; where the
supervisor cannot connect, ``auto`` falls back to the attach socket and ``unix`` says why.
"""

from __future__ import annotations

import glob
import os
import tempfile
from typing import Any

import pytest

from codeeff.errors import SandboxSetupError
from codeeff.sandbox import (
    Limits,
    Payload,
    Program,
    SandboxConfig,
    Verdict,
    docker_backend,
    reap_leftovers,
)
from codeeff.sandbox.docker_backend import DockerSandbox

pytestmark = pytest.mark.docker

_BIG = Program("def f(n):\n    return [str(i) for i in range(n)]\n", "f")

# Everything a sample could try against the control socket: list its directory, connect to
# the path, find a socket among its own descriptors.
_PROBE = '''
import os, socket
def f():
    out = {}
    try:
        out["listdir"] = sorted(os.listdir("/run/codeeff"))
    except OSError as exc:
        out["listdir"] = type(exc).__name__
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect("/run/codeeff/s")
        out["connect"] = "connected"
    except OSError as exc:
        out["connect"] = type(exc).__name__
    finally:
        s.close()
    fds = []
    for fd in range(3, 256):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            pass
    kinds = []
    for fd in fds:
        try:
            socket.socket(fileno=os.dup(fd)).close()
            kinds.append("socket")
        except OSError:
            kinds.append("other")
    out["sockets"] = kinds.count("socket")
    return out
'''


def _leftover_dirs() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "codeeff-ch-*")))


@pytest.mark.parametrize("channel", ["unix", "attach"])
def test_both_channels_run_programs_and_carry_large_results(docker_image: str,
                                                            channel: str) -> None:
    before = _leftover_dirs()
    with DockerSandbox(SandboxConfig(image=docker_image), spare=False, channel=channel) as sb:
        ex = sb.run(_BIG, Payload.from_args([200_000]), Limits(cpu_s=10.0, memory_mb=512))
        assert ex.verdict is Verdict.OK, ex
        assert len(ex.value) == 200_000 and ex.value[-1] == "199999"
        assert sb.info["channel"] == ("unix" if channel == "unix" else "stdio")
        sb.recycle()  # the fresh worker greets on the same channel
        assert sb.run(Program.noop("f"), Payload.from_args([]), Limits()).verdict is Verdict.OK
        assert sb.channel == channel
    assert _leftover_dirs() <= before, "the socket directory was not removed"


def test_the_default_channel_is_the_unix_socket_on_a_local_engine(docker_image: str) -> None:
    with DockerSandbox(SandboxConfig(image=docker_image), spare=False) as sb:
        assert sb.run(Program.noop("f"), Payload.from_args([]), Limits()).verdict is Verdict.OK
        assert sb.channel == "unix" and sb.info["channel"] == "unix"


def test_a_sample_cannot_reach_the_control_socket(docker_image: str) -> None:
    with DockerSandbox(SandboxConfig(image=docker_image), spare=False) as sb:
        ex = sb.run(Program(_PROBE, "f"), Payload.from_args([]), Limits())
        assert ex.verdict is Verdict.OK, ex
        # The directory is the supervisor's (mode 0700, root); the socket is gone anyway.
        assert ex.value["listdir"] == "PermissionError"
        assert ex.value["connect"] in ("PermissionError", "FileNotFoundError",
                                       "ConnectionRefusedError")
        assert ex.value["sockets"] == 0, "the child inherited a socket"
        # Still answering afterwards: nothing the probe did reached the channel.
        assert sb.run(Program.noop("f"), Payload.from_args([]), Limits()).verdict is Verdict.OK


def _break_the_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every supervisor connect to a path where nothing listens (it then exits)."""
    real = docker_backend.container_options

    def options(*args: Any, **kwargs: Any) -> dict[str, Any]:
        opts = real(*args, **kwargs)
        cmd = list(opts["command"])
        if "--channel" in cmd:
            cmd[cmd.index("--channel") + 1] = "/run/codeeff/nothing-here"
        return {**opts, "command": cmd}

    monkeypatch.setattr(docker_backend, "container_options", options)


def test_auto_falls_back_to_the_attach_socket(docker_image: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _break_the_channel(monkeypatch)
    with DockerSandbox(SandboxConfig(image=docker_image), spare=False) as sb:
        ex = sb.run(Program.noop("f"), Payload.from_args([]), Limits())
        assert ex.verdict is Verdict.OK, ex
        assert sb.channel == "attach" and sb.info["channel"] == "stdio"


def test_a_forced_unix_channel_says_why_it_failed(docker_image: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _break_the_channel(monkeypatch)
    with (DockerSandbox(SandboxConfig(image=docker_image), spare=False, channel="unix") as sb,
          pytest.raises(SandboxSetupError, match=r"did not connect.*nothing-here")):
        sb.run(Program.noop("f"), Payload.from_args([]), Limits())


def test_no_socket_to_listen_on_means_the_attach_socket(docker_image: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise OSError(36, "File name too long")

    monkeypatch.setattr(docker_backend, "_listen", refuse)
    with DockerSandbox(SandboxConfig(image=docker_image), spare=False) as sb:
        assert sb.run(Program.noop("f"), Payload.from_args([]), Limits()).verdict is Verdict.OK
        assert sb.channel == "attach"
    with (DockerSandbox(SandboxConfig(image=docker_image), spare=False, channel="unix") as sb,
          pytest.raises(SandboxSetupError, match=r"cannot listen.*too long")):
        sb.run(Program.noop("f"), Payload.from_args([]), Limits())


def test_reaping_removes_socket_directories_of_dead_owners(docker_image: str) -> None:
    dead = tempfile.mkdtemp(prefix="codeeff-ch-999999999.1-")  # no such process
    me = os.getpid()
    with open(f"/proc/{me}/stat", "rb") as fh:
        stat = fh.read()
    start = stat[stat.rfind(b")") + 2:].split()[19].decode()
    alive = tempfile.mkdtemp(prefix=f"codeeff-ch-{me}.{start}-")
    try:
        reap_leftovers()
        assert not os.path.exists(dead)
        assert os.path.isdir(alive), "a live owner's directory was removed"
    finally:
        for path in (dead, alive):
            if os.path.isdir(path):
                os.rmdir(path)
