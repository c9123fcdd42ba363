"""Parsing and validating ``problem.toml`` and ``problemset.toml`` into records.

Every error is a :class:`~codeeff.errors.ProblemError` that names the problem and the file, with
a hint; unknown keys get a "did you mean" suggestion.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeeff.errors import ProblemError
from codeeff.problems.model import Level, ProblemSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["ProblemSetInfo", "did_you_mean", "parse_problem_spec", "parse_problemset_info"]

_SPEC_KEYS = (
    "id", "title", "entry_point", "version", "time_factor", "memory_mb", "category",
    "difficulty", "tags", "changelog", "levels",
)
_LEVEL_KEYS = ("size", "tests", "weight")
_SET_KEYS = ("name", "description", "source", "license")


@dataclass(frozen=True)
class ProblemSetInfo:
    """The optional ``problemset.toml`` of a problem set."""

    name: str
    description: str = ""
    source: str = ""
    license: str = ""


def did_you_mean(word: str, choices: Any) -> str | None:
    """Return ``"did you mean 'x'?"`` for the closest of ``choices``, or ``None``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def _read_toml(path: Path, problem_id: str | None) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProblemError(
            "the file is missing", problem_id=problem_id, path=str(path),
            hint="every problem folder needs a problem.toml; `codeeff problems new ID` makes one",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemError(f"cannot read the file: {exc}", problem_id=problem_id,
                           path=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProblemError(f"invalid TOML: {exc}", problem_id=problem_id, path=str(path),
                           hint="fix the TOML syntax (https://toml.io)") from None


def _check_keys(data: Mapping[str, Any], allowed: tuple[str, ...], where: str,
                problem_id: str | None, path: Path) -> None:
    for key in data:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
            raise ProblemError(f"unknown key {key!r} in {where}", problem_id=problem_id,
                               path=str(path), hint=hint)


def _typed(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], what: str,
           problem_id: str | None, path: Path, default: Any = ...) -> Any:
    if key not in data:
        if default is ...:
            raise ProblemError(f"missing required key {key!r}", problem_id=problem_id,
                               path=str(path), hint=f"add `{key} = ...` ({what})")
        return default
    value = data[key]
    # TOML booleans are Python bools, which are ints: refuse them where a number is meant.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        ok = False
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise ProblemError(f"{key!r} must be {what}, not {value!r}", problem_id=problem_id,
                           path=str(path))
    return value


def _str_list(data: Mapping[str, Any], key: str, problem_id: str | None,
              path: Path) -> tuple[str, ...]:
    value = _typed(data, key, list, "a list of strings", problem_id, path, default=[])
    if not all(isinstance(v, str) for v in value):
        raise ProblemError(f"{key!r} must be a list of strings", problem_id=problem_id,
                           path=str(path))
    return tuple(value)


def _parse_levels(raw: Any, problem_id: str, path: Path) -> tuple[Level, ...]:
    if not isinstance(raw, list) or not raw:
        raise ProblemError(
            "no [[levels]] defined", problem_id=problem_id, path=str(path),
            hint="add a [[levels]] table per level: level 0 (correctness, weight 0) and at "
                 "least one timed level",
        )
    levels: list[Level] = []
    for i, entry in enumerate(raw):
        where = f"[[levels]] #{i}"
        if not isinstance(entry, dict):
            raise ProblemError(f"{where} must be a table", problem_id=problem_id, path=str(path))
        _check_keys(entry, _LEVEL_KEYS, where, problem_id, path)
        size = _typed(entry, "size", int, "an integer", problem_id, path)
        tests = _typed(entry, "tests", int, "an integer", problem_id, path)
        weight = _typed(entry, "weight", (int, float), "a number", problem_id, path)
        if size < 0:
            raise ProblemError(f"{where}: size must be >= 0, not {size}", problem_id=problem_id,
                               path=str(path))
        if tests < 1:
            raise ProblemError(f"{where}: tests must be >= 1, not {tests}",
                               problem_id=problem_id, path=str(path))
        if weight < 0 or weight != weight:
            raise ProblemError(f"{where}: weight must be >= 0, not {weight}",
                               problem_id=problem_id, path=str(path))
        levels.append(Level(index=i, size=size, tests=tests, weight=float(weight)))
    if levels[0].weight != 0:
        raise ProblemError(
            f"level 0 has weight {levels[0].weight:g}, but level 0 is the correctness level",
            problem_id=problem_id, path=str(path), hint="set `weight = 0` on the first [[levels]]",
        )
    if not any(level.weight > 0 for level in levels[1:]):
        raise ProblemError(
            "no timed level: every level after level 0 has weight 0 (or there is none)",
            problem_id=problem_id, path=str(path),
            hint="add [[levels]] with growing sizes and weights > 0 (ENAMEL uses 3, 3, 4)",
        )
    return tuple(levels)


def parse_problem_spec(path: Path, expected_folder: str | None = None) -> ProblemSpec:
    """Read and validate a ``problem.toml``.

    Args:
        path: The ``problem.toml`` file.
        expected_folder: The folder name the id must map to (``None`` skips the check).

    Raises:
        ProblemError: for a missing file, bad TOML, unknown keys, wrong types or values.
    """
    hint_id = expected_folder
    data = _read_toml(path, hint_id)
    _check_keys(data, _SPEC_KEYS, "problem.toml", hint_id, path)
    pid = _typed(data, "id", str, "a string", hint_id, path)
    if not pid or pid.strip() != pid:
        raise ProblemError(f"invalid id {pid!r}", problem_id=hint_id, path=str(path))
    entry_point = _typed(data, "entry_point", str, "a function name", pid, path)
    if not entry_point.isidentifier():
        raise ProblemError(f"entry_point {entry_point!r} is not a Python identifier",
                           problem_id=pid, path=str(path))
    version = _typed(data, "version", int, "an integer >= 1", pid, path, default=1)
    time_factor = _typed(data, "time_factor", (int, float), "a number > 0", pid, path,
                         default=2.0)
    memory_mb = _typed(data, "memory_mb", int, "an integer > 0", pid, path, default=1024)
    if version < 1:
        raise ProblemError(f"version must be >= 1, not {version}", problem_id=pid, path=str(path))
    if not time_factor > 0:
        raise ProblemError(f"time_factor must be > 0, not {time_factor}", problem_id=pid,
                           path=str(path))
    if memory_mb <= 0:
        raise ProblemError(f"memory_mb must be > 0, not {memory_mb}", problem_id=pid,
                           path=str(path))
    spec = ProblemSpec(
        id=pid,
        title=_typed(data, "title", str, "a string", pid, path, default=pid),
        entry_point=entry_point,
        levels=_parse_levels(data.get("levels"), pid, path),
        version=version,
        time_factor=float(time_factor),
        memory_mb=memory_mb,
        category=_typed(data, "category", str, "a string", pid, path, default=""),
        difficulty=_typed(data, "difficulty", str, "a string", pid, path, default=""),
        tags=_str_list(data, "tags", pid, path),
        changelog=_str_list(data, "changelog", pid, path),
        path=path.parent,
    )
    if expected_folder is not None and spec.folder_name != expected_folder:
        raise ProblemError(
            f"id {pid!r} does not match its folder {expected_folder!r}", problem_id=pid,
            path=str(path),
            hint=f"rename the folder to {spec.folder_name!r} or fix `id` (folder = id with / → _)",
        )
    return spec


def parse_problemset_info(root: Path, default_name: str) -> ProblemSetInfo:
    """Read ``ROOT/problemset.toml`` if present; otherwise name the set ``default_name``."""
    path = root / "problemset.toml"
    if not path.is_file():
        return ProblemSetInfo(name=default_name)
    data = _read_toml(path, None)
    _check_keys(data, _SET_KEYS, "problemset.toml", None, path)
    values = {k: _typed(data, k, str, "a string", None, path, default="") for k in _SET_KEYS}
    return ProblemSetInfo(
        name=values["name"] or default_name, description=values["description"],
        source=values["source"], license=values["license"],
    )
