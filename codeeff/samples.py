"""Reading the programs a model generated: EvalPlus JSONL, ENAMEL JSON, a ``datasets`` folder.

Formats:

* **EvalPlus JSONL**: one JSON object per line with ``task_id`` and either ``solution`` (the full
  program) or ``completion`` (a body appended to the problem's prompt, as EvalPlus does).
* **ENAMEL JSON**: a list whose item ``i`` is the list of programs for ``HumanEval/i``, or a
  dict from the HumanEval number (``"0"``, ``"12"`` … or ``"HumanEval/12"``) to such a list. A
  program that does not define the entry point at top level is taken as a completion.
* **A ``datasets`` dataset** saved with ``save_to_disk`` (a folder), with the JSONL columns.

Nothing here compiles or runs sample code: a sample with a syntax error is read like any other
and gets its verdict inside the sandbox.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from codeeff.errors import SamplesError

__all__ = ["Sample", "SampleSet", "read_samples"]


class _ProblemLike(Protocol):
    prompt: str

    @property
    def spec(self) -> Any: ...


@dataclass(frozen=True)
class Sample:
    """One generated program for one task."""

    task_id: str
    index: int
    """Position among the task's samples, in file order (0-based)."""
    source: str
    """The full program that runs (the prompt plus a completion, or the solution as given)."""
    origin: str
    """Where it was read: ``file:line`` or ``file[item]``."""
    digest: str = field(init=False, repr=False, compare=False)
    """SHA-256 of the source: identical programs share one measurement."""

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "digest",
            hashlib.sha256(self.source.encode("utf-8", "surrogatepass")).hexdigest(),
        )


@dataclass(frozen=True)
class SampleSet:
    """The samples of one file, grouped by task."""

    path: Path
    samples: tuple[Sample, ...]
    warnings: tuple[str, ...] = ()
    """Things worth telling the user that are not errors (duplicated lines …)."""

    def by_task(self) -> dict[str, list[Sample]]:
        """Samples grouped by task id, in file order."""
        out: dict[str, list[Sample]] = {}
        for s in self.samples:
            out.setdefault(s.task_id, []).append(s)
        return out

    @property
    def task_ids(self) -> list[str]:
        """Task ids with at least one sample, in first-seen order."""
        return list(self.by_task())


def _did_you_mean(name: str, known: Sequence[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SamplesError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            hint="re-save the file as UTF-8",
        ) from None


def _defines(source: str, entry_point: str) -> bool:
    # A textual test (no compiling of untrusted code on the host): a top-level def or an
    # assignment of the entry point's name.
    pattern = rf"^(?:async\s+)?def\s+{re.escape(entry_point)}\s*\(|^{re.escape(entry_point)}\s*="
    return re.search(pattern, source, re.MULTILINE) is not None


class _Builder:
    """Collects samples, checks task ids, counts duplicates."""

    def __init__(self, path: Path, problems: Mapping[str, _ProblemLike],
                 broken: Mapping[str, str]) -> None:
        self.path = path
        self.problems = problems
        self.broken = broken
        self.samples: list[Sample] = []
        self.counts: dict[str, int] = {}
        self.seen: dict[tuple[str, str], str] = {}
        self.duplicates: list[str] = []

    def add(self, task_id: Any, source: Any, where: str, *, completion: bool) -> None:
        if not isinstance(task_id, str) or not task_id:
            raise SamplesError(f"{where}: `task_id` must be a non-empty string, got {task_id!r}")
        if not isinstance(source, str):
            raise SamplesError(f"{where}: the program must be a string, got "
                               f"{type(source).__name__}")
        problem = self.problems.get(task_id)
        if problem is None and task_id.replace("/", "_") in self.broken:
            raise SamplesError(
                f"{where}: problem {task_id!r} is broken and cannot be scored: "
                f"{self.broken[task_id.replace('/', '_')]}",
                hint="fix the problem (`codeeff problems check`) or drop its samples",
            )
        if problem is None:
            raise SamplesError(
                f"{where}: unknown task id {task_id!r} (not in the problem set)",
                hint=_did_you_mean(task_id, list(self.problems))
                or "check --problems, or `codeeff problems list` for the ids",
            )
        program = problem.prompt + source if completion else source
        index = self.counts.get(task_id, 0)
        self.counts[task_id] = index + 1
        sample = Sample(task_id, index, program, where)
        first = self.seen.get((task_id, sample.digest))
        if first is not None:
            self.duplicates.append(f"{where} repeats {first}")
        else:
            self.seen[(task_id, sample.digest)] = where
        self.samples.append(sample)

    def build(self) -> SampleSet:
        if not self.samples:
            raise SamplesError(f"{self.path}: no samples in the file",
                               hint="each line needs `task_id` and `solution` or `completion`")
        warnings = []
        if self.duplicates:
            shown = "; ".join(self.duplicates[:3])
            more = f" (and {len(self.duplicates) - 3} more)" if len(self.duplicates) > 3 else ""
            warnings.append(
                f"{len(self.duplicates)} samples repeat an earlier program of the same task: "
                f"{shown}{more}. They count as separate samples and share one measurement."
            )
        return SampleSet(self.path, tuple(self.samples), tuple(warnings))


def _program_of(obj: Mapping[str, Any], where: str) -> tuple[Any, bool]:
    if "solution" in obj and obj["solution"] is not None:
        return obj["solution"], False
    if "completion" in obj and obj["completion"] is not None:
        return obj["completion"], True
    raise SamplesError(f"{where}: no `solution` or `completion` field",
                       hint="each sample needs `solution` (full program) or `completion`")


def _read_jsonl(path: Path, text: str, b: _Builder) -> None:
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SamplesError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})",
                               hint="each line must be one JSON object") from None
        if not isinstance(obj, dict):
            raise SamplesError(f"{where}: expected a JSON object, got {type(obj).__name__}")
        program, completion = _program_of(obj, where)
        b.add(obj.get("task_id"), program, where, completion=completion)


def _enamel_items(path: Path, data: Any) -> Iterator[tuple[str, Any, str]]:
    if isinstance(data, list):
        for i, programs in enumerate(data):
            yield f"HumanEval/{i}", programs, f"{path}[{i}]"
    elif isinstance(data, dict):
        for key, programs in data.items():
            m = re.fullmatch(r"(?:HumanEval/)?(\d+)", str(key))
            if m is None:
                raise SamplesError(f"{path}: key {key!r} is not a HumanEval number",
                                   hint='keys look like "0", "12" or "HumanEval/12"')
            yield f"HumanEval/{int(m.group(1))}", programs, f"{path}[{key!r}]"
    else:
        raise SamplesError(f"{path}: expected a list or an object of lists, got "
                           f"{type(data).__name__}")


def _read_enamel(path: Path, data: Any, b: _Builder) -> None:
    for task_id, programs, where in _enamel_items(path, data):
        if programs is None:
            continue
        if isinstance(programs, str):
            programs = [programs]
        if not isinstance(programs, list):
            raise SamplesError(f"{where}: expected a list of programs, got "
                               f"{type(programs).__name__}")
        problem = b.problems.get(task_id)
        for j, source in enumerate(programs):
            if not isinstance(source, str):
                raise SamplesError(f"{where}[{j}]: a program must be a string")
            completion = problem is not None and not _defines(source, problem.spec.entry_point)
            b.add(task_id, source, f"{where}[{j}]", completion=completion)


def _read_dataset(path: Path, b: _Builder) -> None:
    try:
        import datasets
    except ImportError:  # pragma: no cover - datasets is a dependency
        raise SamplesError("reading a dataset folder needs the `datasets` package",
                           hint="pip install datasets") from None
    try:
        ds = datasets.load_from_disk(str(path))
    except Exception as exc:
        raise SamplesError(f"{path}: cannot load as a `datasets` dataset: {exc}",
                           hint="pass a JSONL file, or a folder made by save_to_disk") from None
    if isinstance(ds, datasets.DatasetDict):
        if len(ds) != 1:
            raise SamplesError(f"{path}: the dataset has splits {list(ds)}; pick one",
                               hint="save the split you want with save_to_disk")
        ds = next(iter(ds.values()))
    if "task_id" not in ds.column_names:
        raise SamplesError(f"{path}: the dataset has no `task_id` column "
                           f"(columns: {ds.column_names})")
    for i, row in enumerate(ds):
        where = f"{path}[row {i}]"
        program, completion = _program_of(row, where)
        b.add(row["task_id"], program, where, completion=completion)


def read_samples(path: str | Path, problems: Mapping[str, _ProblemLike], *,
                 broken: Mapping[str, str] | None = None) -> SampleSet:
    """Read a samples file or dataset folder and check it against the problem set.

    Args:
        path: A ``.jsonl`` file, an ENAMEL ``.json`` file or a ``datasets`` folder.
        problems: The problem set's problems by id (prompts complete the ``completion`` form).
        broken: Problems of the set that failed to load (folder name → message).

    Returns:
        The samples, in file order, and warnings (duplicates).

    Raises:
        SamplesError: for a missing or empty file, bad encoding, malformed JSON (with the
            line), a missing field, or an unknown task id (with a suggestion).
    """
    p = Path(path)
    b = _Builder(p, problems, broken or {})
    if p.is_dir():
        _read_dataset(p, b)
        return b.build()
    if not p.exists():
        raise SamplesError(f"{p}: no such file", hint="check the path of the samples file")
    text = _decode(p, p.read_bytes())
    if not text.strip():
        raise SamplesError(f"{p}: the file is empty",
                           hint="each line needs `task_id` and `solution` or `completion`")
    stripped = text.lstrip()
    if p.suffix == ".json" or (stripped.startswith("[") and p.suffix != ".jsonl"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SamplesError(f"{p}:{exc.lineno}: malformed JSON ({exc.msg})",
                               hint="ENAMEL samples are one JSON list or object") from None
        _read_enamel(p, data, b)
    else:
        _read_jsonl(p, text, b)
    return b.build()
