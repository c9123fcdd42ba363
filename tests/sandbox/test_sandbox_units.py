"""Unit tests of the sandbox's pieces that need no engine: frames, verdicts, filter, recipe."""

from __future__ import annotations

import hashlib
import os
import signal
import struct
from pathlib import Path

import pytest

from codeeff.sandbox import Limits, SandboxConfig, Verdict, childfilter, supervisor, wire
from codeeff.sandbox._channel import FrameParser
from codeeff.sandbox._supervised import DecodedValues, to_execution
from codeeff.sandbox.check import _inside_checks
from codeeff.sandbox.image import IMAGE_REPOSITORY, debian_mirror, image_tag
from codeeff.sandbox.supervisor import FrameError, pack_frame

LIM = supervisor._Limits(cpu_ns=10**9, wall_ns=3 * 10**9, memory_bytes=1 << 28,
                         result_bytes=100)


def _status_of(child: str) -> int:
    """The wait status of a real child that exits or dies as described."""
    pid = os.fork()
    if pid == 0:
        if child == "exit0":
            os._exit(0)
        if child == "exit3":
            os._exit(3)
        os.kill(os.getpid(), getattr(signal, child))
        os._exit(99)
    return os.waitpid(pid, 0)[1]


def _frame(tag: bytes, payload: bytes) -> bytes:
    return tag + struct.pack(">Q", len(payload)) + payload


@pytest.mark.parametrize(("status", "killed", "frame", "expected"), [
    ("exit0", None, _frame(b"R", b"[1]"), ("ok", None)),
    ("exit0", None, _frame(b"E", b"ValueError"), ("runtime_error", "ValueError")),
    ("exit0", None, _frame(b"E", b"MemoryError"), ("out_of_memory", "MemoryError")),
    ("exit0", None, _frame(b"O", b""), ("output_limit", "result")),
    ("exit0", None, _frame(b"W", b"WireError"), ("runtime_error", "UnencodableResult")),
    ("exit0", None, b"", ("runtime_error", "exit without result")),
    ("exit3", None, _frame(b"R", b"[1]"), ("runtime_error", "exit without result")),
    ("exit0", None, _frame(b"R", b"[1]") + b"extra", ("suspicious", "malformed result")),
    ("exit0", None, _frame(b"X", b""), ("suspicious", "malformed result")),
    ("exit0", None, _frame(b"E", b"<script>\n"), ("runtime_error", "script")),
    ("SIGTERM", None, b"", ("crashed", "SIGTERM")),
    ("SIGKILL", None, b"", ("crashed", "SIGKILL")),
    ("SIGKILL", "cpu", b"", ("timeout", "cpu")),
    ("SIGKILL", "wall", b"", ("timeout", "wall")),
    ("SIGKILL", "output", b"", ("output_limit", "result")),
])
def test_classify(status: str, killed: str | None, frame: bytes,
                  expected: tuple[str, str | None]) -> None:
    info = _received(frame).info() if not killed else None
    verdict, error, _ = supervisor._classify(_status_of(status), killed, info, LIM,
                                             oom_delta=0, cpu_ns=0)
    assert (verdict, error) == expected


def _received(data: bytes, cap: int = 1 << 16) -> supervisor._ResultBuffer:
    """A result buffer filled from a real pipe carrying ``data``."""
    buf = supervisor._ResultBuffer(cap)
    r, w = os.pipe()
    try:
        os.write(w, data)
        os.close(w)
        while not buf.over and buf.fill(r):
            pass
    finally:
        os.close(r)
    return buf


def test_result_buffer_reads_only_the_header_of_a_result() -> None:
    buf = _received(_frame(b"R", b"[1,2,3]"))
    info = buf.info()
    assert (info.tag, info.length, info.got, info.name) == (b"R", 7, 16, b"")
    assert buf.frame_end() == 16 and buf.body_size == 7
    r, w = os.pipe()
    buf.send_body(w)
    os.close(w)
    assert os.read(r, 100) == b"[1,2,3]"
    os.close(r)
    buf.close()
    buf.close()  # idempotent
    assert buf.map.closed


def test_result_buffer_flags_overflow() -> None:
    buf = _received(b"R" + b"x" * 100, cap=50)
    assert buf.over and buf.got == 51
    buf.close()


def test_classify_oom_kill_and_rlimit_cpu() -> None:
    killed = _status_of("SIGKILL")
    assert supervisor._classify(killed, None, None, LIM, oom_delta=1, cpu_ns=0)[0] == \
        "out_of_memory"
    assert supervisor._classify(killed, None, None, LIM, oom_delta=0, cpu_ns=2 * 10**9)[:2] == \
        ("timeout", "cpu")


def test_limits_from_header_are_validated() -> None:
    ok = {"cpu_s": 1, "wall_s": 2, "memory_mb": 64, "result_bytes": 10}
    assert supervisor._Limits.from_header(ok).cpu_ns == 10**9
    for bad in ({**ok, "cpu_s": -1}, {**ok, "wall_s": 0}, {**ok, "memory_mb": 0}, {"cpu_s": 1}):
        with pytest.raises((ValueError, KeyError)):
            supervisor._Limits.from_header(bad)


def test_frame_parser_handles_partial_frames_and_caps() -> None:
    data = pack_frame({"op": "x", "id": 1}, b"body") + pack_frame({"op": "y"})
    parser = FrameParser(max_body=10)
    for i in range(len(data)):
        parser.feed(data[i:i + 1])
    assert parser.next() == ({"op": "x", "id": 1}, b"body")
    assert parser.next() == ({"op": "y"}, b"")
    assert parser.next() is None
    parser.feed(struct.pack(">II", 2, 11))
    with pytest.raises(FrameError):
        parser.next()
    bad = FrameParser(max_body=10)
    bad.feed(struct.pack(">II", 2, 0) + b"[]")
    with pytest.raises(FrameError):
        bad.next()


def test_lru_is_bounded_by_bytes() -> None:
    lru = supervisor._LRU(budget=10)
    lru.put("a", 1, 4)
    lru.put("b", 2, 4)
    assert lru.get("a") == 1  # a is now the most recent
    lru.put("c", 3, 4)
    assert lru.get("b") is None and lru.get("a") == 1 and lru.get("c") == 3
    assert lru.used <= 10


def test_malformed_value_from_the_sandbox_is_suspicious() -> None:
    report = {"verdict": "ok", "cpu_ns": 1000, "wall_ns": 2000, "cgroup_ns": None,
              "maxrss_kb": 10}
    good = to_execution(report, wire.encode([1, (2, 3)]), Limits())
    assert good.verdict is Verdict.OK and good.value == [1, (2, 3)]
    assert good.peak_rss_bytes == 10240 and good.cpu_s == 1e-6
    bad = to_execution(report, b"{not json", Limits())
    assert bad.verdict is Verdict.SUSPICIOUS and bad.value is None
    big = to_execution(report, wire.encode("x" * 100), Limits(result_bytes=10))
    assert big.verdict is Verdict.SUSPICIOUS


def test_results_are_digested_on_the_host_and_decoded_once() -> None:
    report = {"verdict": "ok", "cpu_ns": 1000, "wall_ns": 2000}
    values = DecodedValues(entries=2)
    body = wire.encode([1, [2.5, float("nan")], {"a": (3,)}])
    first = to_execution(report, body, Limits(), values)
    again = to_execution(report, bytes(body), Limits(), values)
    assert first.value_digest == again.value_digest == hashlib.sha256(body).hexdigest()
    assert first.value_bytes == body  # kept as received: a reference's answer is stored as is
    assert again.value is first.value and values.hits == 1  # not decoded a second time
    other = to_execution(report, wire.encode([1]), Limits(), values)
    assert other.value == [1] and other.value_digest != first.value_digest
    # Only OK results that decode get a digest, and nothing else is cached.
    bad = to_execution(report, b"{not json", Limits(), values)
    assert bad.verdict is Verdict.SUSPICIOUS and bad.value_digest is None
    assert bad.value_bytes is None
    err = to_execution({**report, "verdict": "runtime_error", "error": "E"}, b"", Limits(), values)
    assert err.value_digest is None and err.value_bytes is None
    # Bounded: a third distinct value evicts the oldest.
    to_execution(report, wire.encode([2]), Limits(), values)
    assert values.get(first.value_digest) == (False, None)
    assert values.get(other.value_digest)[0]


def test_decoded_values_are_bounded_by_bytes() -> None:
    values = DecodedValues(entries=8, max_bytes=10)
    values.put("a", 1, 6)
    values.put("b", 2, 6)  # evicts "a"
    values.put("c", 3, 11)  # too large to keep at all
    assert [values.get(k)[0] for k in "abc"] == [False, True, False]


@pytest.mark.skipif(not childfilter.supported(), reason="no child filter for this machine")
def test_child_filter_template_matches_a_fresh_build() -> None:
    tpl = childfilter.template()
    for pid in (1, 4242, 2**22):
        assert tpl.for_pid(pid) == childfilter.build(pid)
    assert len(tpl.code) % 8 == 0 and len(tpl.code) // 8 < 256


def test_debian_mirror_reads_deb822_and_one_line_sources(tmp_path: Path) -> None:
    deb822 = tmp_path / "debian.sources"
    deb822.write_text(
        "Types: deb\nURIs: http://security.example/debian-security\n"
        "Suites: bookworm-security\n\nTypes: deb\nURIs: http://mirror.example/debian\n"
        "Suites: bookworm bookworm-updates\nComponents: main\n")
    assert debian_mirror([str(deb822)]) == "http://mirror.example/debian"
    one = tmp_path / "sources.list"
    one.write_text("# comment\ndeb [arch=amd64] http://old.example/debian bookworm main\n")
    assert debian_mirror([str(one)]) == "http://old.example/debian"
    other = tmp_path / "other.list"  # any release's archive serves the image's suite
    other.write_text("deb http://sec.example/ trixie-security main\n"
                     "deb http://new.example/debian trixie main\n")
    assert debian_mirror([str(other)]) == "http://new.example/debian"
    ubuntu = tmp_path / "ubuntu.list"  # another distribution's archive is not Debian's
    ubuntu.write_text("deb http://archive.ubuntu.com/ubuntu jammy main\n")
    assert debian_mirror([str(ubuntu)]) == "http://deb.debian.org/debian"
    assert debian_mirror([str(tmp_path / "missing")]).startswith("http")


def test_ensure_image_builds_only_a_missing_default_image(monkeypatch) -> None:
    from codeeff.errors import SandboxSetupError
    from codeeff.sandbox import image as img

    built: list[str] = []
    said: list[str] = []

    def missing(client: object, image: str | None = None) -> str:
        raise SandboxSetupError(f"no image {image}")

    def build(progress=None) -> img.BuildResult:
        built.append("default")
        return img.BuildResult("codeeff-sandbox:new", True, 1.0, "debootstrap")

    class Client:
        def close(self) -> None:
            pass

    monkeypatch.setattr(img, "_client", Client)
    monkeypatch.setattr(img, "find_image", missing)
    monkeypatch.setattr(img, "build_image", build)
    assert img.ensure_image(progress=said.append) == "codeeff-sandbox:new"
    assert built == ["default"] and "missing" in said[0]
    with pytest.raises(SandboxSetupError):  # an image the user named is never built
        img.ensure_image("their/image:1")
    monkeypatch.setattr(img, "find_image", lambda client, image=None: "codeeff-sandbox:old")
    assert img.ensure_image() == "codeeff-sandbox:old"
    assert built == ["default"]


def test_image_tag_is_stable_and_keyed() -> None:
    tag = image_tag()
    assert tag == image_tag() and tag.startswith(IMAGE_REPOSITORY + ":")
    assert len(tag.split(":")[1]) == 12


def test_inside_checks_flag_what_is_missing() -> None:
    cfg = SandboxConfig(memory_mb=512, pids_limit=64)
    good = {"uid": 10001, "gid": 10001, "groups": [], "seccomp": "2", "no_new_privs": "1",
            "cap_eff": "0000000000000000", "cpus": [1], "memory_limit": str(512 << 20),
            "memsw_limit": str(512 << 20), "pids_limit": "64", "interfaces": ["lo"],
            "inet_socket": "denied (1)", "writable": [], "docker_sock": False,
            "io_uring_setup": -1, "ptrace_attach_1": -1, "unshare_newuser": -1,
            "fork": "denied (11)"}
    assert all(c.ok for c in _inside_checks(good, cfg, (1,)))
    bad = {**good, "seccomp": "0", "writable": ["/tmp"], "io_uring_setup": 3}
    failed = {c.name for c in _inside_checks(bad, cfg, (1,)) if not c.ok}
    assert failed == {"seccomp", "writable paths", "dangerous syscalls"}
    assert all(c.fix for c in _inside_checks(bad, cfg, (1,)) if not c.ok)


def test_harness_bytecode_is_used_only_when_it_is_for_this_interpreter(tmp_path: Path) -> None:
    import py_compile

    source = tmp_path / "mod.py"
    source.write_text("VALUE = 41 + 1\n")
    py_compile.compile(str(source), cfile=str(source) + "c", doraise=True)
    code = supervisor._bytecode(str(source) + "c")
    assert code is not None
    scope: dict = {}
    exec(code, scope)
    assert scope["VALUE"] == 42
    # Another interpreter's magic number, a truncated file, no file: compile the source.
    data = (tmp_path / "mod.pyc").read_bytes()
    (tmp_path / "other.pyc").write_bytes(b"\x00\x00\r\n" + data[4:])
    assert supervisor._bytecode(str(tmp_path / "other.pyc")) is None
    (tmp_path / "short.pyc").write_bytes(data[:10])
    assert supervisor._bytecode(str(tmp_path / "short.pyc")) is None
    assert supervisor._bytecode(str(tmp_path / "missing.pyc")) is None
