"""Importing ENAMEL's problem set (Qiu et al., ICLR 2025) into the native format.

ENAMEL publishes one row per HumanEval problem with the columns ``task_id``, ``prompt``,
``input_generator`` (``def generate_input(size, lid, cid)``), ``input_levels`` (four sizes),
``reference_solution`` (a function body to append to the prompt), ``checker``
(``def __check(input, answer, output)``) and ``entry_point``. :func:`import_enamel` converts each
row into a problem folder under the user's directory:

* ``problem.toml``: id ``HumanEval/<i>``, the four sizes as levels with ENAMEL's tests and
  weights (8/4/4/4, 0/3/3/4), α = 2;
* ``prompt.py``: the prompt as published;
* ``generator.py``: the row's generator, wrapped so that it draws from the global ``random``
  seeded by our per-test rng (see :mod:`codeeff.problems.enamel_helpers`, which also provides the
  helpers the generators call);
* ``checker.py``: the row's checker, wrapped as ``check(args, expected, actual)``;
* ``reference_solutions/HumanEval_<i>.py``: prompt + body.

When a generator or checker uses a name that the prompt defines (``encode_shift``, ``poly``),
the prompt is included above it. The CSV's contents end up only in the user's directory.
"""

from __future__ import annotations

import ast
import builtins
import csv
import json
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from codeeff.errors import ProblemError
from codeeff.problems.enamel_helpers import HELPER_NAMES
from codeeff.problems.model import ENAMEL_LEVELS

__all__ = [
    "ENAMEL_EXCLUDED",
    "ENAMEL_HUB_ID",
    "ImportReport",
    "convert_enamel_row",
    "import_enamel",
    "read_enamel_rows",
]

ENAMEL_HUB_ID = "q-rz/enamel"
ENAMEL_EXCLUDED = frozenset(
    {2, 23, 41, 45, 53, 60, 71, 92, 97, 99, 102, 123, 124, 135, 137, 138, 144, 148, 156, 157,
     159, 160}
)
"""HumanEval ids outside ENAMEL's 142-problem subset (kept only with ``all_problems``)."""

_ORDER_NOTE = (
    "Its set expressions were rewritten to OrderedSet, so that the inputs do not depend on\n"
    "Python's per-process hash seed.\n"
)
_COLUMNS = ("task_id", "prompt", "input_generator", "input_levels", "reference_solution",
            "checker", "entry_point")
# Names an imported generator may use without defining them: the modules its file imports and
# our helpers.
_GENERATOR_GLOBALS = frozenset({"random", "string", "OrderedSet", *HELPER_NAMES})


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_enamel` did."""

    root: Path
    """The problem set written (``DIR``)."""
    imported: tuple[str, ...]
    """Task ids written, in order."""
    skipped: tuple[str, ...]
    """Task ids left out (outside the 142-problem subset)."""
    unchanged: bool
    """True when ``DIR`` already held exactly this import and nothing was written."""


def read_enamel_rows(source: str | Path) -> list[dict[str, str]]:
    """Read ENAMEL's rows from its CSV file or, for ``q-rz/enamel``, from the Hugging Face hub.

    Raises:
        ProblemError: for a missing file, missing columns, or a hub that cannot be reached.
    """
    path = Path(source).expanduser()
    if path.is_file():
        csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
        try:
            with path.open(newline="", encoding="utf-8") as f:
                rows = list(csv.DictReader(f))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ProblemError(f"cannot read ENAMEL's CSV: {exc}", path=str(path)) from None
        where = str(path)
    elif str(source) == ENAMEL_HUB_ID:
        rows, where = _read_hub(str(source)), ENAMEL_HUB_ID
    else:
        raise ProblemError(
            f"{source} is neither a file nor the hub id {ENAMEL_HUB_ID!r}", path=str(source),
            hint="pass the path of ENAMEL's enamel.csv, or q-rz/enamel when online",
        )
    if not rows:
        raise ProblemError("no rows", path=where)
    missing = [c for c in _COLUMNS if c not in rows[0]]
    if missing:
        raise ProblemError(f"missing columns {', '.join(missing)}", path=where,
                           hint=f"ENAMEL's CSV has the columns {', '.join(_COLUMNS)}")
    return [{c: str(row[c]) for c in _COLUMNS} for row in rows]


def _read_hub(hub_id: str) -> list[dict[str, str]]:  # pragma: no cover - needs the network
    try:
        import datasets

        loaded = datasets.load_dataset(hub_id)
    except Exception as exc:
        raise ProblemError(
            f"cannot load {hub_id} from the Hugging Face hub: {type(exc).__name__}: {exc}",
            hint="check that you are online, or pass the path of a downloaded enamel.csv",
        ) from None
    split = next(iter(loaded.values())) if isinstance(loaded, Mapping) else loaded
    return [dict(row) for row in split]


def _free_names(source: str) -> set[str]:
    """Names a piece of code reads but neither defines, imports, nor finds in builtins."""
    tree = ast.parse(source)
    bound: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return {n for n in loaded - bound if not hasattr(builtins, n)}


def _top_level_names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


class _OrderSets(ast.NodeTransformer):
    """Rewrite set expressions to ``OrderedSet`` (the empty ``set()`` has no order; kept)."""

    changed = False

    def _wrap(self, arg: ast.expr, node: ast.AST) -> ast.expr:
        self.changed = True
        call = ast.Call(func=ast.Name("OrderedSet", ast.Load()), args=[arg], keywords=[])
        return ast.copy_location(call, node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "set" and node.args:
            return self._wrap(node.args[0], node)
        return node

    def visit_Set(self, node: ast.Set) -> ast.expr:
        self.generic_visit(node)
        return self._wrap(ast.List(elts=node.elts, ctx=ast.Load()), node)

    def visit_SetComp(self, node: ast.SetComp) -> ast.expr:
        self.generic_visit(node)
        return self._wrap(ast.GeneratorExp(elt=node.elt, generators=node.generators), node)


def _order_sets(source: str) -> tuple[str, bool]:
    """Return the generator with its set expressions made insertion-ordered, and whether any
    was rewritten (the text is kept verbatim when none is)."""
    transformer = _OrderSets()
    tree = ast.fix_missing_locations(transformer.visit(ast.parse(source)))
    return (ast.unparse(tree) + "\n", True) if transformer.changed else (source, False)


def _toml_str(text: str) -> str:
    # A JSON string with ensure_ascii=False is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=False)


def _needs_prompt(code: str, allowed: Iterable[str], prompt_names: set[str], task_id: str,
                  what: str) -> bool:
    free = _free_names(code) - set(allowed)
    unknown = free - prompt_names
    if unknown:
        raise ProblemError(
            f"the {what} uses names that neither the prompt nor codeeff's ENAMEL helpers "
            f"define: {', '.join(sorted(unknown))}",
            problem_id=task_id, hint="report this row; codeeff.problems.enamel_helpers may "
                                     "need another helper",
        )
    return bool(free)


def convert_enamel_row(row: Mapping[str, str]) -> dict[str, str]:
    """Convert one ENAMEL row into the files of a native problem.

    Returns:
        Relative path → text, for ``problems/<folder>/...`` and ``reference_solutions/...``.

    Raises:
        ProblemError: for a malformed row (bad id, levels, or code that does not parse).
    """
    task_id = row["task_id"].strip()
    prefix, _, number = task_id.partition("/")
    if prefix != "HumanEval" or not number.isdigit():
        raise ProblemError(f"unexpected task_id {task_id!r}", problem_id=task_id,
                           hint="ENAMEL's ids look like HumanEval/<i>")
    entry_point = row["entry_point"].strip()
    if not entry_point.isidentifier():
        raise ProblemError(f"entry_point {entry_point!r} is not an identifier",
                           problem_id=task_id)
    try:
        sizes = [int(x) for x in row["input_levels"].split()]
    except ValueError:
        sizes = []
    if len(sizes) != len(ENAMEL_LEVELS) or any(s < 0 for s in sizes):
        raise ProblemError(f"input_levels {row['input_levels']!r} is not four sizes",
                           problem_id=task_id)
    prompt = row["prompt"]
    if not prompt.endswith("\n"):
        prompt += "\n"
    generator, checker = row["input_generator"], row["checker"]
    try:
        generator, ordered = _order_sets(generator)
        prompt_names = _top_level_names(prompt)
        gen_needs_prompt = _needs_prompt(generator, _GENERATOR_GLOBALS, prompt_names, task_id,
                                         "generator")
        chk_needs_prompt = _needs_prompt(checker, (), prompt_names, task_id, "checker")
        reference = prompt + row["reference_solution"]
        ast.parse(reference)
    except SyntaxError as exc:
        raise ProblemError(f"code in the row does not parse: {exc}", problem_id=task_id) from None
    if "def generate_input" not in generator or "def __check" not in checker:
        raise ProblemError("the row lacks generate_input() or __check()", problem_id=task_id)

    folder = task_id.replace("/", "_")
    source_note = f"imported from ENAMEL ({ENAMEL_HUB_ID}, Apache-2.0)"
    levels = "".join(
        f"\n[[levels]]\nsize = {size}\ntests = {tests}\nweight = {weight:g}\n"
        for size, (tests, weight) in zip(sizes, ENAMEL_LEVELS, strict=True)
    )
    spec = (
        f"# {task_id}, {source_note} by `codeeff problems import enamel`.\n"
        f"# Level 0 is ENAMEL's first size (correctness, weight 0); levels 1-3 are timed.\n"
        f"id = {_toml_str(task_id)}\n"
        f"title = {_toml_str(entry_point)}\n"
        f"entry_point = {_toml_str(entry_point)}\n"
        f"version = 1\n"
        f"time_factor = 2.0\n"
        f"memory_mb = 1024\n"
        f'tags = ["enamel", "humaneval"]\n'
        f'changelog = ["v1: {source_note}"]\n'
        f"{levels}"
    )
    prompt_block = (
        f"\n# --- the prompt's definitions, which the code below uses ---\n{prompt}"
    )
    gen_file = (
        f'"""Stress inputs of {task_id}, {source_note}.\n\n'
        f"ENAMEL's generate_input(size, lid, cid) draws from the global random module;\n"
        f"generate() seeds it from codeeff's per-test rng and restores it afterwards.\n"
        f"{_ORDER_NOTE if ordered else ''}"
        f'"""\n\n'
        f"import random\nimport string\n\n"
        f"from codeeff.problems.enamel_helpers import (\n"
        f"    OrderedSet,\n    call_enamel_generator,\n    miller_rabin,\n    rand_parens,\n"
        f"    rand_primality,\n    rand_probably_prime,\n)\n"
        f"{prompt_block if gen_needs_prompt else ''}"
        f"\n# --- ENAMEL's generator ---\n{generator.rstrip()}\n\n\n"
        f"def generate(size, level, case, rng):\n"
        f"    return call_enamel_generator(generate_input, size, level, case, rng"
        f"{', ordered_sets=True' if ordered else ''})\n"
    )
    chk_file = (
        f'"""Checker of {task_id}, {source_note}."""\n'
        f"{prompt_block if chk_needs_prompt else ''}"
        f"\n# --- ENAMEL's checker ---\n{checker.rstrip()}\n\n\n"
        f"def check(args, expected, actual):\n"
        f"    return bool(__check(args, expected, actual))\n"
    )
    ref_file = f"# Reference of {task_id}, {source_note}: prompt + body.\n{reference}"
    if not ref_file.endswith("\n"):
        ref_file += "\n"
    return {
        f"problems/{folder}/problem.toml": spec,
        f"problems/{folder}/prompt.py": prompt,
        f"problems/{folder}/generator.py": gen_file,
        f"problems/{folder}/checker.py": chk_file,
        f"reference_solutions/{folder}.py": ref_file,
    }


def _existing_files(root: Path) -> dict[str, str] | None:
    """The files of a previous import under ``root`` (None if anything else is there)."""
    out: dict[str, str] = {}
    for path in root.rglob("*"):
        if path.is_file():
            rel = path.relative_to(root).as_posix()
            if "__pycache__" in rel:
                continue
            try:
                out[rel] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
    return out


def import_enamel(
    source: str | Path,
    dest: Path,
    *,
    all_problems: bool = False,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Convert ENAMEL's problem set into a native problem set at ``dest``.

    The result is a deterministic function of the rows: importing again gives byte-identical
    files, and an import into a folder that already holds exactly that import is a no-op.

    Args:
        source: The path of ENAMEL's CSV, or ``"q-rz/enamel"`` (needs the network).
        dest: The folder to write (``DIR``).
        all_problems: Keep all 164 problems instead of ENAMEL's 142-problem subset.
        force: Replace ``problems/``, ``reference_solutions/`` and ``problemset.toml`` in a
            non-empty ``dest``.
        progress: Called with each task id as it is converted.

    Raises:
        ProblemError: for an unreadable source, a malformed row, or a non-empty ``dest``
            without ``force``.
    """
    rows = read_enamel_rows(source)
    files: dict[str, str] = {}
    imported: list[str] = []
    skipped: list[str] = []
    for row in rows:
        task_id = row["task_id"].strip()
        number = task_id.partition("/")[2]
        if not all_problems and number.isdigit() and int(number) in ENAMEL_EXCLUDED:
            skipped.append(task_id)
            continue
        if progress is not None:
            progress(task_id)
        files.update(convert_enamel_row(row))
        imported.append(task_id)
    subset = "all 164 problems" if all_problems else "ENAMEL's 142-problem subset"
    source_name = ENAMEL_HUB_ID if str(source) == ENAMEL_HUB_ID else Path(source).name
    files["problemset.toml"] = (
        "# Written by `codeeff problems import enamel`.\n"
        'name = "enamel"\n'
        f"description = {_toml_str(f'ENAMEL (Qiu et al., ICLR 2025), {subset}')}\n"
        f"source = {_toml_str(f'{ENAMEL_HUB_ID} ({source_name})')}\n"
        'license = "Apache-2.0"\n'
    )
    dest = Path(dest).expanduser()
    report = ImportReport(root=dest, imported=tuple(imported), skipped=tuple(skipped),
                          unchanged=False)
    if dest.exists() and not dest.is_dir():
        raise ProblemError(f"{dest} exists and is not a folder", path=str(dest))
    if dest.is_dir() and any(dest.iterdir()):
        if _existing_files(dest) == files:
            return ImportReport(root=dest, imported=report.imported, skipped=report.skipped,
                                unchanged=True)
        if not force:
            raise ProblemError(
                f"{dest} is not empty", path=str(dest),
                hint="choose an empty folder, or pass --force to replace its problems/, "
                     "reference_solutions/ and problemset.toml",
            )
        for name in ("problems", "reference_solutions"):
            if (dest / name).is_dir():
                shutil.rmtree(dest / name)
        (dest / "problemset.toml").unlink(missing_ok=True)
    for rel, text in files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return report

