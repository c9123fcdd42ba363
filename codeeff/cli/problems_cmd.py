"""``codeeff problems``: list, show, new, check, export, import."""

from __future__ import annotations

import math
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from codeeff.cli._common import ensure_sandbox_image
from codeeff.errors import ConfigError

__all__ = ["problems"]

_SET_OPTION = click.option(
    "--problems", "problem_set", default="builtin", show_default=True, metavar="SET",
    help="`builtin` or the folder of a problem set.",
)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


@click.group()
def problems() -> None:
    """Inspect, author, check, export and import problems."""


@problems.command("list")
@_SET_OPTION
def list_(problem_set: str) -> None:
    """List the problems of a set."""
    from codeeff.problems.loader import load_problem_set

    loaded = load_problem_set(problem_set)
    table = Table(title=f"{loaded.name}: {len(loaded)} problems ({loaded.root})")
    for col in ("id", "category", "difficulty", "levels (sizes)", "version"):
        table.add_column(col)
    for pid, p in loaded.problems.items():
        sizes = " ".join(str(level.size) for level in p.spec.levels)
        table.add_row(pid, p.spec.category, p.spec.difficulty, sizes, str(p.spec.version))
    _console().print(table)


@problems.command("show")
@click.argument("task_id")
@_SET_OPTION
def show(task_id: str, problem_set: str) -> None:
    """Show one problem: spec, prompt, levels and files."""
    from codeeff.problems.loader import load_problem_set

    p = load_problem_set(problem_set, ids=[task_id]).get(task_id)
    s = p.spec
    console = _console()
    console.print(f"[bold]{s.id}[/bold]: {s.title}  (version {s.version})")
    console.print(f"entry point {s.entry_point}(), α = {s.time_factor:g}, memory "
                  f"{s.memory_mb} MB, category {s.category or '-'}, difficulty "
                  f"{s.difficulty or '-'}, tags {', '.join(s.tags) or '-'}")
    table = Table(title="levels")
    for col in ("level", "size", "tests", "weight"):
        table.add_column(col, justify="right")
    for level in s.levels:
        table.add_row(str(level.index), str(level.size), str(level.tests), f"{level.weight:g}")
    console.print(table)
    console.print("[bold]prompt[/bold]")
    console.print(p.prompt, markup=False)
    console.print("[bold]files[/bold]")
    for name in ("problem.toml", "prompt.py", "generator.py", "checker.py"):
        path = s.path / name
        if path.exists():
            console.print(f"  {path}", markup=False)
    console.print(f"  {p.reference_path}", markup=False)
    for name in p.slow:
        console.print(f"  {s.path / 'slow' / (name + '.py')}", markup=False)
    for line in s.changelog:
        console.print(f"changelog: {line}", markup=False)


@problems.command("new")
@click.argument("task_id")
@click.option("--to", "root", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="The problem set root to add the problem to.")
def new(task_id: str, root: Path) -> None:
    """Scaffold a new problem that already passes `check`."""
    from codeeff.problems.scaffold import new_problem

    for path in new_problem(task_id, root):
        click.echo(f"wrote {path}")
    click.echo(f"next: edit the TODOs, then `codeeff problems check {task_id} --problems {root}`")


def _fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if math.isinf(seconds):
        return "killed"
    return f"{seconds * 1e3:.1f}"


@problems.command("check")
@click.argument("task_ids", nargs=-1)
@_SET_OPTION
@click.option("--backend", type=click.Choice(["docker", "process"]), default="docker",
              show_default=True,
              help="Where references run. `process` runs them as host processes (NOT a "
                   "sandbox); acceptable for trusted benchmark code only.")
@click.option("--band", nargs=2, type=float, default=(0.02, 1.0), show_default=True,
              metavar="LOW HIGH", help="Measurable band of the top-level reference time (s).")
@click.option("--slow-threshold", type=float, default=0.5, show_default=True,
              help="A known-slow solution scoring above this flags a weak generator.")
@click.option("--reps", type=int, default=3, show_default=True,
              help="Timed repetitions per test.")
def check(task_ids: tuple[str, ...], problem_set: str, backend: str,
          band: tuple[float, float], slow_threshold: float, reps: int) -> None:
    """Check problems: generator, reference, checker, timing band, slow solutions."""
    from codeeff.authoring import CheckConfig, check_problems
    from codeeff.measure import RepeatPolicy
    from codeeff.problems.loader import load_problem_set
    from codeeff.sandbox import SandboxConfig

    try:
        config = CheckConfig(band_s=band, slow_score_max=slow_threshold,
                             policy=RepeatPolicy(min_reps=reps, max_reps=reps, baseline_reps=2))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    loaded = load_problem_set(problem_set, ids=list(task_ids) or None)
    sandbox_config = SandboxConfig(backend=backend, allow_unsafe_process=backend == "process")
    ensure_sandbox_image(backend, None)
    console = _console()
    err = Console(stderr=True, highlight=False)

    def progress(pid: str, i: int, n: int) -> None:
        err.print(f"[{i + 1}/{n}] {pid}", markup=False)

    report = check_problems(loaded, sandbox_config, config, progress=progress)
    lo, hi = config.band_s
    table = Table(title=f"problems check: {report.problem_set} ({report.backend} backend, "
                        f"band {lo * 1e3:g}–{hi * 1e3:g} ms)")
    table.add_column("problem", no_wrap=True)  # an id cut short is no use
    for col, justify in (("verdict", "left"), ("ref ms, levels 1..", "right"),
                         ("band", "left"), ("slow scores", "left"), ("work", "right"),
                         ("found", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in report.problems:
        top = r.top_time_s
        band_cell = "-" if top is None else ("in" if lo <= top <= hi else
                                             ("below" if top < lo else "above"))
        slow = ", ".join(f"{s.name} {'-' if s.score is None else f'{s.score:.2f}'}"
                         for s in r.slow) or "-"
        errors = sum(1 for f in r.findings if f.severity.value == "error")
        notes = ", ".join(x for x in (f"{errors} error{'s' * (errors != 1)}" if errors else "",
                                      f"{len(r.findings) - errors} warning"
                                      f"{'s' * (len(r.findings) - errors != 1)}"
                                      if len(r.findings) > errors else "") if x) or "-"
        table.add_row(r.problem_id, "[green]ok[/green]" if r.ok else "[red]FAIL[/red]",
                      " ".join(_fmt_ms(t) for t in r.ref_level_times_s[1:]), band_cell, slow,
                      "-" if r.work_share is None else f"{r.work_share:.0%}", notes)
    console.print(table)
    for r in report.problems:
        for f in r.findings:
            colour = "red" if f.severity.value == "error" else "yellow"
            console.print(f"[{colour}]{f.severity.value}[/{colour}] {r.problem_id}: ", end="")
            console.print(f.message + (f"\n    fix: {f.hint}" if f.hint else ""), markup=False)
    failed = [r.problem_id for r in report.problems if not r.ok]
    in_band = sum(1 for r in report.problems
                  if r.top_time_s is not None and lo <= r.top_time_s <= hi)
    console.print(f"{len(report.problems) - len(failed)}/{len(report.problems)} passed, "
                  f"{in_band} in the band, {report.elapsed_s:.0f} s")
    if failed:
        raise SystemExit(1)


@problems.command("export")
@_SET_OPTION
@click.option("--format", "fmt", type=click.Choice(["jsonl", "hf"]), default="jsonl",
              show_default=True, help="EvalPlus-style JSONL or a Hugging Face dataset folder.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file (jsonl) or folder (hf).")
@click.option("--with-reference", is_flag=True,
              help="Add canonical_solution (the full reference program).")
@click.option("--overwrite", is_flag=True, help="Replace an existing output.")
@click.option("--push-to-hub", metavar="REPO", default=None,
              help="Also push the dataset to the Hugging Face hub (hf only; needs the network).")
def export(problem_set: str, fmt: str, out: Path, with_reference: bool, overwrite: bool,
           push_to_hub: str | None) -> None:
    """Export the prompts for generation pipelines."""
    from codeeff.problems.export import export_hf, export_jsonl
    from codeeff.problems.loader import load_problem_set

    if push_to_hub and fmt != "hf":
        raise ConfigError("--push-to-hub needs --format hf")
    loaded = load_problem_set(problem_set)
    if fmt == "jsonl":
        path = export_jsonl(loaded, out, with_reference=with_reference, overwrite=overwrite)
    else:
        path = export_hf(loaded, out, with_reference=with_reference, overwrite=overwrite,
                         push_to_hub=push_to_hub)
    click.echo(f"wrote {len(loaded)} problems to {path}")


@problems.group("import")
def import_() -> None:
    """Import a published problem set."""


@import_.command("enamel")
@click.argument("source")
@click.option("--to", "dest", type=click.Path(path_type=Path), required=True,
              help="The folder to write the problem set to.")
@click.option("--all", "all_problems", is_flag=True,
              help="Keep all 164 problems, not ENAMEL's 142-problem subset.")
@click.option("--force", is_flag=True, help="Replace a previous import in a non-empty folder.")
def import_enamel_cmd(source: str, dest: Path, all_problems: bool, force: bool) -> None:
    """Import ENAMEL from its CSV file or the hub id q-rz/enamel."""
    from codeeff.problems.enamel import import_enamel

    report = import_enamel(source, dest, all_problems=all_problems, force=force)
    if report.unchanged:
        click.echo(f"{dest} already holds this import ({len(report.imported)} problems)")
    else:
        click.echo(f"imported {len(report.imported)} problems into {dest} "
                   f"({len(report.skipped)} left out)")
    click.echo(f"next: codeeff problems check --problems {dest} --backend process")
