"""``codeeff sandbox check``: what is in place, what is missing, and the fix for each.

Each check is a record; the CLI renders them. The limits are probed from *inside* a hardened
container, by a program running exactly as a sample does (forked child, UID 10001), so the
report shows what a sample actually faces rather than what was requested.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codeeff.errors import CodeeffError
from codeeff.sandbox.base import Limits, Payload, Program, SandboxConfig, Verdict

__all__ = ["PROBE_SOURCE", "Check", "collect_checks", "probe_limits"]


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    ok: bool
    value: str
    fix: str | None = None
    """What to do when ``ok`` is False."""
    required: bool = True
    """A failed optional check is a warning; a failed required one makes ``check`` fail."""


PROBE_SOURCE = r'''
import ctypes, os, socket

def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError as exc:
        return None

def _status():
    out = {}
    for line in (_read("/proc/self/status") or "").splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out

def _writable(path):
    try:
        with open(os.path.join(path, ".codeeff-probe"), "w") as f:
            f.write("x")
        return True
    except OSError:
        return False

def _syscall(nr, *args):
    libc = ctypes.CDLL(None, use_errno=True)
    ret = libc.syscall(nr, *args)
    return ret if ret >= 0 else -ctypes.get_errno()

def probe():
    st = _status()
    cg = "/sys/fs/cgroup"
    v2 = os.path.exists(cg + "/cgroup.controllers")
    mem = _read(cg + "/memory.max") if v2 else _read(cg + "/memory/memory.limit_in_bytes")
    swap = _read(cg + "/memory.swap.max") if v2 else _read(
        cg + "/memory/memory.memsw.limit_in_bytes")
    pids = _read(cg + "/pids.max") if v2 else _read(cg + "/pids/pids.max")
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        inet = "allowed"
    except OSError as exc:
        inet = f"denied ({exc.errno})"
    ifaces = [l.split(":")[0].strip() for l in (_read("/proc/net/dev") or "").splitlines()[2:]]
    return {
        "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(),
        "seccomp": st.get("Seccomp"), "seccomp_filters": st.get("Seccomp_filters"),
        "no_new_privs": st.get("NoNewPrivs"), "cap_eff": st.get("CapEff"),
        "cap_bnd": st.get("CapBnd"), "cpus": sorted(os.sched_getaffinity(0)),
        "cgroup": "v2" if v2 else "v1", "memory_limit": mem, "memsw_limit": swap,
        "pids_limit": pids, "interfaces": ifaces, "inet_socket": inet,
        "writable": [p for p in ("/", "/tmp", "/opt/codeeff", "/dev/shm", "/var/tmp", "/dev")
                     if _writable(p)],
        "docker_sock": os.path.exists("/var/run/docker.sock"),
        "io_uring_setup": _syscall(425, 1, 0) if os.uname().machine == "x86_64" else None,
        "ptrace_attach_1": _syscall(101, 16, 1, 0, 0) if os.uname().machine == "x86_64" else None,
        "unshare_newuser": _syscall(272, 0x10000000) if os.uname().machine == "x86_64" else None,
        "fork": _fork_result(),
    }

def _fork_result():
    try:
        pid = os.fork()
    except OSError as exc:
        return f"denied ({exc.errno})"
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return "allowed"
'''


def probe_limits(sandbox: Any) -> dict[str, Any]:
    """Run :data:`PROBE_SOURCE` in ``sandbox`` as a sample and return what it saw.

    Raises:
        CodeeffError: if the probe does not come back OK.
    """
    exe = sandbox.run(Program(PROBE_SOURCE, "probe"), Payload.from_args([]),
                      Limits(cpu_s=5.0, memory_mb=256))
    if exe.verdict is not Verdict.OK or not isinstance(exe.value, dict):
        raise CodeeffError(f"the limits probe failed: {exe.verdict.value} {exe.error or ''} "
                           f"{exe.detail}".strip())
    return exe.value


def _engine_checks(client: Any) -> list[Check]:
    out = []
    version = client.version()
    info = client.info()
    out.append(Check("engine", True, f"Docker {version.get('Version')} "
                     f"(API {version.get('ApiVersion')}), runtime {info.get('DefaultRuntime')}"))
    cg = info.get("CgroupVersion") or "?"
    out.append(Check("cgroups (engine)", cg in ("1", "2"),
                     f"v{cg}, driver {info.get('CgroupDriver')}",
                     "use an engine with cgroup v1 or v2 accounting"))
    out.append(Check("storage driver", True, str(info.get("Driver")), required=False))
    host_v2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")
    host_v1 = os.path.isdir("/sys/fs/cgroup/cpuacct") or os.path.isdir("/sys/fs/cgroup/cpu,cpuacct")
    out.append(Check("cgroups (this host)", host_v1 or host_v2,
                     ", ".join(v for v, ok in (("v1 cpuacct", host_v1), ("v2", host_v2)) if ok)
                     or "none found", "mount cgroupfs", required=False))
    return out


def _inside_checks(probe: dict[str, Any], config: SandboxConfig, cpus: tuple[int, ...]
                   ) -> list[Check]:
    def chk(name: str, ok: bool, value: Any, fix: str) -> Check:
        return Check(name, bool(ok), str(value), None if ok else fix)

    fix_opts = "the container options in codeeff/sandbox/docker_backend.py were not applied"
    mem = probe.get("memory_limit")
    want_mem = config.memory_mb << 20
    return [
        chk("sample uid", probe.get("uid") == 10001 and not probe.get("groups"),
            f"uid {probe.get('uid')} gid {probe.get('gid')} groups {probe.get('groups')}",
            "the supervisor must drop children to UID 10001 (rebuild the image)"),
        chk("seccomp", probe.get("seccomp") == "2",
            f"mode {probe.get('seccomp')}, {probe.get('seccomp_filters')} filter(s)",
            "the engine must apply sandbox/seccomp.json (needs seccomp support in the kernel)"),
        chk("no-new-privileges", probe.get("no_new_privs") == "1", probe.get("no_new_privs"),
            fix_opts),
        chk("capabilities", probe.get("cap_eff") == "0000000000000000",
            f"effective {probe.get('cap_eff')}", fix_opts),
        chk("cpu pinning", tuple(probe.get("cpus") or ()) == tuple(cpus),
            f"cpus {probe.get('cpus')}", "check SandboxConfig.cpus against the engine's CPUs"),
        chk("memory limit", mem is not None and mem.isdigit() and int(mem) == want_mem
            and probe.get("memsw_limit") in (mem, "0", "max"),
            f"{mem} (memory+swap {probe.get('memsw_limit')})",
            "enable memory accounting in the kernel (cgroup_enable=memory swapaccount=1)"),
        chk("pids limit", str(probe.get("pids_limit")) == str(config.pids_limit),
            probe.get("pids_limit"), "enable the pids cgroup controller"),
        chk("network", probe.get("interfaces") == ["lo"] and "denied" in str(
            probe.get("inet_socket")),
            f"interfaces {probe.get('interfaces')}, inet socket {probe.get('inet_socket')}",
            fix_opts),
        chk("writable paths", not probe.get("writable"), probe.get("writable") or "none",
            fix_opts),
        chk("docker socket", not probe.get("docker_sock"),
            "absent" if not probe.get("docker_sock") else "PRESENT",
            "never mount /var/run/docker.sock into the sandbox"),
        chk("dangerous syscalls",
            all(probe.get(k) in (None, -1) for k in
                ("io_uring_setup", "ptrace_attach_1", "unshare_newuser")),
            f"io_uring {probe.get('io_uring_setup')}, ptrace {probe.get('ptrace_attach_1')}, "
            f"unshare {probe.get('unshare_newuser')} (-1 = EPERM)",
            "the seccomp allowlist was not applied"),
        chk("process creation", str(probe.get("fork")).startswith("denied"), probe.get("fork"),
            "the child filter is missing (unsupported architecture?)"),
    ]


def collect_checks(config: SandboxConfig | None = None,
                   progress: Callable[[str], None] | None = None) -> list[Check]:
    """Check the engine, the image and a live hardened container.

    Never raises for a missing piece: each problem becomes a failed :class:`Check`.
    """
    from codeeff.sandbox.image import find_image, image_tag

    say = progress or (lambda _m: None)
    config = config or SandboxConfig()
    checks: list[Check] = []
    try:
        import docker  # noqa: F401
    except ImportError:
        return [Check("docker-py", False, "not installed", "pip install 'docker>=7'")]
    try:
        from codeeff.sandbox.engine import docker_client

        client = docker_client(timeout=30)
    except CodeeffError as exc:
        return [Check("engine", False, exc.message, exc.hint)]
    say("engine answers")
    checks += _engine_checks(client)
    import shutil

    deb = shutil.which("debootstrap") or os.path.exists("/usr/sbin/debootstrap")
    checks.append(Check("debootstrap", bool(deb), "installed" if deb else "missing",
                        "apt-get install debootstrap (needed only to build the image)",
                        required=False))
    try:
        image = find_image(client, config.image)
        checks.append(Check("image", True, image + ("" if image == image_tag() else
                                                     f" (default recipe would be {image_tag()})")))
    except CodeeffError as exc:
        checks.append(Check("image", False, exc.message, exc.hint))
        return checks
    from codeeff.sandbox.docker_backend import DockerSandbox

    say("starting a hardened container")
    try:
        with DockerSandbox(config) as sb:
            hello = sb.info
            checks.append(Check("supervisor", True,
                                f"Python {hello.get('python')}, cgroup {hello.get('cgroup')}, "
                                f"child filter {'on' if hello.get('child_filter') else 'OFF'}"))
            checks.append(Check(
                "control channel", hello.get("channel") == "unix",
                "unix socket (frames bypass dockerd)" if hello.get("channel") == "unix" else
                "the attach socket (through dockerd)",
                "the supervisor could not connect to a socket in a bind-mounted host directory "
                "(a remote engine, or user-namespace remapping); each execution then costs "
                "~0.4 ms more of machine CPU", required=False))
            checks.append(Check(
                "immortal objects", bool(hello.get("immortal")),
                "on (children copy no page of the interpreter's or the inputs' objects)"
                if hello.get("immortal") else "off",
                f"Python {hello.get('python')} cannot mark objects immortal (3.12 and 3.13 "
                "can): every execution then copies the pages of the objects it reads, ~3 µs "
                "each; rebuild the image with the default recipe", required=False))
            checks.append(Check("cgroup CPU counter", hello.get("cgroup") is not None,
                                str(hello.get("cgroup")),
                                "the container cannot read its cgroup's CPU counter; the "
                                "outside-CPU cross-check is disabled", required=False))
            checks.append(Check("hash seed", hello.get("hash_seed") == "0",
                                str(hello.get("hash_seed")), "rebuild the image"))
            tasks, nproc = hello.get("tasks_limit"), hello.get("nproc")
            checks.append(Check(
                "thread bound", tasks is not None,
                f"pids cgroup, {tasks} tasks" if tasks is not None else
                f"RLIMIT_NPROC {nproc} (host-wide for the sample UID: sandboxes share it)",
                "the kernel has no pids controller: a sample's threads count against every "
                "sandbox's RLIMIT_NPROC; enable the pids cgroup controller",
                required=False))
            say("probing the limits from inside")
            checks += _inside_checks(probe_limits(sb), config, sb.cpus)
    except CodeeffError as exc:
        checks.append(Check("hardened container", False, exc.message,
                            exc.hint or "see the engine's log"))
    return checks
