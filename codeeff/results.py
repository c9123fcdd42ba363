"""Records of a scoring run, their versioned on-disk format, and the run directory as a cache.

A run directory holds:

* ``run.json``: the manifest: format version, the measurement configuration, the machine id, the
  sandbox image, the problem set, and the list of samples of the last ``score`` (so that
  ``rescore`` needs nothing else);
* ``references.jsonl``: one :class:`ReferenceRecord` per problem (the reference's probe times,
  the kill limit and the expected answers);
* ``measurements.jsonl``: one :class:`SampleRecord` per measured program (raw times of every
  repetition, interleaved reference times, the no-op baseline, verdicts);
* ``results.jsonl`` (one line per sample: verdict, per-level times and scores, raw times),
  ``summary.json`` and ``report.md``: derived, rewritten by ``score`` and ``rescore``.

The ``.jsonl`` files are append-only and flushed after every record, so a run killed at any
moment loses at most the record being written (a torn last line is ignored on reading). Every
record carries its cache key: the program's digest, the problem's digest and version, the
measurement configuration, the image and the machine. Records under other keys are ignored,
never mixed.

Format history:

* 1 (2026-11-28): first version.
* 2 (2026-11-29): a sample and its reference run in separate sandboxes on the same core, each
  with its own no-op baseline. :class:`CaseRun` gains ``ref_baseline_s`` (the reference
  sandbox's no-op runs); ``baseline_s`` of a sample's test is now its own sandbox's. Version-1
  directories are still read (for ``rescore``: there both sides shared one sandbox, so
  ``ref_baseline_s`` reads as ``baseline_s``) but never resumed.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from codeeff.errors import ResultsError

__all__ = [
    "FORMAT_VERSION",
    "CaseRun",
    "Manifest",
    "ReferenceRecord",
    "RunDir",
    "SampleRecord",
    "record_key",
    "reference_key",
    "sample_key",
]

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
"""Format versions this codeeff can read (rescore); only :data:`FORMAT_VERSION` is resumed."""


def record_key(*parts: str) -> str:
    """The cache key of a record: a digest over what determines its measurement."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:32]


def reference_key(problem_digest: str, problem_version: int, measurement_digest: str,
                  image: str, machine: str) -> str:
    """The key of a problem's reference record."""
    return record_key("ref", problem_digest, str(problem_version), measurement_digest, image,
                      machine)


def sample_key(code_digest: str, ref_key: str) -> str:
    """The key of a program's record: its code and everything its reference depends on."""
    return record_key("sample", code_digest, ref_key)


@dataclass(frozen=True)
class CaseRun:
    """One program on one test: every repetition, raw.

    Times are CPU seconds of the child as read from outside it, baseline not subtracted: the
    baseline is stored next to them so that any later scoring can redo the subtraction.
    """

    level: int
    case: int
    verdict: str
    """The sandbox verdict (:class:`~codeeff.sandbox.Verdict` value), or ``wrong_answer``."""
    cpu_s: tuple[float, ...]
    """Raw CPU time of each OK repetition of the program."""
    ref_cpu_s: tuple[float, ...] = ()
    """Raw CPU times of the reference, interleaved with ``cpu_s`` (timed levels)."""
    baseline_s: tuple[float, ...] = ()
    """Raw CPU times of the no-op baseline on the same input in this program's sandbox,
    interleaved too (for a reference record: the reference's sandbox)."""
    kill_cpu_s: float = 0.0
    """The CPU limit the program ran under."""
    error: str | None = None
    detail: str = ""
    peak_rss_bytes: int | None = None
    noisy: bool = False
    """Dispersion stayed above the target after the maximum repetitions."""
    ref_baseline_s: tuple[float, ...] = ()
    """Raw CPU times of the no-op baseline in the reference's sandbox, interleaved with
    ``ref_cpu_s`` (timed levels of a sample record)."""

    def to_json(self) -> dict[str, Any]:
        # Every field is flat, so no deep copy (``asdict`` took ~0.1 ms per record).
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["cpu_s"] = list(self.cpu_s)
        d["ref_cpu_s"] = list(self.ref_cpu_s)
        d["baseline_s"] = list(self.baseline_s)
        d["ref_baseline_s"] = list(self.ref_baseline_s)
        return d

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CaseRun:
        baseline = tuple(d.get("baseline_s", ()))
        ref_cpu = tuple(d.get("ref_cpu_s", ()))
        # Version 1 had no ref_baseline_s: reference and sample shared one sandbox's baseline.
        ref_base = d.get("ref_baseline_s")
        return cls(
            level=int(d["level"]), case=int(d["case"]), verdict=str(d["verdict"]),
            cpu_s=tuple(d["cpu_s"]), ref_cpu_s=ref_cpu,
            baseline_s=baseline, kill_cpu_s=float(d["kill_cpu_s"]),
            error=d.get("error"), detail=d.get("detail", ""),
            peak_rss_bytes=d.get("peak_rss_bytes"), noisy=bool(d.get("noisy", False)),
            ref_baseline_s=tuple(ref_base) if ref_base is not None else (
                baseline if ref_cpu else ()),
        )


@dataclass(frozen=True)
class ReferenceRecord:
    """The reference of one problem, measured before its samples (the probe)."""

    key: str
    task_id: str
    problem_digest: str
    problem_version: int
    alpha: float
    """The α the kill limit was derived from (a rescore may only lower it)."""
    kill_net_s: float
    """Kill limit in baseline-subtracted seconds; the scored T never exceeds it minus tol."""
    level0: tuple[CaseRun, ...]
    """Untimed level-0 runs (one repetition each)."""
    timed: tuple[CaseRun, ...]
    """Probe repetitions of every timed test, with their baseline."""
    expected: tuple[tuple[str, ...], ...]
    """The reference's answers, wire-encoded, per level and test (never sent to a sandbox)."""
    error: str | None = None
    """Set when the reference itself failed: the problem cannot be scored."""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "reference", "key": self.key, "task_id": self.task_id,
            "problem_digest": self.problem_digest, "problem_version": self.problem_version,
            "alpha": self.alpha, "kill_net_s": self.kill_net_s,
            "level0": [t.to_json() for t in self.level0],
            "timed": [t.to_json() for t in self.timed],
            "expected": [list(x) for x in self.expected], "error": self.error,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ReferenceRecord:
        return cls(
            key=d["key"], task_id=d["task_id"], problem_digest=d["problem_digest"],
            problem_version=int(d["problem_version"]), alpha=float(d["alpha"]),
            kill_net_s=float(d["kill_net_s"]),
            level0=tuple(CaseRun.from_json(t) for t in d["level0"]),
            timed=tuple(CaseRun.from_json(t) for t in d["timed"]),
            expected=tuple(tuple(x) for x in d["expected"]), error=d.get("error"),
        )


@dataclass(frozen=True)
class SampleRecord:
    """One measured program of one task: every test it ran, in order."""

    key: str
    task_id: str
    code_digest: str
    reference_key: str
    """The key of the :class:`ReferenceRecord` whose kill limit and answers were used."""
    tests: tuple[CaseRun, ...]
    """Level 0 first, then the timed levels, up to the first failure or kill."""
    same_as_reference: bool = False
    """The program is textually the reference (timed all the same, as a control)."""
    wall_s: float = 0.0
    """Wall time spent measuring it (informative)."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Derived figures at write time (per-level times and scores); informative only."""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "sample", "key": self.key, "task_id": self.task_id,
            "code_digest": self.code_digest, "reference_key": self.reference_key,
            "same_as_reference": self.same_as_reference, "wall_s": self.wall_s,
            "tests": [t.to_json() for t in self.tests], **dict(self.extra),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SampleRecord:
        known = {"kind", "key", "task_id", "code_digest", "reference_key",
                 "same_as_reference", "wall_s", "tests"}
        return cls(
            key=d["key"], task_id=d["task_id"], code_digest=d["code_digest"],
            reference_key=d["reference_key"], tests=tuple(CaseRun.from_json(t) for t in d["tests"]),
            same_as_reference=bool(d.get("same_as_reference", False)),
            wall_s=float(d.get("wall_s", 0.0)),
            extra={k: v for k, v in d.items() if k not in known},
        )


@dataclass(frozen=True)
class Manifest:
    """What a run directory was measured under."""

    measurement: Mapping[str, Any]
    """:meth:`ScoreConfig.measurement_key` of the run."""
    machine_id: str
    image: str
    """Sandbox image tag (or ``process`` for the process backend)."""
    problem_set: str
    """The problem set as given (``builtin`` or a path)."""
    config: Mapping[str, Any]
    """The full configuration of the last ``score`` (scoring fields may change)."""
    samples: tuple[tuple[str, int, str], ...]
    """(task id, index, program digest) of every sample of the last ``score``."""
    samples_path: str = ""
    format_version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version, "measurement": dict(self.measurement),
            "machine_id": self.machine_id, "image": self.image,
            "problem_set": self.problem_set, "samples_path": self.samples_path,
            "config": dict(self.config), "samples": [list(s) for s in self.samples],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Manifest:
        version = d.get("format_version")
        if version not in READABLE_VERSIONS:
            raise ResultsError(
                f"results format version {version!r} is not supported (this codeeff writes "
                f"{FORMAT_VERSION})",
                hint="score into a new --out directory, or use the codeeff that wrote it",
            )
        return cls(
            measurement=d["measurement"], machine_id=d["machine_id"], image=d["image"],
            problem_set=d["problem_set"], config=d["config"],
            samples=tuple((s[0], int(s[1]), s[2]) for s in d["samples"]),
            samples_path=d.get("samples_path", ""), format_version=version,
        )


def _iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open("r", encoding="utf-8") as f:
        for line in f:
            if not line.endswith("\n"):
                return  # torn last line of a killed run: ignored, measured again
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn line followed by newer records (a resumed run)
            if isinstance(obj, dict):
                yield obj


class RunDir:
    """A run directory: the manifest, the append-only records, the derived files.

    Appending is thread-safe (timing lanes write from their own threads).
    """

    MANIFEST = "run.json"
    REFERENCES = "references.jsonl"
    MEASUREMENTS = "measurements.jsonl"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    # -- manifest ------------------------------------------------------------------------
    def read_manifest(self) -> Manifest | None:
        """The manifest, or ``None`` for a new directory.

        Raises:
            ResultsError: if the directory is not a run directory, or of another version.
        """
        mpath = self.path / self.MANIFEST
        if not mpath.exists():
            if self.path.exists() and any(self.path.iterdir()):
                raise ResultsError(
                    f"{self.path} exists, is not empty and is not a codeeff run directory",
                    hint="pass a new or empty --out directory",
                )
            return None
        try:
            data = json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ResultsError(f"{mpath}: cannot read the manifest ({exc})",
                               hint="pass a new --out directory") from None
        return Manifest.from_json(data)

    def check_compatible(self, old: Manifest, new: Manifest) -> None:
        """Refuse to resume a directory measured under another configuration or machine.

        Raises:
            ResultsError: naming the first difference, with the fix.
        """
        hint = ("score into another --out directory; to change only k, weights or a smaller "
                "alpha use `codeeff rescore`")
        if old.format_version != new.format_version:
            raise ResultsError(
                f"{self.path} was measured by an older codeeff (results format "
                f"{old.format_version}, this one writes {new.format_version}) with another "
                "protocol; its results cannot be mixed with new ones", hint=hint)
        if dict(old.measurement) != dict(new.measurement):
            diff = sorted(k for k in set(old.measurement) | set(new.measurement)
                          if old.measurement.get(k) != new.measurement.get(k))
            raise ResultsError(
                f"{self.path} was measured with another configuration (differs in: "
                f"{', '.join(diff)})", hint=hint)
        if old.machine_id != new.machine_id:
            raise ResultsError(f"{self.path} was measured on another machine", hint=hint)
        if old.image != new.image:
            raise ResultsError(
                f"{self.path} was measured with sandbox image {old.image}, not {new.image}",
                hint=hint)
        if old.problem_set != new.problem_set:
            raise ResultsError(
                f"{self.path} scored problem set {old.problem_set!r}, not {new.problem_set!r}",
                hint=hint)

    def write_manifest(self, manifest: Manifest) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self._write_atomic(self.MANIFEST, json.dumps(manifest.to_json(), indent=1))

    # -- records -------------------------------------------------------------------------
    def load_references(self) -> dict[str, ReferenceRecord]:
        """Reference records by key (the last one wins)."""
        out = {}
        for obj in _iter_jsonl(self.path / self.REFERENCES):
            try:
                rec = ReferenceRecord.from_json(obj)
            except (KeyError, TypeError, ValueError):
                continue
            out[rec.key] = rec
        return out

    def load_samples(self) -> dict[str, SampleRecord]:
        """Sample records by key (the last one wins)."""
        out = {}
        for obj in _iter_jsonl(self.path / self.MEASUREMENTS):
            try:
                rec = SampleRecord.from_json(obj)
            except (KeyError, TypeError, ValueError):
                continue
            out[rec.key] = rec
        return out

    def append(self, record: ReferenceRecord | SampleRecord) -> None:
        """Append one record and flush it to the kernel (it survives a SIGKILL of us)."""
        name = self.REFERENCES if isinstance(record, ReferenceRecord) else self.MEASUREMENTS
        line = json.dumps(record.to_json(), separators=(",", ":"), allow_nan=True) + "\n"
        with self._lock:
            path = self.path / name
            with path.open("ab") as f:
                if f.tell() > 0:
                    with path.open("rb") as r:
                        r.seek(-1, os.SEEK_END)
                        if r.read(1) != b"\n":
                            f.write(b"\n")  # close a torn line left by a killed run
                f.write(line.encode("utf-8"))
                f.flush()

    # -- derived files -------------------------------------------------------------------
    def write_text(self, name: str, text: str) -> Path:
        """Write a derived file atomically (summary, report)."""
        return self._write_atomic(name, text)

    def _write_atomic(self, name: str, text: str) -> Path:
        target = self.path / name
        tmp = target.with_name(f".{name}.tmp{os.getpid()}")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
        return target


def plain_list(values: Sequence[float]) -> list[float]:
    """Floats as a JSON-friendly list."""
    return [float(v) for v in values]
