"""The human report of a scoring run: ``report.md`` with small hand-written SVG plots.

Plots are plain SVG files in ``plots/`` (no plotting dependency): the distribution of the
efficiency scores, per-problem eff@1 against pass@1, and the slow-down against the reference.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from codeeff.results import RunDir

__all__ = ["format_report", "write_report"]

_W, _H, _PAD = 480, 300, 44


def _axes(title: str, xlabel: str, ylabel: str, xticks: Sequence[tuple[float, str]],
          yticks: Sequence[tuple[float, str]]) -> list[str]:
    """SVG header, frame and ticks; data coordinates are fractions of the plot area."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
        f'font-family="sans-serif" font-size="11">',
        f'<rect width="{_W}" height="{_H}" fill="white"/>',
        f'<text x="{_W / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>',
        f'<rect x="{_PAD}" y="{_PAD - 16}" width="{_W - 2 * _PAD + 16}" '
        f'height="{_H - 2 * _PAD + 16}" fill="none" stroke="#888"/>',
        f'<text x="{_W / 2}" y="{_H - 6}" text-anchor="middle">{escape(xlabel)}</text>',
        f'<text x="12" y="{_H / 2}" text-anchor="middle" transform="rotate(-90 12 {_H / 2})">'
        f"{escape(ylabel)}</text>",
    ]
    for fx, label in xticks:
        x = _x(fx)
        out.append(f'<line x1="{x}" y1="{_H - _PAD}" x2="{x}" y2="{_H - _PAD + 4}" '
                   'stroke="#888"/>')
        out.append(f'<text x="{x}" y="{_H - _PAD + 15}" text-anchor="middle">'
                   f"{escape(label)}</text>")
    for fy, label in yticks:
        y = _y(fy)
        out.append(f'<line x1="{_PAD - 4}" y1="{y}" x2="{_PAD}" y2="{y}" stroke="#888"/>')
        out.append(f'<text x="{_PAD - 6}" y="{y + 4}" text-anchor="end">{escape(label)}</text>')
    return out


def _x(f: float) -> float:
    return round(_PAD + 8 + f * (_W - 2 * _PAD), 1)


def _y(f: float) -> float:
    return round(_H - _PAD - f * (_H - 2 * _PAD), 1)


def svg_histogram(values: Sequence[float], lo: float, hi: float, bins: int, title: str,
                  xlabel: str, extra_bar: tuple[str, int] | None = None) -> str:
    """A histogram of ``values`` on [lo, hi] (values outside go to the end bins).

    ``extra_bar`` adds one labelled bar at the right (e.g. censored runs).
    """
    counts = [0] * bins
    for v in values:
        i = int((v - lo) / (hi - lo) * bins) if hi > lo else 0
        counts[min(bins - 1, max(0, i))] += 1
    nbars = bins + (1 if extra_bar else 0)
    top = max([*counts, extra_bar[1] if extra_bar else 0, 1])
    # The last edge's label would collide with the extra bar's: leave it out then.
    edges = range(0, bins if extra_bar else bins + 1, max(1, bins // 5))
    xticks = [(i / nbars, f"{lo + (hi - lo) * i / bins:.2g}") for i in edges]
    if extra_bar:
        xticks.append(((bins + 0.5) / nbars, extra_bar[0]))
    yticks = [(j / 4, f"{top * j / 4:.0f}") for j in range(5)]
    out = _axes(title, xlabel, "samples", xticks, yticks)
    width = (_W - 2 * _PAD) / nbars
    bars = [*counts, *([extra_bar[1]] if extra_bar else [])]
    for i, c in enumerate(bars):
        h = c / top * (_H - 2 * _PAD)
        color = "#c44" if extra_bar and i == bins else "#4a7"
        out.append(f'<rect x="{_x(i / nbars) + 1}" y="{_y(0) - h}" width="{width - 2:.1f}" '
                   f'height="{h:.1f}" fill="{color}"/>')
    out.append("</svg>")
    return "\n".join(out)


def svg_scatter(points: Sequence[tuple[float, float, str]], title: str, xlabel: str,
                ylabel: str, xmax: float = 1.0, ymax: float = 1.0) -> str:
    """A scatter plot of (x, y, label) with a diagonal y = x."""
    ticks = [(j / 4, f"{xmax * j / 4:.2g}") for j in range(5)]
    yt = [(j / 4, f"{ymax * j / 4:.2g}") for j in range(5)]
    out = _axes(title, xlabel, ylabel, ticks, yt)
    d = min(xmax, ymax)
    out.append(f'<line x1="{_x(0)}" y1="{_y(0)}" x2="{_x(d / xmax)}" y2="{_y(d / ymax)}" '
               'stroke="#bbb" stroke-dasharray="4"/>')
    for x, y, label in points:
        out.append(f'<circle cx="{_x(min(x, xmax) / xmax)}" cy="{_y(min(y, ymax) / ymax)}" '
                   f'r="3.5" fill="#37c" fill-opacity="0.6"><title>{escape(label)}</title>'
                   "</circle>")
    out.append("</svg>")
    return "\n".join(out)


def _fmt(x: float | None, digits: int = 3) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _ms(x: float | None) -> str:
    return "–" if x is None else f"{x * 1e3:.2f}"


def format_report(summary: Any, plots: Sequence[tuple[str, str]] = ()) -> str:
    """The Markdown report of a summary; ``plots`` are (file, caption) pairs to embed."""
    lines = ["# codeeff scoring report", ""]
    run = summary.run
    lines += [
        f"- samples: `{run.get('samples_path', '')}`, problem set: `{run.get('problem_set')}`",
        f"- {summary.n_problems} problems scored, {summary.n_samples} samples, "
        f"{summary.n_passed} passed; preset `{summary.config.get('preset')}`",
        f"- sandbox: {summary.config.get('backend')} (`{run.get('image')}`), lanes "
        f"{run.get('lanes', '–')} (each: a sandbox for the reference and one for the samples, "
        f"on the same core), {run.get('executions', 0)} executions",
        "",
        "## Metrics",
        "",
        "| k | pass@k | 95% CI | eff@k | 95% CI |" if summary.config.get("confidence") == 0.95
        else "| k | pass@k | CI | eff@k | CI |",
        "|---|---|---|---|---|",
    ]
    def ci(iv: Any) -> str:
        return "–" if iv.low is None else f"[{iv.low:.3f}, {iv.high:.3f}]"

    for k, m in summary.metrics.items():
        p, e = m["pass@k"], m["eff@k"]
        lines.append(f"| {k} | {p.estimate:.3f} | {ci(p)} | {e.estimate:.3f} | {ci(e)} |")
    for k, why in summary.skipped_k.items():
        lines.append(f"\nk = {k} skipped: {why}.")
    if summary.n_problems < 2:
        lines.append("\nIntervals need at least 2 problems.")
    noise = summary.noise
    lines += [
        "", "## Noise", "",
        f"- reference split (half the reference repetitions scored against the other half): "
        f"eff@1 = {_fmt(noise.get('reference_split_eff1'))}, mean |e − 1| = "
        f"{_fmt(noise.get('reference_split_mean_abs_dev'))}, max |e − 1| = "
        f"{_fmt(noise.get('reference_split_max_abs_dev'))}",
        f"- samples identical to the reference: {noise.get('reference_as_sample_count', 0)}, "
        f"mean score {_fmt(noise.get('reference_as_sample_mean_score'))}",
        f"- median relative MAD of repetitions: reference "
        f"{_fmt(noise.get('median_ref_rel_mad'), 4)}, samples "
        f"{_fmt(noise.get('median_sample_rel_mad'), 4)}; tests still noisy after the maximum "
        f"repetitions: {noise.get('noisy_tests', 0)}",
    ]
    load = summary.environment.get("load", {}).get("loadavg")
    if load:
        lines.append(f"- load average at the end: {load}")
    advice = []
    if (noise.get("reference_split_mean_abs_dev") or 0) > 0.05:
        advice.append("the noise floor exceeds 0.05: use a quieter machine or more "
                      "repetitions (`max_reps`), and read eff@k differences below it as ties")
    if noise.get("noisy_tests"):
        advice.append("some tests stayed noisy: raise `max_reps` or stop other work on the "
                      "machine")
    for a in advice:
        lines.append(f"- **advice**: {a}")
    for name, caption in plots:
        lines += ["", f"![{caption}]({name})"]
    lines += ["", "## Problems", "", "| problem | n | passed | pass@1 | eff@1 | T (ms) | "
              "reference per level (ms) | noise | flags |", "|---|---|---|---|---|---|---|---|---|"]
    for p in summary.problems:
        refs = " / ".join(_ms(t) for t in p.ref_level_times[1:])
        lines.append(
            f"| {p.task_id} | {p.n} | {p.c} | {_fmt(p.pass_at_k.get(1))} | "
            f"{_fmt(p.eff_at_k.get(1))} | {_ms(p.time_limit_s)} | {refs} | "
            f"{_fmt(p.noise_score)} | {'; '.join(p.flags)} |")
    if summary.problem_errors:
        lines += ["", "## Problems not scored", ""]
        lines += [f"- {pid}: {why}" for pid, why in summary.problem_errors.items()]
    if summary.problems_without_samples:
        lines += ["", f"## Problems without samples ({len(summary.problems_without_samples)})",
                  "", ", ".join(summary.problems_without_samples)]
    fails: dict[str, int] = {}
    for p in summary.problems:
        for s in p.samples:
            if not s.passed:
                fails[s.outcome] = fails.get(s.outcome, 0) + 1
    if fails:
        lines += ["", "## Failures", ""]
        lines += [f"- {k}: {v}" for k, v in sorted(fails.items())]
    if summary.warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in summary.warnings]
    phases = summary.phases
    if phases:
        lines += ["", "## Timing of the run", ""]
        lines += [f"- {k}: {v:.2f} s" for k, v in phases.items()]
    env = summary.environment
    cpu = env.get("cpu", {})
    lines += ["", "## Machine", "",
              f"- CPU: {cpu.get('model', '?')} × {cpu.get('count', '?')}, governor "
              f"{cpu.get('governor', 'unknown')}",
              f"- system: {env.get('system', {}).get('os', '?')}, Python "
              f"{env.get('system', {}).get('python', '?')}, cgroup "
              f"{env.get('system', {}).get('cgroup', '?')}",
              f"- codeeff {env.get('codeeff', {}).get('version', '?')} "
              f"(commit {str(env.get('codeeff', {}).get('git_commit', '?'))[:10]}"
              f"{', dirty' if env.get('codeeff', {}).get('git_dirty') else ''})", ""]
    return "\n".join(lines)


def write_report(run_dir: RunDir, summary: Any) -> None:
    """Write ``report.md`` and its plots into the run directory."""
    plots_dir = run_dir.path / "plots"
    plots_dir.mkdir(parents=True, exist_ok=True)
    scores = [s.score for p in summary.problems for s in p.samples if s.passed]
    plots = []
    if scores:
        hi = max(2.0, max(scores)) if max(scores) > 1.0 else 1.0
        (plots_dir / "scores.svg").write_text(svg_histogram(
            scores, 0.0, hi, 20, "Efficiency scores of passing samples", "score e"))
        plots.append(("plots/scores.svg", "distribution of efficiency scores"))
    pts = [(p.pass_at_k.get(1, 0.0), p.eff_at_k.get(1, 0.0), p.task_id)
           for p in summary.problems if 1 in p.pass_at_k]
    if pts:
        ymax = max(1.0, max(y for _, y, _ in pts))
        (plots_dir / "eff_vs_pass.svg").write_text(svg_scatter(
            pts, "Per problem: eff@1 against pass@1", "pass@1", "eff@1", 1.0,
            math.ceil(ymax * 4) / 4))
        plots.append(("plots/eff_vs_pass.svg", "per-problem eff@1 against pass@1"))
    slow = [s.slowdown for p in summary.problems for s in p.samples
            if s.passed and s.slowdown is not None]
    if slow:
        finite = [math.log2(x) for x in slow if math.isfinite(x) and x > 0]
        censored = sum(1 for x in slow if not math.isfinite(x))
        (plots_dir / "slowdown.svg").write_text(svg_histogram(
            finite, -3.0, 3.0, 12, "Time against the reference (level that sets T)",
            "log2(sample time / reference time): < 0 faster, > 0 slower",
            extra_bar=("killed", censored)))
        plots.append(("plots/slowdown.svg", "speed-up and slow-down against the reference"))
    run_dir.write_text("report.md", format_report(summary, plots))
