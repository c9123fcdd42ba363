"""A second seccomp filter installed in each forked child, just before it runs sample code.

Standard library only: the supervisor loads this file next to itself inside the image.

The container-wide allowlist (``sandbox/seccomp.json``) has to let the *supervisor* fork, kill
and change UID, so it cannot forbid those to the sample. This filter narrows what the child
may do, on top of that profile (filters stack; the strictest answer wins):

* **no process creation**: ``fork``/``vfork`` and ``clone`` without ``CLONE_THREAD`` fail with
  ``EAGAIN``; ``clone3`` fails with ``ENOSYS`` so glibc falls back to ``clone`` for threads.
  Threads stay allowed (the process CPU clock charges them); a worker process would move
  work out of the measured process, so it must be impossible rather than merely detected.
* **signals only to itself**: ``kill``/``tgkill``/``rt_(tg)sigqueueinfo`` only with the child's
  own PID as target; ``tkill`` and ``pidfd_send_signal`` are denied. This stops
  ``kill(getppid())`` and ``kill(-1)`` even where the supervisor shares the sample's UID (the
  ``process`` backend). Nor can it aim SIGIO at anyone: ``fcntl`` ``F_SETOWN``,
  ``F_SETOWN_EX`` and ``F_SETSIG`` and ``ioctl`` ``FIOSETOWN`` and ``SIOCSPGRP`` fail with
  ``EPERM`` (a descriptor's owner receives a signal of the owner-setter's choosing).
* **no exec, no debugging, no namespaces, no IPC objects, no io_uring, no bpf/perf, no
  keyrings, no non-UNIX sockets**: defence in depth for the container, and the only barrier
  the ``process`` backend has against the worst of these.
* **native ABI only**: a syscall made through another ABI (i386 ``int 0x80``, x32) kills the
  process.

The filter is classic BPF assembled here by hand (no libseccomp in the image). Unknown
architectures get no filter; :func:`supported` says so and the supervisor reports it.
"""

from __future__ import annotations

import ctypes
import errno
import itertools
import platform
import struct
from typing import NamedTuple

__all__ = ["Prepared", "Template", "build", "install", "prepare", "supported", "template"]

# BPF opcodes (linux/filter.h) and seccomp return values (linux/seccomp.h).
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06
_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000

_OFF_NR = 0
_OFF_ARCH = 4
_OFF_ARG0_LO = 16  # struct seccomp_data: nr(4) arch(4) ip(8) args[6](8 each); little endian
_OFF_ARG1_LO = 24

_CLONE_THREAD = 0x00010000
_AF_UNIX = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2

# Syscall numbers for the architectures we support (from the kernel's unistd headers).
_ARCHES: dict[str, dict[str, object]] = {
    "x86_64": {
        "audit": 0xC000003E,
        "x32_bit": 0x40000000,
        "nr": {
            "clone": 56, "clone3": 435, "fork": 57, "vfork": 58,
            "execve": 59, "execveat": 322,
            "kill": 62, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
            "tkill": 200, "pidfd_send_signal": 424, "pidfd_open": 434, "pidfd_getfd": 438,
            "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
            "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
            "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
            "chroot": 161, "fsopen": 430, "fsmount": 432, "fspick": 433, "move_mount": 429,
            "open_tree": 428, "mount_setattr": 442,
            "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
            "keyctl": 250, "add_key": 248, "request_key": 249,
            "shmget": 29, "shmat": 30, "shmctl": 31, "shmdt": 67,
            "msgget": 68, "msgsnd": 69, "msgrcv": 70, "msgctl": 71,
            "semget": 64, "semop": 65, "semctl": 66, "semtimedop": 220,
            "mq_open": 240, "mq_unlink": 241, "mq_timedsend": 242, "mq_timedreceive": 243,
            "mq_notify": 244, "mq_getsetattr": 245,
            "open_by_handle_at": 304, "name_to_handle_at": 303,
            "socket": 41, "fcntl": 72, "ioctl": 16,
        },
    },
    "aarch64": {
        "audit": 0xC00000B7,
        "x32_bit": None,
        "nr": {
            "clone": 220, "clone3": 435,
            "execve": 221, "execveat": 281,
            "kill": 129, "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240,
            "tkill": 130, "pidfd_send_signal": 424, "pidfd_open": 434, "pidfd_getfd": 438,
            "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272,
            "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
            "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
            "chroot": 51, "fsopen": 430, "fsmount": 432, "fspick": 433, "move_mount": 429,
            "open_tree": 428, "mount_setattr": 442,
            "bpf": 280, "perf_event_open": 241, "userfaultfd": 282,
            "keyctl": 219, "add_key": 217, "request_key": 218,
            "shmget": 194, "shmat": 196, "shmctl": 195, "shmdt": 197,
            "msgget": 186, "msgsnd": 189, "msgrcv": 188, "msgctl": 187,
            "semget": 190, "semop": 193, "semctl": 191, "semtimedop": 192,
            "mq_open": 180, "mq_unlink": 181, "mq_timedsend": 182, "mq_timedreceive": 183,
            "mq_notify": 184, "mq_getsetattr": 185,
            "open_by_handle_at": 265, "name_to_handle_at": 264,
            "socket": 198, "fcntl": 25, "ioctl": 29,
        },
    },
}

# Denied outright, with EPERM.
_DENY = (
    "execve", "execveat", "tkill", "pidfd_send_signal", "pidfd_open", "pidfd_getfd",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "fsopen", "fsmount",
    "fspick", "move_mount", "open_tree", "mount_setattr",
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "shmget", "shmat", "shmctl", "shmdt", "msgget", "msgsnd", "msgrcv", "msgctl",
    "semget", "semop", "semctl", "semtimedop", "mq_open", "mq_unlink", "mq_timedsend",
    "mq_timedreceive", "mq_notify", "mq_getsetattr", "open_by_handle_at", "name_to_handle_at",
)
_SELF_SIGNAL = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")
# Commands (second argument) that choose which process receives SIGIO/SIGURG for a descriptor,
# or which signal that is: a descriptor owned by another process (or group) would deliver a
# signal of the sample's choosing, SIGKILL included, past the "signals only to itself" rule.
# The kernel reads both commands as 32-bit unsigned ints, so the low word is exact.
_FCNTL_SIGIO_OWNER = (8, 10, 15)  # F_SETOWN, F_SETSIG, F_SETOWN_EX
_IOCTL_SIGIO_OWNER = (0x8901, 0x8902)  # FIOSETOWN, SIOCSPGRP


def supported() -> bool:
    """Whether this machine's architecture has a filter."""
    return platform.machine() in _ARCHES


class Template(NamedTuple):
    """A filter assembled once, with the byte offset of the child-PID constant to patch."""

    code: bytes
    pid_offset: int

    def for_pid(self, pid: int) -> bytes:
        return (self.code[: self.pid_offset] + struct.pack("=I", pid & 0xFFFFFFFF)
                + self.code[self.pid_offset + 4:])


_PID_MARK = 0x7FFFFFF0


def template() -> Template:
    """Assemble the filter once (in the supervisor) so each child only patches its PID in."""
    code = build(_PID_MARK)
    for i in range(0, len(code), 8):
        if struct.unpack_from("=I", code, i + 4)[0] == _PID_MARK:
            return Template(code, i + 4)
    raise OSError(errno.EINVAL, "child filter template has no PID slot")


def build(own_pid: int) -> bytes:
    """Assemble the filter for a child whose PID is ``own_pid``.

    Returns:
        The packed ``struct sock_filter`` array.

    Raises:
        OSError: on an architecture without a syscall table here.
    """
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        raise OSError(errno.ENOSYS, f"no child filter for {platform.machine()}")
    nr: dict[str, int] = arch["nr"]  # type: ignore[assignment]
    prog: list[tuple[int, int, int, int]] = []  # (code, jt, jf, k); jt/jf may be labels first
    labels: dict[str, int] = {}
    fixups: list[tuple[int, str, str | None]] = []

    def emit(code: int, k: int, jt: str | int = 0, jf: str | int = 0) -> None:
        if isinstance(jt, str) or isinstance(jf, str):
            fixups.append((len(prog), jt if isinstance(jt, str) else "",
                           jf if isinstance(jf, str) else None))
        prog.append((code, jt if isinstance(jt, int) else 0, jf if isinstance(jf, int) else 0, k))

    def label(name: str) -> None:
        labels[name] = len(prog)

    emit(_LD_W_ABS, _OFF_ARCH)
    emit(_JEQ_K, int(arch["audit"]), 1, 0)  # type: ignore[call-overload]
    emit(_RET_K, _RET_KILL_PROCESS)
    emit(_LD_W_ABS, _OFF_NR)
    if arch["x32_bit"] is not None:
        emit(_JGE_K, int(arch["x32_bit"]), "kill", 0)  # type: ignore[call-overload]
    # Every syscall is checked against the same ~70 numbers, and the kernel checks each of
    # its ~450 numbers through the filter once at install time (to cache the constant
    # answers), so a binary search tree instead of a chain of comparisons: ~7 steps instead
    # of up to ~70, per syscall number and per child.
    special = {nr[name]: "eagain" for name in ("fork", "vfork") if name in nr}
    special |= {nr["clone3"]: "enosys", nr["clone"]: "clone", nr["socket"]: "socket",
                nr["fcntl"]: "fcntl", nr["ioctl"]: "ioctl"}
    special |= {nr[name]: "self_signal" for name in _SELF_SIGNAL}
    special |= {nr[name]: "eperm" for name in _DENY}
    nodes = itertools.count()

    def dispatch(entries: list[tuple[int, str]]) -> None:
        if len(entries) <= 3:
            for number, target in entries:
                emit(_JEQ_K, number, target, 0)
            emit(_RET_K, _RET_ALLOW)
            return
        mid = len(entries) // 2
        upper = f"node{next(nodes)}"
        emit(_JGE_K, entries[mid][0], upper, 0)
        dispatch(entries[:mid])
        label(upper)
        dispatch(entries[mid:])

    dispatch(sorted(special.items()))
    label("clone")  # threads only: CLONE_THREAD must be set in the flags (first argument)
    emit(_LD_W_ABS, _OFF_ARG0_LO)
    emit(_JSET_K, _CLONE_THREAD, "allow", "eagain")
    label("socket")  # AF_UNIX only (no network even where the host has one)
    emit(_LD_W_ABS, _OFF_ARG0_LO)
    emit(_JEQ_K, _AF_UNIX, "allow", "eperm")
    label("fcntl")  # no SIGIO owner or signal (second argument: the command)
    emit(_LD_W_ABS, _OFF_ARG1_LO)
    for cmd in _FCNTL_SIGIO_OWNER:
        emit(_JEQ_K, cmd, "eperm", 0)
    emit(_RET_K, _RET_ALLOW)
    label("ioctl")
    emit(_LD_W_ABS, _OFF_ARG1_LO)
    for cmd in _IOCTL_SIGIO_OWNER:
        emit(_JEQ_K, cmd, "eperm", 0)
    emit(_RET_K, _RET_ALLOW)
    label("self_signal")  # the target PID (first argument) must be the child itself
    emit(_LD_W_ABS, _OFF_ARG0_LO)
    emit(_JEQ_K, own_pid & 0xFFFFFFFF, "allow", "eperm")
    label("allow")
    emit(_RET_K, _RET_ALLOW)
    label("eagain")
    emit(_RET_K, _RET_ERRNO | errno.EAGAIN)
    label("enosys")
    emit(_RET_K, _RET_ERRNO | errno.ENOSYS)
    label("eperm")
    emit(_RET_K, _RET_ERRNO | errno.EPERM)
    label("kill")
    emit(_RET_K, _RET_KILL_PROCESS)

    for index, jt_label, jf_label in fixups:
        code, jt, jf, k = prog[index]
        if jt_label:
            jt = labels[jt_label] - index - 1
        if jf_label is not None:
            jf = labels[jf_label] - index - 1
        if not (0 <= jt <= 255 and 0 <= jf <= 255):
            raise OSError(errno.E2BIG, "child filter jump out of range")
        prog[index] = (code, jt, jf, k)
    return b"".join(struct.pack("=HBBI", *ins) for ins in prog)


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def install(own_pid: int, libc: ctypes.CDLL, prepared: Template | None = None) -> None:
    """Install the filter in the calling process (sets ``no_new_privs`` first).

    Args:
        own_pid: The PID of the calling process (signals are allowed only to it).
        libc: A ``ctypes.CDLL(None, use_errno=True)`` loaded before fork, so the child does not
            pay for loading it.
        prepared: A :func:`template` made before fork (cheaper than assembling again).

    Raises:
        OSError: if the kernel refuses the filter.
    """
    code = prepared.for_pid(own_pid) if prepared is not None else build(own_pid)
    buf = ctypes.create_string_buffer(code, len(code))
    fprog = _SockFprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "prctl(PR_SET_SECCOMP) failed")


class Prepared:
    """A filter laid out in C memory before fork, so a child only patches its PID and installs.

    Building the ``sock_fprog`` in the child (ctypes objects, a fresh buffer) costs a few hundred
    microseconds of copy-on-write faults on every execution; here it is done once.
    """

    __slots__ = ("_buf", "_fprog", "_pid_addr", "_prctl", "_ref")

    def __init__(self, tpl: Template, libc: ctypes.CDLL) -> None:
        self._buf = ctypes.create_string_buffer(tpl.code, len(tpl.code))
        self._fprog = _SockFprog(len(tpl.code) // 8, ctypes.addressof(self._buf))
        self._ref = ctypes.byref(self._fprog)
        self._pid_addr = ctypes.addressof(self._buf) + tpl.pid_offset
        self._prctl = libc.prctl  # resolved now: the child must not pay for dlsym

    def install(self, own_pid: int) -> None:
        """Patch ``own_pid`` in and install the filter in the calling process.

        Raises:
            OSError: if the kernel refuses the filter.
        """
        ctypes.memmove(self._pid_addr, struct.pack("=I", own_pid & 0xFFFFFFFF), 4)
        if self._prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if self._prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, self._ref, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


def prepare(libc: ctypes.CDLL, tpl: Template | None = None) -> Prepared:
    """Lay out the filter (from ``tpl`` or a fresh :func:`template`) for cheap installs."""
    return Prepared(tpl if tpl is not None else template(), libc)
