"""The red-team suite: hostile programs against the real sandbox.

Each case runs in the shared sandbox of its backend with small limits and must be contained,
get the right verdict, leave the host unaffected, and leave the sandbox measuring normally:
the next execution of a known small function is OK and its CPU time is back near the
baseline taken before any attack. The same cases run against the ``process`` backend where
that is safe; its gaps are declared with reasons (it is not a security boundary).

Network probes use only the loopback address.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from _sandbox_procs import container_processes

from codeeff.sandbox import Execution, Limits, Payload, Program, Sandbox, Verdict

SMALL = Limits(cpu_s=1.0, wall_s=3.0, memory_mb=128, result_bytes=1 << 20)
CPU_BOUND = Limits(cpu_s=1.0, wall_s=20.0, memory_mb=128, result_bytes=1 << 20)
"""For cases that must end at the CPU limit: on a shared core the child may get a third of the
CPU or less, and the wall limit of :data:`SMALL` would fire first (seen at load 5 on 2 cores)."""
V = Verdict


def _memory_error_if_raised(exe: Execution) -> None:
    if exe.verdict is V.RUNTIME_ERROR:
        assert exe.error == "SystemError", exe


@dataclass(frozen=True)
class Case:
    """One attack: the program, what must come back, and where it cannot be tested."""

    name: str
    source: str
    verdicts: frozenset[Verdict]
    error: str | None = None
    check: Callable[[Execution], Any] | None = None
    args: tuple[Any, ...] = ()
    limits: Limits = SMALL
    process_gap: str | None = None
    """Why the process backend cannot contain this (skip reason), if it cannot."""
    repeat: int = 1
    """Run this many times in a row (for state kept between repetitions)."""


def _value(expected: Any) -> Callable[[Execution], None]:
    def check(exe: Execution) -> None:
        assert exe.value == expected, exe

    return check


def _all_denied(exe: Execution) -> None:
    assert isinstance(exe.value, dict), exe
    allowed = {k: v for k, v in exe.value.items() if v == "allowed"}
    assert not allowed, f"allowed: {allowed}"


def _cpu_at_least(seconds: float) -> Callable[[Execution], None]:
    """At least ``seconds`` charged: each case's work takes three times that or more on a fast
    machine (the escape it tests would read near 0)."""
    def check(exe: Execution) -> None:
        assert exe.cpu_s >= seconds, f"only {exe.cpu_s:.3f} s of CPU charged: {exe}"

    return check


PROBE_HELPERS = '''
import ctypes, errno, os
def outcome(fn, *args):
    try:
        fn(*args)
        return "allowed"
    except BaseException as exc:
        return type(exc).__name__
def syscall(nr, *args):
    libc = ctypes.CDLL(None, use_errno=True)
    ret = libc.syscall(nr, *[ctypes.c_long(a) for a in args])
    return "allowed" if ret >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
'''

CANARY = f"/tmp/codeeff-canary-{uuid.uuid4().hex}"

CASES = [
    Case("fork bomb",
         "import os\ndef f():\n    while True:\n        os.fork()\n",
         frozenset({V.RUNTIME_ERROR}), error="BlockingIOError"),
    Case("fork via subprocess",
         "import subprocess\ndef f():\n    return subprocess.run(['/bin/true']).returncode\n",
         frozenset({V.RUNTIME_ERROR})),
    Case("multiprocessing pool",
         "import multiprocessing\ndef f():\n    with multiprocessing.Pool(2) as p:\n"
         "        return p.map(abs, [1, 2])\n",
         frozenset({V.RUNTIME_ERROR})),
    Case("thread bomb",
         "import threading, time\ndef f():\n    ts = []\n    while True:\n"
         "        t = threading.Thread(target=time.sleep, args=(30,), daemon=True)\n"
         "        t.start()\n        ts.append(t)\n",
         frozenset({V.RUNTIME_ERROR, V.OUT_OF_MEMORY})),
    Case("memory bomb",
         "def f():\n    a = []\n    while True:\n        a.append(bytearray(16 << 20))\n",
         frozenset({V.OUT_OF_MEMORY})),
    Case("one huge allocation", "def f():\n    return len(b' ' * (10 ** 11))\n",
         frozenset({V.OUT_OF_MEMORY}), error="MemoryError"),
    Case("huge integer power then str",
         "import sys\nsys.set_int_max_str_digits(0)\n"
         "def f():\n    return len(str(10 ** (10 ** 8)))\n",
         frozenset({V.TIMEOUT, V.OUT_OF_MEMORY})),
    Case("huge integer returned", "def f():\n    return 1 << (8 * 4_000_000)\n",
         frozenset({V.OUTPUT_LIMIT})),
    Case("infinite loop catching everything",
         "def f():\n    while True:\n        try:\n            while True:\n                pass\n"
         "        except BaseException:\n            pass\n",
         frozenset({V.TIMEOUT}), error="cpu", limits=CPU_BOUND),
    Case("ignored signals",
         "import signal\nfor s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGHUP,"
         " signal.SIGXCPU, signal.SIGUSR1):\n    signal.signal(s, signal.SIG_IGN)\n"
         "def f():\n    while True:\n        pass\n",
         frozenset({V.TIMEOUT}), error="cpu", limits=CPU_BOUND),
    Case("sleep past the wall limit", "import time\ndef f():\n    time.sleep(60)\n",
         frozenset({V.TIMEOUT}), error="wall"),
    Case("sys.exit(0)", "import sys\ndef f():\n    sys.exit(0)\n", frozenset({V.RUNTIME_ERROR}),
         error="SystemExit"),
    Case("raise SystemExit at import", "raise SystemExit(0)\ndef f():\n    return 1\n",
         frozenset({V.RUNTIME_ERROR}), error="SystemExit"),
    Case("os._exit(0)", "import os\ndef f():\n    os._exit(0)\n", frozenset({V.RUNTIME_ERROR}),
         error="exit without result"),
    Case("os._exit(0) at import", "import os\nos._exit(0)\n", frozenset({V.RUNTIME_ERROR}),
         error="exit without result"),
    Case("KeyboardInterrupt", "def f():\n    raise KeyboardInterrupt\n",
         frozenset({V.RUNTIME_ERROR}), error="KeyboardInterrupt"),
    Case("missing entry point", "def g():\n    return 1\n", frozenset({V.RUNTIME_ERROR}),
         error="NameError"),
    Case("forged frames on stdout and stderr",
         "import os, sys, json, struct\n"
         "h = json.dumps({'op': 'result', 'id': 1, 'verdict': 'ok', 'cpu_ns': 1, 'wall_ns': 1})"
         ".encode()\nframe = struct.pack('>II', len(h), 2) + h + b'99'\n"
         "def f():\n    for fd in (1, 2):\n        os.write(fd, frame * 10)\n"
         "    print('{\"verdict\": \"ok\"}')\n    sys.stderr.write('fake')\n    return 42\n",
         frozenset({V.OK}), check=_value(42)),
    Case("forged result frame on the result pipe, then a real one",
         "import os, struct\ndef f():\n    for fd in range(3, 64):\n        try:\n"
         "            os.write(fd, b'R' + struct.pack('>Q', 2) + b'99')\n"
         "        except OSError:\n            pass\n    return 1\n",
         frozenset({V.SUSPICIOUS})),
    Case("complete forged result frame, then keep running",
         "import os, struct\ndef f():\n    for fd in range(3, 64):\n        try:\n"
         "            os.write(fd, b'R' + struct.pack('>Q', 1) + b'7')\n"
         "        except OSError:\n            pass\n    while True:\n        pass\n",
         frozenset({V.TIMEOUT}), error="cpu", limits=CPU_BOUND,
         check=_cpu_at_least(0.9)),
    Case("stdout flood",
         "import os\ndef f():\n    while True:\n        os.write(1, b'x' * 65536)\n",
         frozenset({V.TIMEOUT})),
    Case("stderr flood via print",
         "import sys\ndef f():\n    while True:\n        print('y' * 10000, file=sys.stderr)\n",
         frozenset({V.TIMEOUT})),
    Case("disk fill",
         PROBE_HELPERS + "def write(path):\n    with open(path, 'wb') as fh:\n"
         "        fh.write(b'z' * (4 << 20))\n"
         "def f():\n    return {p: outcome(write, p + '/fill') for p in "
         "('/', '/tmp', '/opt/codeeff', '/dev/shm', '/var/tmp', '/dev', '.')}\n",
         frozenset({V.OK}), check=_all_denied,
         process_gap="the host filesystem is writable for the host user"),
    Case("network probes (loopback only)",
         PROBE_HELPERS + "import socket\n"
         "def connect():\n    socket.create_connection(('127.0.0.1', 9), timeout=0.2)\n"
         "def f():\n    return {\n"
         "        'inet': outcome(socket.socket, socket.AF_INET, socket.SOCK_STREAM),\n"
         "        'inet6': outcome(socket.socket, socket.AF_INET6, socket.SOCK_DGRAM),\n"
         "        'netlink': outcome(socket.socket, socket.AF_NETLINK, socket.SOCK_RAW),\n"
         "        'packet': outcome(socket.socket, socket.AF_PACKET, socket.SOCK_RAW),\n"
         "        'connect': outcome(connect),\n    }\n",
         frozenset({V.OK}), check=_all_denied),
    Case("host files and secrets",
         PROBE_HELPERS + "def read(p):\n    with open(p, 'rb') as fh:\n        fh.read(1)\n"
         "def f():\n    return {p: outcome(read, p) for p in ('/etc/shadow', "
         f"'/var/run/docker.sock', '/run/docker.sock', '/proc/1/environ', '{CANARY}', "
         "'/proc/kcore', '/proc/1/mem', f'/proc/{os.getppid()}/environ', "
         "f'/proc/{os.getppid()}/fd/0', f'/proc/{os.getppid()}/mem')}\n",
         frozenset({V.OK}), check=_all_denied,
         process_gap="the host user's files are readable"),
    Case("ptrace, io_uring, unshare, SysV and kernel interfaces",
         PROBE_HELPERS + "def f():\n    ppid = os.getppid()\n    return {\n"
         "        'ptrace_attach_parent': syscall(101, 16, ppid, 0, 0),\n"
         "        'ptrace_traceme': syscall(101, 0, 0, 0, 0),\n"
         "        'process_vm_readv': syscall(310, ppid, 0, 0, 0, 0, 0),\n"
         "        'io_uring_setup': syscall(425, 1, 0),\n"
         "        'unshare_user': syscall(272, 0x10000000),\n"
         "        'unshare_net': syscall(272, 0x40000000),\n"
         "        'setns': syscall(308, 0, 0),\n"
         "        'shmget': syscall(29, 0, 4096, 0o1600),\n"
         "        'msgget': syscall(68, 0, 0o1600),\n"
         "        'semget': syscall(64, 0, 1, 0o1600),\n"
         "        'mq_open': syscall(240, 0, 0, 0, 0),\n"
         "        'perf_event_open': syscall(298, 0, 0, -1, -1, 0),\n"
         "        'bpf': syscall(321, 0, 0, 0),\n"
         "        'keyctl': syscall(250, 0, 0, 0, 0, 0),\n"
         "        'userfaultfd': syscall(323, 0),\n"
         "        'pidfd_open_parent': syscall(434, ppid, 0),\n"
         "        'kcmp': syscall(312, ppid, os.getpid(), 0, 0, 0),\n"
         "        'execve': outcome(os.execv, '/bin/true', ['true']),\n"
         "        'mount': syscall(165, 0, 0, 0, 0, 0),\n"
         "        'chroot': syscall(161, 0),\n    }\n",
         frozenset({V.OK}), check=_all_denied),
    Case("kill the parent and everything",
         PROBE_HELPERS + "import signal\ndef f():\n    return {\n"
         "        'parent': outcome(os.kill, os.getppid(), signal.SIGKILL),\n"
         "        'init': outcome(os.kill, 1, signal.SIGKILL),\n"
         "        'group0': outcome(os.kill, 0, signal.SIGKILL),\n"
         "        'pidfd_parent': syscall(424, 0, 9, 0, 0),\n"
         "        'tkill_parent': syscall(200, os.getppid(), 9),\n"
         "    }\n",
         frozenset({V.OK}), check=_all_denied),
    Case("kill(-1, SIGKILL)", "import os, signal\ndef f():\n    os.kill(-1, signal.SIGKILL)\n",
         frozenset({V.RUNTIME_ERROR}), error="PermissionError"),
    Case("patched clocks do not change measured time",
         "import time\n_t = time.time\ntime.time = lambda: 0.0\ntime.perf_counter = lambda: 0.0\n"
         "time.process_time = lambda: 0.0\ntime.monotonic = lambda: 0.0\n"
         "def f():\n    x = 0\n    for i in range(10_000_000):\n        x += i\n    return x\n",
         frozenset({V.OK}), check=_cpu_at_least(0.05)),
    Case("state between repetitions: builtins and module globals",
         "import builtins\nbuiltins.counter = getattr(builtins, 'counter', 0) + 1\n_seen = []\n"
         "def f():\n    _seen.append(1)\n    return [builtins.counter, len(_seen)]\n",
         frozenset({V.OK}), check=_value([1, 1]), repeat=3),
    Case("state between repetitions: files",
         "import os\ndef f():\n    for d in ('/tmp', '/var/tmp', '/dev/shm', '.'):\n"
         "        p = d + '/codeeff-state'\n"
         "        if os.path.exists(p):\n            return 'seen'\n"
         "        try:\n            open(p, 'w').close()\n"
         "        except OSError:\n            pass\n"
         "    return 'fresh'\n",
         frozenset({V.OK}), check=_value("fresh"), repeat=2,
         process_gap="the host filesystem is writable for the host user"),
    Case("work moved to threads is charged",
         "import threading\ndef spin():\n    x = 0\n"
         "    for i in range(6_000_000):\n        x += i\n"
         "def f():\n    ts = [threading.Thread(target=spin) for _ in range(4)]\n"
         "    for t in ts:\n        t.start()\n    for t in ts:\n        t.join()\n    return 4\n",
         frozenset({V.OK}), check=_cpu_at_least(0.1), limits=Limits(cpu_s=5, memory_mb=256)),
    Case("import-time work is charged",
         "TABLE = sum(i * i for i in range(6_000_000))\ndef f():\n    return TABLE\n",
         frozenset({V.OK}), check=_cpu_at_least(0.05), limits=Limits(cpu_s=5, memory_mb=256)),
    Case("lingering spinner threads after return",
         "import threading\ndef spin():\n    while True:\n        pass\n"
         "def f():\n    for _ in range(4):\n"
         "        threading.Thread(target=spin, daemon=True).start()\n"
         "    return 1\n",
         frozenset({V.OK}), check=_value(1)),
    Case("daemonise (setsid + double fork)",
         "import os\ndef f():\n    if os.fork() == 0:\n        os.setsid()\n"
         "        if os.fork() == 0:\n"
         "            while True:\n                pass\n        os._exit(0)\n    return 1\n",
         frozenset({V.RUNTIME_ERROR}), error="BlockingIOError"),
    Case("lying __eq__ and __iter__ on the result",
         "class L(list):\n    def __eq__(self, o):\n        return True\n"
         "    def __iter__(self):\n        raise RuntimeError('no')\n"
         "class I(int):\n    def __eq__(self, o):\n        return True\n"
         "class D(dict):\n    def items(self):\n        raise RuntimeError('no')\n"
         "def f():\n    return [L([1, 2]), I(3), D(a=1)]\n",
         frozenset({V.OK}), check=_value([[1, 2], 3, {"a": 1}])),
    Case("result with huge nesting",
         "def f():\n    x = []\n    for _ in range(100_000):\n        x = [x]\n    return x\n",
         frozenset({V.RUNTIME_ERROR}), error="UnencodableResult"),
    Case("unencodable result (a function)", "def f():\n    return f\n",
         frozenset({V.RUNTIME_ERROR}), error="UnencodableResult"),
    Case("object with __reduce__ as result",
         "import os\nclass P:\n    def __reduce__(self):\n        return (os.system, ('true',))\n"
         "def f():\n    return P()\n",
         frozenset({V.RUNTIME_ERROR}), error="UnencodableResult"),
    Case("oversized string result", "def f():\n    return 'a' * (2 << 20)\n",
         frozenset({V.OUTPUT_LIMIT})),
    Case("garbage on the result pipe then _exit(0)",
         "import os\ndef f():\n    for fd in range(3, 64):\n        try:\n"
         "            os.write(fd, b'R' + (5).to_bytes(8, 'big') + b'{{{{{')\n"
         "        except OSError:\n            pass\n    os._exit(0)\n",
         frozenset({V.SUSPICIOUS})),
    Case("segfault", "import ctypes\ndef f():\n    return ctypes.string_at(0)\n",
         frozenset({V.CRASHED}), error="SIGSEGV"),
    Case("abort", "import os\ndef f():\n    os.abort()\n", frozenset({V.CRASHED}), error="SIGABRT"),
    Case("plain recursion", "def f(n=0):\n    return f(n + 1)\n", frozenset({V.RUNTIME_ERROR}),
         error="RecursionError"),
    # It exhausts the 128 MB at about the CPU limit (1 s), so either may come first. On
    # CPython 3.11 a frame stack that cannot grow raises "SystemError: error return without
    # exception set" rather than MemoryError: that is the memory limit too.
    Case("runaway recursion with the limit lifted",
         "import sys\nsys.setrecursionlimit(10 ** 8)\ndef f(n=0):\n    return f(n + 1)\n",
         frozenset({V.OUT_OF_MEMORY, V.CRASHED, V.TIMEOUT, V.RUNTIME_ERROR}),
         check=_memory_error_if_raised),
    Case("C-level recursion", "def f():\n    x = []\n    for _ in range(10 ** 6):\n"
         "        x = [x]\n    return len(repr(x))\n",
         frozenset({V.RUNTIME_ERROR, V.CRASHED, V.OUT_OF_MEMORY})),
]


def _run_case(sandbox: Sandbox, case: Case) -> list[Execution]:
    program = Program(case.source, "f")
    payload = Payload.from_args(list(case.args))
    return [sandbox.run(program, payload, case.limits) for _ in range(case.repeat)]


def _assert_case(case: Case, executions: list[Execution]) -> None:
    for exe in executions:
        assert exe.verdict in case.verdicts, f"{case.name}: {exe}"
        if case.error is not None:
            assert exe.error == case.error, f"{case.name}: {exe}"
        if case.check is not None:
            case.check(exe)
        # Limits were enforced from outside: nothing ran much past its limit.
        assert exe.cpu_s <= case.limits.cpu_s + 0.5, exe
        assert exe.wall_s <= case.limits.effective_wall_s + 1.0, exe


def _assert_measures_normally(sandbox: Sandbox, baseline: float,
                              measure: Callable[..., float]) -> None:
    # CPU time is robust to load on the shared core; the bound is generous on purpose: it
    # catches a sandbox left broken or slowed by an attack, not ordinary noise.
    after = measure(sandbox, reps=3)
    assert after <= 2.0 * baseline + 0.005, f"known function now {after:.4f} s, was {baseline:.4f}"


@pytest.fixture(scope="module")
def canary() -> Any:
    with open(CANARY, "w") as fh:
        fh.write("secret")
    yield CANARY
    os.unlink(CANARY)


@pytest.mark.docker
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_docker(docker_sandbox: Sandbox, docker_baseline: float, canary: str,
                measure_known: Callable[..., float], case: Case) -> None:
    executions = _run_case(docker_sandbox, case)
    _assert_case(case, executions)
    # Host unaffected: the canary is intact; nothing of the sample's UID is left running in
    # the container (if it was recycled, the old container is gone altogether).
    with open(canary) as fh:
        assert fh.read() == "secret"
    container_id = getattr(docker_sandbox, "container_id", None)
    if container_id is not None:
        left = [p for p in container_processes(container_id) if p[1] == 10001]
        assert not left, left
    _assert_measures_normally(docker_sandbox, docker_baseline, measure_known)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_process(process_sandbox: Sandbox, process_baseline: float, canary: str,
                 measure_known: Callable[..., float], case: Case) -> None:
    if case.process_gap:
        pytest.skip(f"process backend gap: {case.process_gap}")
    executions = _run_case(process_sandbox, case)
    _assert_case(case, executions)
    with open(canary) as fh:
        assert fh.read() == "secret"
    _assert_measures_normally(process_sandbox, process_baseline, measure_known)


@pytest.mark.docker
def test_docker_cgroup_oom_is_out_of_memory(docker_image: str,
                                            measure_known: Callable[..., float]) -> None:
    """A child allowed more than the container has is stopped by the cgroup OOM killer."""
    from codeeff.sandbox import SandboxConfig, open_sandbox

    src = "def f():\n    a = []\n    while True:\n        a.append(bytearray(8 << 20))\n"
    with open_sandbox(SandboxConfig(image=docker_image, memory_mb=192)) as sb:
        exe = sb.run(Program(src, "f"), Payload.from_args([]),
                     Limits(cpu_s=3, wall_s=10, memory_mb=4096))
        assert exe.verdict is Verdict.OUT_OF_MEMORY, exe
        assert exe.error == "oom_kill", exe
        assert measure_known(sb, reps=1) > 0


@pytest.mark.docker
def test_docker_no_sample_output_reaches_the_daemon(docker_sandbox: Sandbox) -> None:
    """Containers log nothing: the flood cases leave no container log on the host."""
    container_id = getattr(docker_sandbox, "container_id", None)
    if container_id is None:
        docker_sandbox.start()  # type: ignore[attr-defined]
        container_id = docker_sandbox.container_id  # type: ignore[attr-defined]
    proc = subprocess.run(["docker", "logs", container_id], capture_output=True, text=True,
                          check=False)
    assert "configured logging driver does not support reading" in proc.stderr \
        or (proc.stdout == "" and proc.returncode != 0), proc


REFERENCE = Program("def solve(n):\n    # expert reference, never to be shown to a sample\n"
                    "    return n * (n - 1) // 2\n", "solve")
REFERENCE_THIEF = Program(
    "import sys\n"
    "def solve(n):\n"
    "    f = sys._getframe()\n"
    "    while f is not None:\n"
    "        progs = f.f_locals.get('programs')\n"
    "        for prog, _size in getattr(progs, 'items', {}).values():\n"
    "            if 'expert reference' in prog.source:\n"
    "                ns = {}\n"
    "                exec(prog.source, ns)\n"
    "                return ['stolen', ns[prog.entry_point](n)]\n"
    "        f = f.f_back\n"
    "    return ['not found', None]\n",
    "solve",
)


@pytest.mark.parametrize("backend", ["docker", "process"])
def test_staged_reference_is_out_of_a_samples_reach(backend: str,
                                                    request: pytest.FixtureRequest) -> None:
    """Regression: a sample could walk its frames to the supervisor's ``programs`` LRU and run
    the staged reference's source, getting its answer at its speed. Each child now drops the
    other staged programs before READY. (Raw-memory scans for a program staged in the same
    sandbox are closed by the engine, which never stages the reference beside a sample; see
    ``test_staged_reference_source_is_not_in_a_sample_address_space``.)"""
    if backend == "docker":
        request.applymarker(pytest.mark.docker)
    sandbox: Sandbox = request.getfixturevalue(f"{backend}_sandbox")
    payload = Payload.from_args([1000])
    assert sandbox.run(REFERENCE, payload, SMALL).value == 499500
    exe = sandbox.run(REFERENCE_THIEF, payload, SMALL)
    assert exe.verdict is Verdict.OK, exe
    assert exe.value[0] == "not found", exe
