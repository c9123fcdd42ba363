"""``codeeff score`` and ``codeeff rescore``: parse flags into a ScoreConfig, call the library,
draw a progress bar and a one-screen summary table."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from codeeff.cli._common import ensure_sandbox_image
from codeeff.config import parse_floats, parse_k, preset


def _terminate(signum: int, frame: Any) -> None:
    """SIGTERM stops a run like Ctrl-C: the lanes stop and every container is removed."""
    del signum, frame
    raise KeyboardInterrupt


def _progress_bar(console: Any) -> tuple[Any, Any]:
    """A rich progress bar and the callback that feeds it (called from worker threads)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[current]}"), TimeElapsedColumn(), TextColumn("ETA"),
        TimeRemainingColumn(), console=console, transient=False,
    )
    task = bar.add_task("measuring", total=None, current="")
    lock = threading.Lock()

    def callback(event: Any) -> None:
        with lock:
            # Drawn from the first event on, so that an error in the samples or the problem
            # set (raised before any event) is not printed under an empty bar.
            bar.start()
            if event.phase == "prepare":
                bar.update(task, total=max(event.total, 1) if event.total else 0,
                           current=event.message)
            elif event.phase == "measure":
                bar.update(task, completed=event.done, current=event.task_id or "")
            elif event.phase == "done":
                bar.update(task, completed=event.total, current="done")

    return bar, callback


def render_summary(summary: Any, console: Any) -> None:
    """The one-screen table at the end of a run."""
    from rich.table import Table

    table = Table(title=f"codeeff: {summary.n_problems} problems, {summary.n_samples} samples, "
                  f"{summary.n_passed} passed")
    table.add_column("k", justify="right")
    table.add_column("pass@k", justify="right")
    table.add_column("eff@k", justify="right")
    conf = summary.config.get("confidence", 0.95)
    table.add_column(f"{conf:.0%} CI of eff@k", justify="right")
    for k, m in summary.metrics.items():
        e = m["eff@k"]
        ci = "–" if e.low is None else f"[{e.low:.3f}, {e.high:.3f}]"
        table.add_row(str(k), f"{m['pass@k'].estimate:.3f}", f"{e.estimate:.3f}", ci)
    console.print(table)
    noise = summary.noise
    split = noise.get("reference_split_eff1")
    rel = noise.get("median_ref_rel_mad")
    console.print(
        f"noise floor: reference vs itself eff@1 = "
        f"{'–' if split is None else f'{split:.3f}'}, median relMAD "
        f"{'–' if rel is None else f'{rel:.1%}'}")
    for k, why in summary.skipped_k.items():
        console.print(f"[yellow]k={k} skipped:[/] {why}")
    if summary.problems_without_samples:
        n = len(summary.problems_without_samples)
        shown = ", ".join(summary.problems_without_samples[:8])
        console.print(f"[yellow]{n} problems have no samples[/] (not averaged in): {shown}"
                      f"{' …' if n > 8 else ''}")
    for pid, why in list(summary.problem_errors.items())[:8]:
        console.print(f"[red]not scored[/] {pid}: {why}")
    if summary.not_measured:
        console.print(f"[red]{summary.not_measured} samples not measured[/] (they count as "
                      "failed); run the same command again to finish")
    for w in summary.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    for flagged, flags in list(noise.get("flagged_problems", {}).items())[:5]:
        console.print(f"[dim]{flagged}: {'; '.join(flags)}[/]")
    total = summary.phases.get("total")
    console.print(f"results in {summary.out_dir}/ (summary.json, results.jsonl, report.md)"
                  + (f" in {total:.1f} s" if total else ""))


@click.command()
@click.argument("samples", type=click.Path())
@click.option("--problems", "problem_set", default="builtin", show_default=True,
              help="The built-in set's name or a problem-set directory.")
@click.option("--out", "out_dir", required=True, type=click.Path(),
              help="Output directory (resumed when it holds a run of the same configuration).")
@click.option("-k", "k", default=None, help="The ks of pass@k and eff@k, e.g. 1,10,100.")
@click.option("--preset", "preset_name", default="default", show_default=True,
              help="A named configuration: `default` or `enamel` (ENAMEL's protocol).")
@click.option("--jobs", type=int, default=None,
              help="Timing lanes, one pinned core each (default: every core).")
@click.option("--backend", type=click.Choice(["docker", "process"]), default="docker",
              show_default=True, help="Sandbox backend.")
@click.option("--unsafe-process", is_flag=True,
              help="Allow the process backend: samples run on the host WITHOUT isolation.")
@click.option("--alpha", type=float, default=None, help="Time-limit factor α (T = α·t_ref).")
@click.option("--reps", type=int, default=None, help="Repetitions per timed test.")
@click.option("--max-reps", type=int, default=None,
              help="Upper bound of adaptive repetitions for noisy tests.")
@click.option("--interval", type=click.Choice(["t", "bootstrap"]), default=None,
              help="Confidence interval over problems.")
@click.option("--seed", "bootstrap_seed", type=int, default=None, help="Bootstrap seed.")
@click.option("--image", default=None, help="Sandbox image (default: the current recipe's).")
def score(samples: str, problem_set: str, out_dir: str, k: str | None, preset_name: str,
          jobs: int | None, backend: str, unsafe_process: bool, alpha: float | None,
          reps: int | None, max_reps: int | None, interval: str | None,
          bootstrap_seed: int | None, image: str | None) -> None:
    """Score SAMPLES (EvalPlus JSONL, ENAMEL JSON or a datasets folder) for pass@k and eff@k."""
    from rich.console import Console

    from codeeff.runner import score as run_score

    min_reps = reps
    if reps is not None and max_reps is None:
        max_reps = reps
    config = preset(
        preset_name, k=parse_k(k) if k else None, jobs=jobs, backend=backend,
        allow_unsafe_process=unsafe_process or None, alpha=alpha, min_reps=min_reps,
        max_reps=max_reps, interval=interval, bootstrap_seed=bootstrap_seed, image=image,
    )
    ensure_sandbox_image(config.backend, config.image)
    console = Console(stderr=True)
    bar, callback = _progress_bar(console)
    previous = signal.signal(signal.SIGTERM, _terminate)  # close the sandboxes, like Ctrl-C
    try:
        summary = run_score(samples, problem_set, out_dir, config, progress=callback)
    finally:
        bar.stop()
        signal.signal(signal.SIGTERM, previous)
    render_summary(summary, Console())


@click.command()
@click.argument("run_dir", type=click.Path())
@click.option("-k", "k", default=None, help="Other ks, e.g. 1,10.")
@click.option("--weights", default=None, help="Other level weights, level 0 first: 0,3,3,4.")
@click.option("--alpha", type=float, default=None, help="A smaller α than the one measured.")
@click.option("--interval", type=click.Choice(["t", "bootstrap"]), default=None)
@click.option("--problems", "problem_set", default=None,
              help="The problem set, if it moved since the run.")
def rescore(run_dir: str, k: str | None, weights: str | None, alpha: float | None,
            interval: str | None, problem_set: str | None) -> None:
    """Recompute the metrics of RUN_DIR from its stored raw times (nothing runs)."""
    from rich.console import Console

    from codeeff.runner import rescore as run_rescore

    summary = run_rescore(
        run_dir, k=parse_k(k) if k else None,
        weights=parse_floats(weights, "weights") if weights else None, alpha=alpha,
        interval=interval, problems=problem_set,
    )
    render_summary(summary, Console())
