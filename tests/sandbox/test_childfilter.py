"""The child's seccomp filter, run through a classic-BPF interpreter for every syscall number.

The red-team tests check the installed filter in a real container for the calls a sample
would try; this checks the assembled program against the rules it encodes for *every* number
and the arguments that matter, on each architecture it supports, without a kernel.
"""

from __future__ import annotations

import errno
import struct

import pytest

from codeeff.sandbox import childfilter

PID = 4242
ALLOW = 0x7FFF0000
KILL = 0x80000000


def _errno(e: int) -> int:
    return 0x00050000 | e


def run_bpf(code: bytes, nr: int, arch: int, args: tuple[int, ...] = (0, 0)) -> tuple[int, int]:
    """Interpret a classic-BPF seccomp program on one ``struct seccomp_data``: its answer and
    the number of instructions it took."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, *(args + (0,) * (6 - len(args))))
    prog = [struct.unpack_from("=HBBI", code, i) for i in range(0, len(code), 8)]
    acc, pc, steps = 0, 0, 0
    while True:
        steps += 1
        assert steps <= len(prog), "a BPF program cannot loop"
        op, jt, jf, k = prog[pc]
        pc += 1
        if op == 0x20:  # LD W ABS
            acc = struct.unpack_from("<I", data, k)[0]
        elif op == 0x06:  # RET K
            return k, steps
        elif op in (0x15, 0x35, 0x45):  # JEQ, JGE, JSET with K
            taken = {0x15: acc == k, 0x35: acc >= k, 0x45: bool(acc & k)}[op]
            pc += jt if taken else jf
        else:
            raise AssertionError(f"unexpected opcode {op:#x}")
        assert pc < len(prog), "jumped past the end"


def expected(name: str | None, args: tuple[int, int]) -> int:
    """The rules of the module docstring, written out plainly, for the syscall ``name``."""
    if name in ("fork", "vfork"):
        return _errno(errno.EAGAIN)
    if name == "clone3":
        return _errno(errno.ENOSYS)
    if name == "clone":
        return ALLOW if args[0] & 0x00010000 else _errno(errno.EAGAIN)
    if name == "socket":
        return ALLOW if args[0] == 1 else _errno(errno.EPERM)
    if name == "fcntl":
        return _errno(errno.EPERM) if args[1] in (8, 10, 15) else ALLOW
    if name == "ioctl":
        return _errno(errno.EPERM) if args[1] in (0x8901, 0x8902) else ALLOW
    if name in ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        return ALLOW if args[0] == PID else _errno(errno.EPERM)
    if name is not None:
        return _errno(errno.EPERM)
    return ALLOW


ARG_CASES = [(0, 0), (1, 0), (PID, 8), (2, 10), (0x00010000 | 0x100, 15), (PID, 0x8901),
             (3, 0x8902), (1, 1), (PID + 1, 0x541B)]


@pytest.mark.parametrize("machine", sorted(childfilter._ARCHES))
def test_filter_answers_every_syscall_as_its_rules_say(machine: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(childfilter.platform, "machine", lambda: machine)
    arch = childfilter._ARCHES[machine]
    table: dict[str, int] = arch["nr"]  # type: ignore[assignment]
    code = childfilter.build(PID)
    assert len(code) // 8 < 4096  # the kernel's BPF_MAXINSNS
    audit = int(arch["audit"])  # type: ignore[call-overload]
    by_nr = {v: k for k, v in table.items()}
    mismatches = []
    for nr in range(0, 600):
        for args in ARG_CASES:
            got, _ = run_bpf(code, nr, audit, args)
            if got != expected(by_nr.get(nr), args):
                mismatches.append((nr, args, hex(got)))
    assert not mismatches, mismatches[:10]
    # Another ABI is killed outright: a foreign audit arch, and x32 numbers on x86_64.
    assert run_bpf(code, 39, 0x40000003)[0] == KILL
    if arch["x32_bit"] is not None:
        assert run_bpf(code, 0x40000000 | 39, audit)[0] == KILL


def test_an_ordinary_syscall_takes_a_short_path() -> None:
    """The kernel checks each of ~450 numbers through the filter at every install (one per
    child), so the dispatch is a search tree, not a chain of ~70 comparisons."""
    if not childfilter.supported():
        pytest.skip("no child filter for this machine")
    code = childfilter.build(PID)
    arch = childfilter._ARCHES[childfilter.platform.machine()]
    audit = int(arch["audit"])  # type: ignore[call-overload]
    assert max(run_bpf(code, nr, audit)[1] for nr in range(0, 600)) <= 16
