"""Loading and validating problem sets in the native format (see :mod:`codeeff.problems.model`).

Loading reads every file of a problem and checks it with :mod:`ast` only: the prompt, the
reference and the known-slow solutions are parsed, never executed. Generators and checkers are
trusted benchmark code; they are imported (lazily, once per :class:`Problem`) from their files
under unique module names and run on the host. Anything wrong is a
:class:`~codeeff.errors.ProblemError` naming the problem and the file.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import inspect
import random
import re
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

from codeeff.errors import ProblemError
from codeeff.problems._spec import (
    ProblemSetInfo,
    did_you_mean,
    parse_problem_spec,
    parse_problemset_info,
)
from codeeff.problems.checking import default_check
from codeeff.problems.model import Level, ProblemSpec

__all__ = ["Problem", "ProblemSet", "load_problem", "load_problem_set"]

_GENERATOR_PARAMS = ("size", "level", "case", "rng")
_CHECKER_PARAMS = ("args", "expected", "actual")


def _sha256(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        # Length-prefixed so that moving text between files changes the digest.
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def digest_encoded_inputs(encoded: Iterable[bytes]) -> str:
    """The digest :meth:`Problem.input_digest` gives, from the wire-encoded arguments."""
    return _sha256(*encoded)


def derive_seed(problem_id: str, level: int, case: int, seed: int) -> int:
    """Return the 64-bit seed of one generator call, stable across runs and platforms.

    Python's ``hash()`` is salted per process, so the seed comes from SHA-256 instead.
    """
    text = f"codeeff-generator\0{problem_id}\0{level}\0{case}\0{seed}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little")


@dataclass(frozen=True)
class Problem:
    """One loaded problem: its spec, sources, and access to its generator and checker."""

    spec: ProblemSpec
    prompt: str
    """What the model sees: imports, the signature and the docstring."""
    reference: str
    """The full source of the expert reference program."""
    slow: Mapping[str, str]
    """Known-slow correct solutions: name (file stem) → full source."""
    checker_source: str | None
    """The source of ``checker.py``, or ``None`` when the default check applies."""
    generator_source: str = ""
    """The source of ``generator.py``."""
    spec_source: str = ""
    """The text of ``problem.toml``."""
    reference_path: Path = field(default=Path("."), compare=False)
    """Where the reference was read from."""
    _modules: dict[str, ModuleType] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def id(self) -> str:
        """The task id (``spec.id``)."""
        return self.spec.id

    @property
    def folder(self) -> Path:
        """The problem's folder."""
        return self.spec.path

    @property
    def timed_levels(self) -> tuple[Level, ...]:
        """The levels after level 0 (the correctness level)."""
        return self.spec.levels[1:]

    @property
    def digest(self) -> str:
        """SHA-256 over the spec file, prompt, generator, checker and reference.

        Together with ``spec.version`` it is the cache key of everything derived from the
        problem (inputs, expected answers, reference times).
        """
        return _sha256(
            self.spec_source.encode(), self.prompt.encode(), self.generator_source.encode(),
            (self.checker_source or "").encode(), self.reference.encode(),
        )

    # -- generator -----------------------------------------------------------------------

    def _module(self, kind: str) -> ModuleType:
        cached = self._modules.get(kind)
        if cached is not None:
            return cached
        path = self.folder / f"{kind}.py"
        source = self.generator_source if kind == "generator" else self.checker_source or ""
        name = f"_codeeff_problem_{_sha256(str(path).encode(), source.encode())[:16]}_{kind}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:  # pragma: no cover - only for odd paths
            raise ProblemError("cannot import the file", problem_id=self.id, path=str(path))
        module = importlib.util.module_from_spec(spec)
        try:
            # Not registered in sys.modules: each Problem owns its module, nothing global.
            spec.loader.exec_module(module)
        except Exception as exc:
            raise ProblemError(
                f"importing the {kind} raised {_describe(exc, path)}", problem_id=self.id,
                path=str(path), hint=f"fix {path.name} so that it imports cleanly",
            ) from None
        func_name = "generate" if kind == "generator" else "check"
        params = _GENERATOR_PARAMS if kind == "generator" else _CHECKER_PARAMS
        func = getattr(module, func_name, None)
        if not callable(func):
            raise ProblemError(f"{path.name} defines no function {func_name}()",
                               problem_id=self.id, path=str(path))
        try:
            inspect.signature(func).bind(*params)
        except (TypeError, ValueError):
            raise ProblemError(
                f"{func_name}() cannot be called as {func_name}({', '.join(params)})",
                problem_id=self.id, path=str(path),
                hint=f"define `def {func_name}({', '.join(params)})`",
            ) from None
        self._modules[kind] = module
        return module

    def generate(self, level: int, case: int, seed: int = 0) -> tuple:
        """Return the positional arguments of test ``case`` of ``level``.

        The generator gets ``random.Random(derive_seed(id, level, case, seed))``, so the result
        depends only on these four values.

        Raises:
            ProblemError: for an unknown level, or a generator that raises or returns no tuple.
        """
        if not 0 <= level < len(self.spec.levels):
            raise ProblemError(f"no level {level} (levels 0..{len(self.spec.levels) - 1})",
                               problem_id=self.id)
        size = self.spec.levels[level].size
        module = self._module("generator")
        path = self.folder / "generator.py"
        rng = random.Random(derive_seed(self.id, level, case, seed))
        try:
            args = module.generate(size, level, case, rng)
        except Exception as exc:
            raise ProblemError(
                f"generate(size={size}, level={level}, case={case}) raised "
                f"{_describe(exc, path)}",
                problem_id=self.id, path=str(path),
            ) from None
        if type(args) is not tuple:
            raise ProblemError(
                f"generate(size={size}, level={level}, case={case}) returned a "
                f"{type(args).__name__}, not a tuple of arguments",
                problem_id=self.id, path=str(path),
                hint="return the positional arguments as a tuple, e.g. `return (values,)`",
            )
        return args

    def inputs(self, seed: int = 0) -> list[list[tuple]]:
        """Return the arguments of every test, level 0 first."""
        return [
            [self.generate(level.index, case, seed) for case in range(level.tests)]
            for level in self.spec.levels
        ]

    def input_digest(self, seed: int = 0) -> str:
        """SHA-256 of every test's arguments in the wire format (for determinism checks)."""
        from codeeff.sandbox import wire

        return digest_encoded_inputs(
            wire.encode(args) for level in self.inputs(seed) for args in level
        )

    # -- checker -------------------------------------------------------------------------

    def check(self, args: tuple, expected: Any, actual: Any, *, strict: bool = False) -> bool:
        """Return whether ``actual`` is a right answer, by the problem's checker or the default.

        Args:
            args: The positional arguments of the call (as generated).
            expected: The reference's answer.
            actual: The answer to judge (decoded plain data).
            strict: Raise a :class:`ProblemError` when the checker raises, instead of treating
                the answer as wrong (a checker may legitimately fail on garbage answers).
        """
        if self.checker_source is None:
            return default_check(args, expected, actual)
        module = self._module("checker")
        try:
            return bool(module.check(args, expected, actual))
        except Exception as exc:
            if strict:
                path = self.folder / "checker.py"
                raise ProblemError(f"check() raised {_describe(exc, path)}",
                                   problem_id=self.id, path=str(path)) from None
            return False


def _describe(exc: BaseException, path: Path) -> str:
    """``TypeError: message (generator.py line 12)``: the last frame inside ``path``."""
    text = f"{type(exc).__name__}: {exc}"
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == str(path):
            line = frame.lineno
    if isinstance(exc, SyntaxError) and exc.lineno:
        line = exc.lineno
    return f"{text} ({path.name} line {line})" if line else text


@dataclass(frozen=True)
class ProblemSet:
    """A loaded problem set."""

    name: str
    root: Path
    problems: Mapping[str, Problem]
    """Problems by id, in natural id order (``HumanEval/2`` before ``HumanEval/10``)."""
    info: ProblemSetInfo = field(default_factory=lambda: ProblemSetInfo(name=""), compare=False)

    @property
    def digest(self) -> str:
        """SHA-256 over the ids and digests of the problems."""
        return _sha256(*(f"{pid}\0{p.digest}".encode() for pid, p in self.problems.items()))

    def get(self, task_id: str) -> Problem:
        """Return the problem ``task_id``.

        Raises:
            ProblemError: for an unknown id, with the closest id as a suggestion.
        """
        try:
            return self.problems[task_id]
        except KeyError:
            raise ProblemError(
                f"no problem {task_id!r} in problem set {self.name!r}",
                hint=did_you_mean(task_id, self.problems) or "`codeeff problems list` lists them",
            ) from None

    def __len__(self) -> int:
        return len(self.problems)


def natural_key(text: str) -> tuple:
    """Sort key that orders digit runs by value: ``a/2`` before ``a/10``."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t)
                 for t in re.split(r"(\d+)", text) if t)


def _read_source(path: Path, problem_id: str, what: str, hint: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProblemError(f"the {what} is missing", problem_id=problem_id, path=str(path),
                           hint=hint) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemError(f"cannot read the {what}: {exc}", problem_id=problem_id,
                           path=str(path)) from None


def _parse(source: str, path: Path, problem_id: str, what: str) -> ast.Module:
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise ProblemError(f"the {what} is not valid Python: {exc.msg} (line {exc.lineno})",
                           problem_id=problem_id, path=str(path)) from None


def _top_level_function(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return node  # type: ignore[return-value]
    return None


def _require_entry_point(source: str, path: Path, spec: ProblemSpec, what: str) -> None:
    tree = _parse(source, path, spec.id, what)
    if _top_level_function(tree, spec.entry_point) is None:
        raise ProblemError(
            f"the {what} does not define the entry point {spec.entry_point}() at top level",
            problem_id=spec.id, path=str(path),
            hint=f"define `def {spec.entry_point}(...)` or fix `entry_point` in problem.toml",
        )


def _require_function(source: str, path: Path, problem_id: str, name: str,
                      params: tuple[str, ...]) -> None:
    """Check by parsing that ``name`` is defined at top level with a compatible signature."""
    tree = _parse(source, path, problem_id, path.name)
    node = _top_level_function(tree, name)
    wanted = f"def {name}({', '.join(params)})"
    if node is None:
        raise ProblemError(f"{path.name} defines no function {name}() at top level",
                           problem_id=problem_id, path=str(path), hint=f"define `{wanted}`")
    a = node.args
    positional = len(a.posonlyargs) + len(a.args)
    required = positional - len(a.defaults)
    required_kwonly = sum(1 for d in a.kw_defaults if d is None)
    if required > len(params) or (positional < len(params) and a.vararg is None) \
            or required_kwonly:
        raise ProblemError(
            f"{name}() has the wrong signature: it must accept ({', '.join(params)})",
            problem_id=problem_id, path=str(path), hint=f"define `{wanted}`",
        )


def load_problem(folder: Path, reference_dir: Path) -> Problem:
    """Load and validate the problem in ``folder``.

    Args:
        folder: ``ROOT/problems/<folder>``.
        reference_dir: ``ROOT/reference_solutions``.

    Raises:
        ProblemError: naming the problem and the file for anything malformed.
    """
    folder = Path(folder)
    spec = parse_problem_spec(folder / "problem.toml", expected_folder=folder.name)
    pid = spec.id
    prompt_path = folder / "prompt.py"
    prompt = _read_source(prompt_path, pid, "prompt",
                          "add prompt.py with the signature and docstring the model sees")
    _require_entry_point(prompt, prompt_path, spec, "prompt")
    generator_path = folder / "generator.py"
    generator = _read_source(generator_path, pid, "generator",
                             "add generator.py with `def generate(size, level, case, rng)`")
    _require_function(generator, generator_path, pid, "generate", _GENERATOR_PARAMS)
    checker_path = folder / "checker.py"
    checker: str | None = None
    if checker_path.exists():
        checker = _read_source(checker_path, pid, "checker", "")
        _require_function(checker, checker_path, pid, "check", _CHECKER_PARAMS)
    reference_path = Path(reference_dir) / f"{spec.folder_name}.py"
    reference = _read_source(
        reference_path, pid, "reference solution",
        f"add the expert reference as {reference_path}",
    )
    _require_entry_point(reference, reference_path, spec, "reference solution")
    slow: dict[str, str] = {}
    slow_dir = folder / "slow"
    if slow_dir.is_dir():
        for path in sorted(slow_dir.glob("*.py")):
            source = _read_source(path, pid, "slow solution", "")
            _require_entry_point(source, path, spec, "slow solution")
            slow[path.stem] = source
    return Problem(
        spec=spec, prompt=prompt, reference=reference, slow=MappingProxyType(slow),
        checker_source=checker, generator_source=generator,
        spec_source=(folder / "problem.toml").read_text(encoding="utf-8"),
        reference_path=reference_path,
    )


def _known_ids(folders: Sequence[Path]) -> list[str]:
    """The ids of ``folders`` (for suggestions; unreadable specs fall back to the folder)."""
    ids = []
    for folder in folders:
        try:
            ids.append(parse_problem_spec(folder / "problem.toml").id)
        except ProblemError:
            ids.append(folder.name)
    return ids


def resolve_root(name_or_path: str | Path) -> tuple[Path, str]:
    """Return (root folder, default name) of a problem set given ``"builtin"`` or a path."""
    if str(name_or_path) == "builtin":
        from codeeff.resources import builtin_root

        return builtin_root(), "builtin"
    root = Path(name_or_path).expanduser()
    if not (root / "problems").is_dir():
        raise ProblemError(
            "not a problem set: it has no problems/ folder",
            path=str(root),
            hint="pass `builtin` or a folder holding problems/ and reference_solutions/",
        )
    return root, root.resolve().name


def load_problem_set(
    name_or_path: str | Path, *, ids: Sequence[str] | None = None
) -> ProblemSet:
    """Load a problem set: ``"builtin"`` or a folder in the layout of :mod:`.model`.

    Args:
        name_or_path: ``"builtin"`` or the set's root folder.
        ids: Load only these task ids (in this order of preference; the set stays sorted).

    Raises:
        ProblemError: for a missing folder, an unknown id (with a suggestion), a duplicate id,
            or any broken problem.
    """
    root, default_name = resolve_root(name_or_path)
    info = parse_problemset_info(root, default_name)
    problems_dir = root / "problems"
    reference_dir = root / "reference_solutions"
    folders = sorted((p for p in problems_dir.iterdir() if p.is_dir()
                      and not p.name.startswith((".", "_"))), key=lambda p: natural_key(p.name))
    if ids is not None:
        by_folder = {p.name: p for p in folders}
        chosen = []
        for task_id in ids:
            folder = by_folder.get(task_id.replace("/", "_"))
            if folder is None:
                close = did_you_mean(task_id, _known_ids(folders))
                raise ProblemError(
                    f"no problem {task_id!r} in problem set {info.name!r} ({root})",
                    hint=close or "`codeeff problems list` lists the ids",
                )
            if folder not in chosen:
                chosen.append(folder)
        folders = chosen
    loaded: dict[str, Problem] = {}
    for folder in folders:
        problem = load_problem(folder, reference_dir)
        if problem.id in loaded:
            raise ProblemError(f"duplicate id {problem.id!r}", problem_id=problem.id,
                               path=str(folder / "problem.toml"))
        loaded[problem.id] = problem
    ordered = {pid: loaded[pid] for pid in sorted(loaded, key=natural_key)}
    return ProblemSet(name=info.name, root=root, problems=MappingProxyType(ordered), info=info)
