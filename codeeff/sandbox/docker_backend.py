"""The ``docker`` backend: a warm, hardened container per sandbox, driven over a unix socket.

The control channel: the host listens on a unix socket in a fresh private directory, which is
bind-mounted read-only at ``/run/codeeff``; the supervisor connects once at start-up, the host
accepts that one connection, then removes the socket and its directory before sending any
request, so nothing else (no sample) can ever connect. Frames then go straight between the two
processes instead of through dockerd and containerd-shim (``benchmarks/bench_sandbox.py``:
~0.4 ms of machine CPU less per execution). The attach socket still carries the supervisor's
stderr. Where a unix socket cannot be shared (a remote engine, a daemon that cannot see the
host's paths, user-namespace remapping), the sandbox falls back to the attach socket for the
frames too (``DockerSandbox.channel`` says which is in use).

The container (options in :func:`container_options`, reasons beside each):

* ``network_mode="none"``: only a loopback interface.
* ``read_only=True`` and no tmpfs: no path the sample UID can write, so nothing survives a run.
* ``mounts``: only the control socket's directory, read-only at ``/run/codeeff`` (see above);
  it is empty once the supervisor has connected.
* ``user="0:0"`` with ``cap_drop=ALL`` + ``cap_add=[SETUID, SETGID, KILL]``: the supervisor
  must drop each child to UID 10001 and kill it. Root is the only way to hold those under
  ``no-new-privileges`` (Docker gives a non-root user no effective capabilities, and file
  capabilities are ignored under no-new-privileges). The sample never has any capability.
* ``security_opt=["no-new-privileges", "seccomp=<sandbox/seccomp.json>"]``: our own allowlist;
  Debian's Docker 20.10 default profile still allows io_uring and ptrace.
* ``pids_limit``, ``mem_limit == memswap_limit`` (no swap), ``ulimits`` (nofile, fsize, core),
  ``cpuset_cpus`` pinned (the last core by default), ``ipc_mode="none"``.
* ``pids_limit`` is what bounds a sample's threads: ``RLIMIT_NPROC`` would count the shared
  sample UID's tasks on the whole host, so one sandbox's threads could starve another's. The
  supervisor sets it only if the container has no finite pids limit (``--nproc-scope cgroup``).
* ``init=True``: docker-init is PID 1 and reaps orphans; the supervisor is not PID 1.
* ``log_config=none``: nothing is logged through dockerd; the child's output goes to
  /dev/null inside, so no sample byte ever crosses the daemon.
* labels: ``codeeff.sandbox=1`` plus the owner's host, boot id, PID and start time, so that
  :func:`reap_leftovers` can remove containers whose owner process died.

The container is always killed with ``remove(force=True)`` (SIGKILL), never ``stop()``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import select
import shutil
import socket
import tempfile
import time
import uuid
from typing import Any

from codeeff.errors import SandboxError, SandboxSetupError
from codeeff.resources import sandbox_recipe_dir
from codeeff.sandbox._channel import Channel, DirectChannel, SocketChannel, _demux
from codeeff.sandbox._supervised import SupervisedSandbox
from codeeff.sandbox.base import SandboxConfig
from codeeff.sandbox.engine import docker_client
from codeeff.sandbox.image import find_image
from codeeff.sandbox.process_backend import SAMPLE_UID, sandbox_environment

__all__ = [
    "LABEL",
    "DockerSandbox",
    "container_options",
    "load_seccomp_profile",
    "reap_leftovers",
]

LABEL = "codeeff.sandbox"
_LABEL_RUN = "codeeff.sandbox.run"
_LABEL_HOST = "codeeff.owner.host"
_LABEL_BOOT = "codeeff.owner.boot"
_LABEL_PID = "codeeff.owner.pid"
_LABEL_START = "codeeff.owner.start"
_SUPERVISOR_CAPS = ["SETUID", "SETGID", "KILL"]
_MAX_REPLY_BODY = 1 << 30
_SUPERVISOR_NOFILE = 256
_FSIZE = 1 << 20
_PAYLOAD_CACHE_SHARE = 8  # the supervisor's payload cache gets 1/8 of the container memory
_CHANNEL_DIR = "/run/codeeff"  # where the host's socket directory is mounted in the container
_CHANNEL_NAME = "s"
_CONNECT_TIMEOUT_S = 30.0  # the supervisor connects right after its interpreter starts


def load_seccomp_profile() -> str:
    """The seccomp allowlist as JSON text (docker-py passes the text, not a path)."""
    path = sandbox_recipe_dir() / "seccomp.json"
    try:
        return json.dumps(json.loads(path.read_text()), separators=(",", ":"))
    except (OSError, ValueError) as exc:
        raise SandboxSetupError(f"the seccomp profile {path} is unreadable: {exc}",
                                hint="reinstall codeeff") from exc


def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


def _start_time(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rfind(b")") + 2:].split()[19].decode()


def owner_labels(run_id: str) -> dict[str, str]:
    """Labels that identify this process as the owner of a container."""
    pid = os.getpid()
    return {
        LABEL: "1",
        _LABEL_RUN: run_id,
        _LABEL_HOST: socket.gethostname(),
        _LABEL_BOOT: _boot_id(),
        _LABEL_PID: str(pid),
        _LABEL_START: _start_time(pid) or "",
    }


def _owner_alive(labels: dict[str, str]) -> bool | None:
    """True/False if we can tell whether the owning process lives; None if it is elsewhere."""
    if labels.get(_LABEL_HOST) != socket.gethostname():
        return None
    if labels.get(_LABEL_BOOT) != _boot_id():
        return False
    try:
        pid = int(labels.get(_LABEL_PID, ""))
    except ValueError:
        return False
    start = _start_time(pid)
    return start is not None and start == labels.get(_LABEL_START)


def reap_leftovers(client: Any = None) -> list[str]:
    """Remove codeeff containers whose owner process is gone (after a crash or SIGKILL).

    Containers owned by a live process (another codeeff run) and containers created from
    another host are left alone. Control-socket directories that such an owner left in the
    temporary directory go too.

    Returns:
        The ids (short) of the containers removed.

    Raises:
        SandboxSetupError: if no engine answers.
    """
    import docker.errors

    client = client or docker_client()
    removed = []
    # ignore_removed: another process (or this one's spare-container thread) may remove a
    # container between the listing and its inspection; that is not an error here.
    for c in client.containers.list(all=True, ignore_removed=True,
                                    filters={"label": f"{LABEL}=1"}):
        if _owner_alive(c.labels) is not False:
            continue
        try:
            c.remove(force=True)
            removed.append(c.short_id)
        except docker.errors.NotFound:
            pass
    _reap_channel_dirs()
    return removed


_CHANNEL_PREFIX = "codeeff-ch-"


def _reap_channel_dirs() -> None:
    """Remove the socket directories of owners that are gone (named ``<prefix><pid>.<start>-``)."""
    tmp = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(tmp) if n.startswith(_CHANNEL_PREFIX)]
    except OSError:
        return
    for name in names:
        owner = name[len(_CHANNEL_PREFIX):].split("-", 1)[0]
        pid, _, start = owner.partition(".")
        if not pid.isdigit() or _start_time(int(pid)) == start:
            continue  # not ours to judge, or its owner is alive
        shutil.rmtree(os.path.join(tmp, name), ignore_errors=True)


def container_options(config: SandboxConfig, image: str, cpus: tuple[int, ...], seccomp: str,
                      labels: dict[str, str], channel_dir: str | None = None,
                      immortal: bool = True) -> dict[str, Any]:
    """Keyword arguments for ``client.containers.create`` (see the module docstring).

    ``channel_dir``: the host directory holding the listening control socket (mounted
    read-only at ``/run/codeeff``); None keeps the frames on the attach socket.
    ``immortal``: let the supervisor mark its heap and the staged inputs immortal where the
    image's Python allows it (see ``supervisor._Immortal``); off only to measure what it saves.
    """
    from docker.types import LogConfig, Mount, Ulimit

    memory = f"{config.memory_mb}m"
    cache = (config.memory_mb << 20) // _PAYLOAD_CACHE_SHARE
    command = ["--sample-uid", str(SAMPLE_UID), "--sample-gid", str(SAMPLE_UID),
               "--sweep", "uid", "--cgroup", "auto", "--cache-bytes", str(cache),
               # The pids cgroup (pids_limit) bounds this container's threads; the host-wide
               # RLIMIT_NPROC of the shared sample UID only applies where it is missing.
               "--nproc", str(config.pids_limit), "--nproc-scope", "cgroup",
               "--immortal", "on" if immortal else "off"]
    mounts = []
    if channel_dir is not None:
        command += ["--channel", f"{_CHANNEL_DIR}/{_CHANNEL_NAME}"]
        mounts.append(Mount(_CHANNEL_DIR, channel_dir, type="bind", read_only=True))
    return {
        "image": image,
        "command": command,
        "mounts": mounts,
        "user": "0:0",
        "cap_drop": ["ALL"],
        "cap_add": list(_SUPERVISOR_CAPS),
        "security_opt": ["no-new-privileges", f"seccomp={seccomp}"],
        "network_mode": "none",
        "read_only": True,
        "ipc_mode": "none",
        "pids_limit": config.pids_limit,
        "mem_limit": memory,
        "memswap_limit": memory,
        "cpuset_cpus": ",".join(str(c) for c in cpus),
        "ulimits": [
            Ulimit(name="nofile", soft=_SUPERVISOR_NOFILE, hard=_SUPERVISOR_NOFILE),
            Ulimit(name="fsize", soft=_FSIZE, hard=_FSIZE),
            Ulimit(name="core", soft=0, hard=0),
        ],
        "init": True,
        "log_config": LogConfig(type="none"),
        "labels": labels,
        "environment": sandbox_environment(),
        "stdin_open": True,
        "tty": False,
        "hostname": "sandbox",
        "working_dir": "/",
        "detach": True,
    }


class _Started:
    """A created, attached and started container.

    Its supervisor greets on ``direct`` (the accepted unix socket) or, without one, on ``sock``
    (the attach socket, which always carries its stderr).
    """

    __slots__ = ("container", "cpus", "direct", "early", "resp", "sock")

    def __init__(self, container: Any, resp: Any, sock: socket.socket,
                 cpus: tuple[int, ...], direct: socket.socket | None = None,
                 early: bytes = b"") -> None:
        self.container = container
        self.resp = resp
        self.sock = sock
        self.cpus = cpus
        self.direct = direct
        self.early = early  # attach-stream bytes read while waiting for the connection

    def channel(self) -> Channel:
        if self.direct is None:
            return SocketChannel(self.sock, _MAX_REPLY_BODY, owner=self.resp)
        return DirectChannel(self.direct, self.sock, _MAX_REPLY_BODY, owner=self.resp,
                             early=self.early)


def _listen() -> tuple[str, socket.socket]:
    """A fresh private directory with a listening unix socket in it.

    The container's supervisor is root without ``CAP_DAC_OVERRIDE``: it can enter the
    directory when we are root too (mode 0700); for another host user the directory is
    0711 and the socket 0666, which is safe because the one connection is accepted before
    any sample runs and the socket is removed right after.
    """
    pid = os.getpid()
    path = tempfile.mkdtemp(prefix=f"{_CHANNEL_PREFIX}{pid}.{_start_time(pid)}-")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(os.path.join(path, _CHANNEL_NAME))
        listener.listen(1)
        if os.geteuid() != 0:
            os.chmod(path, 0o711)
            os.chmod(os.path.join(path, _CHANNEL_NAME), 0o666)
    except BaseException:
        listener.close()
        shutil.rmtree(path, ignore_errors=True)
        raise
    return path, listener


def _accept(listener: socket.socket, attach: socket.socket, deadline: float
            ) -> tuple[socket.socket | None, bytes]:
    """The supervisor's connection, or None if its container ended (or stayed silent) first.

    Also returns what arrived on the attach socket meanwhile (the supervisor's stderr, still
    in dockerd's multiplexing), for the channel to keep.
    """
    early = bytearray()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, bytes(early)
        ready, _, _ = select.select([listener, attach], [], [], left)
        if listener in ready:
            conn, _ = listener.accept()
            return conn, bytes(early)
        if attach in ready:
            data = attach.recv(1 << 16)
            if not data:
                return None, bytes(early)  # the container is gone: it could not connect
            early += data


class _NoConnection(Exception):
    """The supervisor did not connect to the host's socket (the engine cannot share one)."""


def _remove(container: Any) -> None:
    """SIGKILL and remove ``container`` (never ``stop()``: SIGTERM + grace).

    Raises:
        SandboxError: if the engine keeps refusing.
    """
    import docker.errors

    for attempt in range(3):
        try:
            container.remove(force=True)
            return
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as exc:
            if "removal of container" in str(exc) and "in progress" in str(exc):
                return
            if attempt == 2:
                raise SandboxError(f"cannot remove sandbox container {container.short_id}: "
                                   f"{exc}", hint="run `codeeff sandbox reap`") from exc
            time.sleep(0.2)


def _discard(started: _Started) -> None:
    if started.direct is not None:
        with contextlib.suppress(Exception):
            started.direct.close()
    with contextlib.suppress(Exception):
        started.sock.close()
    with contextlib.suppress(Exception):
        started.resp.close()
    _remove(started.container)


def spare_cpus(sandbox_cpus: tuple[int, ...], ncpu: int) -> tuple[int, ...]:
    """Where a spare container starts: off the sandbox's CPUs when there are others.

    Its interpreter start-up (tens of ms of CPU) must not land on the core where the current
    container is being timed; the spare is moved onto the sandbox's CPUs when it is taken.
    """
    others = tuple(c for c in range(ncpu) if c not in sandbox_cpus)
    return others or sandbox_cpus


class DockerSandbox(SupervisedSandbox):
    """A warm hardened container with the supervisor; recycled after anomalies.

    With ``spare=True`` (the default) one more container is created and started in a
    background thread, on the other CPUs, while this one serves runs; ``recycle()`` then only
    removes the old container and the next run takes the spare (moved onto the sandbox's CPUs)
    instead of waiting for a container to be created and started. The spare carries the same
    owner labels, so it is reaped like any other if this process dies, and ``close()`` removes
    it. Set ``spare=False`` to create containers only on demand.

    ``channel`` chooses the control channel: ``auto`` (the default) uses the bind-mounted unix
    socket where the engine is local and falls back to the attach socket for good after a
    failure; ``unix`` and ``attach`` force one (``unix`` raises where it cannot work).
    ``immortal=False`` keeps the supervisor's objects mortal (benchmarks compare the two).
    """

    backend = "docker"

    def __init__(self, config: SandboxConfig, *, spare: bool = True,
                 channel: str = "auto", immortal: bool = True) -> None:
        if channel not in ("auto", "unix", "attach"):
            raise ValueError(f"unknown channel {channel!r}")
        super().__init__(config)
        self.client = docker_client()
        # A bind-mounted socket only works where the engine sees this machine's paths.
        local = getattr(self.client.api, "base_url", "") == "http+docker://localhost"
        self.channel = "attach" if channel == "attach" or (channel == "auto" and not local) \
            else "unix"
        """The control channel in use: ``unix`` or ``attach``."""
        self._channel_forced = channel == "unix"
        reap_leftovers(self.client)
        self.image = find_image(self.client, config.image)
        self.ncpu = self._engine_cpus()
        self.cpus = tuple(config.cpus) if config.cpus else (self.ncpu - 1,)
        self.seccomp = load_seccomp_profile()
        self.run_id = uuid.uuid4().hex[:16]
        self.spare = spare
        self._immortal = immortal
        self._container: Any = None
        self._moved = False  # the current container was a spare moved onto self.cpus
        self._spare: concurrent.futures.Future[_Started] | None = None
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._spare_client: Any = None

    def _engine_cpus(self) -> int:
        try:
            return int(self.client.info()["NCPU"])
        except Exception:
            return os.cpu_count() or 1

    @property
    def container_id(self) -> str | None:
        """The id of the live container, if one is running."""
        return self._container.id if self._container is not None else None

    @property
    def spare_container_id(self) -> str | None:
        """The id of the spare container, if one is ready (for tests and diagnostics)."""
        fut = self._spare
        if fut is None or not fut.done() or fut.exception() is not None:
            return None
        return fut.result().container.id

    def wait_for_spare(self, timeout: float | None = None) -> bool:
        """Block until the spare container (if one is being made) is ready.

        Making a spare keeps dockerd, containerd and runc busy for a few hundred ms right after
        each recycle, on any core; CPU times barely notice, wall times may. An engine that
        wants its timed runs quiet calls this after its untimed (correctness) runs.

        Returns:
            True if a spare is ready, False if there is none (disabled, failed or timed out).
        """
        fut = self._spare
        if fut is None:
            return False
        try:
            fut.result(timeout=timeout)
        except Exception:
            return False
        return True

    def _create_started(self, client: Any, cpus: tuple[int, ...]) -> _Started:
        if self.channel != "unix":
            return self._create(client, cpus, None)
        try:
            chdir, listener = _listen()
        except OSError as exc:  # e.g. a temporary directory too long for a socket path
            return self._without_socket(client, cpus, f"cannot listen: {exc}")
        try:
            return self._create(client, cpus, listener, chdir)
        except _NoConnection as exc:
            return self._without_socket(client, cpus, str(exc))
        finally:
            listener.close()
            shutil.rmtree(chdir, ignore_errors=True)

    def _without_socket(self, client: Any, cpus: tuple[int, ...], why: str) -> _Started:
        if self._channel_forced:
            raise SandboxSetupError(f"the sandbox's supervisor did not connect: {why}",
                                    hint="use the attach channel")
        self.channel = "attach"  # for good: this engine cannot share a socket with us
        return self._create(client, cpus, None)

    def _create(self, client: Any, cpus: tuple[int, ...], listener: socket.socket | None,
                chdir: str | None = None) -> _Started:
        import docker.errors

        opts = container_options(self.config, self.image, cpus, self.seccomp,
                                 owner_labels(self.run_id), channel_dir=chdir,
                                 immortal=self._immortal)
        try:
            container = client.containers.create(**opts)
        except docker.errors.APIError as exc:
            if listener is not None:
                raise _NoConnection(f"the engine refused the socket mount: {exc}") from exc
            raise SandboxSetupError(f"the engine refused to create the sandbox: {exc}",
                                    hint="run `codeeff sandbox check`") from exc
        try:
            # Attach before start, so nothing the supervisor says is missed.
            resp = client.api.attach_socket(
                container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
            sock = getattr(resp, "_sock", resp)
            if not isinstance(sock, socket.socket):
                raise SandboxSetupError("cannot reach the container's attach socket",
                                        hint="use a local Docker engine (unix socket)")
            container.start()
        except docker.errors.APIError as exc:
            _remove(container)
            raise SandboxError(f"the sandbox container did not start: {exc}",
                               hint="run `codeeff sandbox check`") from exc
        except BaseException:
            _remove(container)
            raise
        if listener is None:
            return _Started(container, resp, sock, cpus)
        try:
            conn, early = _accept(listener, sock, time.monotonic() + _CONNECT_TIMEOUT_S)
        except BaseException:
            _discard(_Started(container, resp, sock, cpus))
            raise
        if conn is None:
            _discard(_Started(container, resp, sock, cpus))
            _, err = _demux(bytearray(early))
            raise _NoConnection(err.decode("utf-8", "replace").strip()[-500:] or "no connection")
        return _Started(container, resp, sock, cpus, direct=conn, early=early)

    def _make_spare(self) -> _Started:
        # Runs in the worker thread, with its own client (docker-py's session is not shared).
        if self._spare_client is None:
            self._spare_client = docker_client()
        return self._create_started(self._spare_client, spare_cpus(self.cpus, self.ncpu))

    def _schedule_spare(self) -> None:
        if not self.spare or self._closed or self._spare is not None:
            return
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"codeeff-spare-{self.run_id[:6]}")
        self._spare = self._pool.submit(self._make_spare)

    def _take_spare(self) -> _Started | None:
        """The spare, moved onto the sandbox's CPUs; None if there is none or it failed."""
        fut, self._spare = self._spare, None
        if fut is None:
            return None
        try:
            started = fut.result()
        except Exception:
            return None  # the synchronous path will say what is wrong, if it is still wrong
        if started.cpus != self.cpus:
            try:
                started.container.update(cpuset_cpus=",".join(str(c) for c in self.cpus))
            except Exception:
                _discard(started)
                return None
        return started

    def _launch(self) -> Channel:
        started = self._take_spare()
        self._moved = started is not None and started.cpus != self.cpus
        if started is None:
            started = self._create_started(self.client, self.cpus)
        self._container = started.container
        self._schedule_spare()
        return started.channel()

    def _ensure(self) -> Any:
        fresh = self._session is None
        session = super()._ensure()
        if fresh and self._moved:
            # The greeting was written before the move: ask where the supervisor runs now.
            self._moved = False
            try:
                cpus = tuple(session.ping(5.0).get("cpus") or ())
            except SandboxError:
                self._teardown()
                raise
            if cpus != tuple(sorted(self.cpus)):
                self._teardown()
                raise SandboxError(f"the spare container runs on CPUs {cpus}, not {self.cpus}",
                                   hint="run `codeeff sandbox check`")
            session.hello["cpus"] = list(cpus)
        return session

    def _destroy(self) -> None:
        container, self._container = self._container, None
        if container is not None:
            # remove(force=True) SIGKILLs and removes in one call; never stop().
            _remove(container)

    def close(self) -> None:
        """Kill and remove everything, the spare included. Idempotent."""
        if self._closed:
            return
        try:
            super().close()
        finally:
            fut, self._spare = self._spare, None
            if fut is not None:
                fut.cancel()
                with contextlib.suppress(Exception):
                    # Not cancellable once running: wait for it, then remove what it made.
                    _discard(fut.result())
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            if self._spare_client is not None:
                with contextlib.suppress(Exception):
                    self._spare_client.close()
                self._spare_client = None
