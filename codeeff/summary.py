"""The summary of a scoring run: benchmark metrics with intervals, noise figures, metadata.

Built from the run directory's records by :func:`build_summary` (for ``score`` and ``rescore``
alike) and written by :func:`write_outputs` as ``summary.json``, ``results.jsonl`` (one line
per sample) and ``report.md``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from codeeff.config import ScoreConfig, digest_measurement
from codeeff.results import FORMAT_VERSION, Manifest, RunDir, reference_key, sample_key
from codeeff.scoring import ProblemScore, ScoringParams, finite_median, score_problem

__all__ = ["Interval", "Summary", "build_summary", "write_outputs"]


@dataclass(frozen=True)
class Interval:
    """A benchmark-level figure: the mean over problems and its interval (if P >= 2)."""

    estimate: float
    low: float | None
    high: float | None
    se: float | None
    method: str | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Summary:
    """What a scoring run found. ``summary.json`` is :meth:`to_json`."""

    metrics: Mapping[int, Mapping[str, Interval]]
    """``metrics[k]["pass@k"]`` and ``metrics[k]["eff@k"]``."""
    n_problems: int
    """Problems scored (with samples and a working reference)."""
    n_samples: int
    n_passed: int
    problems: tuple[ProblemScore, ...]
    problems_without_samples: tuple[str, ...]
    problem_errors: Mapping[str, str]
    not_measured: int
    """Samples without a measurement (interrupted run, or a sandbox that kept failing)."""
    skipped_k: Mapping[int, str]
    noise: Mapping[str, Any]
    config: Mapping[str, Any]
    environment: Mapping[str, Any]
    run: Mapping[str, Any]
    warnings: tuple[str, ...] = ()
    phases: Mapping[str, float] = field(default_factory=dict)
    out_dir: str = ""

    def pass_at(self, k: int) -> float:
        """The benchmark pass@k."""
        return self.metrics[k]["pass@k"].estimate

    def eff_at(self, k: int) -> float:
        """The benchmark eff@k."""
        return self.metrics[k]["eff@k"].estimate

    def with_phases(self, phases: Mapping[str, float]) -> Summary:
        return dataclasses.replace(self, phases=dict(phases))

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "metrics": {str(k): {name: iv.to_json() for name, iv in m.items()}
                        for k, m in self.metrics.items()},
            "n_problems": self.n_problems, "n_samples": self.n_samples,
            "n_passed": self.n_passed, "not_measured": self.not_measured,
            "problems_without_samples": list(self.problems_without_samples),
            "problem_errors": dict(self.problem_errors),
            "skipped_k": {str(k): v for k, v in self.skipped_k.items()},
            "noise": dict(self.noise),
            "per_problem": [_problem_json(p) for p in self.problems],
            "warnings": list(self.warnings),
            "config": dict(self.config), "environment": dict(self.environment),
            "run": dict(self.run), "phases_s": {k: round(v, 4) for k, v in self.phases.items()},
        }


def _problem_json(p: ProblemScore) -> dict[str, Any]:
    return {
        "task_id": p.task_id, "n": p.n, "c": p.c,
        "pass@k": {str(k): v for k, v in p.pass_at_k.items()},
        "eff@k": {str(k): v for k, v in p.eff_at_k.items()},
        "ref_level_times_s": list(p.ref_level_times), "time_limit_s": p.time_limit_s,
        "limit_capped": p.limit_capped, "noise_score": p.noise_score,
        "ref_rel_mad": p.ref_rel_mad, "sample_rel_mad": p.sample_rel_mad,
        "flags": list(p.flags), "error": p.error,
    }


def _interval(values: Sequence[float], config: ScoreConfig) -> Interval:
    from codeeff.estimators import bootstrap_ci, mean_ci

    est = float(sum(values) / len(values))
    if len(values) < 2:
        return Interval(est, None, None, None, None)
    if config.interval == "bootstrap":
        ci = bootstrap_ci(values, config.confidence, config.bootstrap_resamples,
                          rng=config.bootstrap_seed)
    else:
        ci = mean_ci(values, config.confidence)
    return Interval(ci.estimate, ci.low, ci.high, ci.se, ci.method)


def _params(problem: Any, config: ScoreConfig) -> ScoringParams:
    from codeeff.runner import _alpha, _weights

    return ScoringParams(weights=_weights(problem, config), alpha=_alpha(problem, config),
                         tolerance_s=config.tolerance_s, ks=config.k)


def build_summary(*, run_dir: RunDir, manifest: Manifest, config: ScoreConfig,
                  problem_set: Any, environment: Mapping[str, Any],
                  warnings: Sequence[str], run_info: Mapping[str, Any]) -> Summary:
    """Score every problem that has samples from the stored records and aggregate.

    Args:
        run_dir: Where the records are.
        manifest: The run's manifest (samples, machine, image, measurement key).
        config: The scoring configuration (k, weights, α, intervals).
        problem_set: The loaded problem set.
        environment: Machine metadata.
        warnings: Warnings to carry (from reading the samples).
        run_info: Execution counts and the like.
    """
    refs = run_dir.load_references()
    records = run_dir.load_samples()
    mdigest = digest_measurement(manifest.measurement)
    by_task: dict[str, list[tuple[int, str]]] = {}
    for task_id, index, digest in manifest.samples:
        by_task.setdefault(task_id, []).append((index, digest))
    scores: list[ProblemScore] = []
    errors: dict[str, str] = {}
    not_measured = 0
    for task_id, samples in by_task.items():
        problem = problem_set.problems.get(task_id)
        if problem is None:
            errors[task_id] = "not in the problem set any more"
            continue
        rkey = reference_key(problem.digest, problem.spec.version, mdigest, manifest.image,
                             manifest.machine_id)
        ref = refs.get(rkey)
        if ref is None:
            errors[task_id] = "reference not measured yet (interrupted run)"
            not_measured += len(samples)
            continue
        recs = {d: records[sample_key(d, rkey)] for _, d in samples
                if sample_key(d, rkey) in records}
        ps = score_problem(task_id, ref, recs, samples, _params(problem, config))
        if ps.error is not None:
            errors[task_id] = ps.error
            continue
        not_measured += sum(1 for s in ps.samples if s.outcome == "not_measured")
        scores.append(ps)
    min_n = min((p.n for p in scores), default=0)
    metrics: dict[int, dict[str, Interval]] = {}
    skipped: dict[int, str] = {}
    for k in config.k:
        if not scores:
            skipped[k] = "no problem could be scored"
        elif k > min_n:
            skipped[k] = f"k > the smallest number of samples per problem ({min_n})"
        else:
            metrics[k] = {
                "pass@k": _interval([p.pass_at_k[k] for p in scores], config),
                "eff@k": _interval([p.eff_at_k[k] for p in scores], config),
            }
    noise = _noise(scores)
    without = tuple(pid for pid in problem_set.problems if pid not in by_task)
    cfg = config.to_dict()
    if config.interval == "bootstrap":
        cfg["bootstrap_seed_used"] = config.bootstrap_seed
    return Summary(
        metrics=metrics, n_problems=len(scores),
        n_samples=sum(p.n for p in scores), n_passed=sum(p.c for p in scores),
        problems=tuple(scores), problems_without_samples=without, problem_errors=errors,
        not_measured=not_measured, skipped_k=skipped, noise=noise, config=cfg,
        environment=dict(environment),
        run={**dict(run_info), "samples_path": manifest.samples_path,
             "problem_set": manifest.problem_set, "image": manifest.image,
             "machine_id": manifest.machine_id},
        warnings=tuple(warnings), out_dir=str(run_dir.path),
    )


def _noise(scores: Sequence[ProblemScore]) -> dict[str, Any]:
    split = [p.noise_score for p in scores if p.noise_score is not None]
    ref_as_sample = [s.score for p in scores for s in p.samples if s.same_as_reference]
    noisy = sum(s.noisy_tests for p in scores for s in p.samples)
    out: dict[str, Any] = {
        "reference_split_eff1": sum(split) / len(split) if split else None,
        "reference_split_mean_abs_dev": (sum(abs(x - 1.0) for x in split) / len(split)
                                         if split else None),
        "reference_split_max_abs_dev": max((abs(x - 1.0) for x in split), default=None),
        "median_ref_rel_mad": finite_median([p.ref_rel_mad for p in scores
                                       if p.ref_rel_mad is not None]),
        "median_sample_rel_mad": finite_median([p.sample_rel_mad for p in scores
                                          if p.sample_rel_mad is not None]),
        "reference_as_sample_mean_score": (sum(ref_as_sample) / len(ref_as_sample)
                                           if ref_as_sample else None),
        "reference_as_sample_count": len(ref_as_sample),
        "noisy_tests": noisy,
        "flagged_problems": {p.task_id: list(p.flags) for p in scores if p.flags},
        "explanation": (
            "reference_split_eff1 scores half of each problem's pooled reference repetitions "
            "against the other half (mean over problems; each call's runs are dealt A B B A "
            "A B, balancing the runs that follow the sample): its distance from 1 is the "
            "noise floor of eff@1. median_*_rel_mad is the dispersion of repeated runs."),
    }
    return out


def sample_lines(summary: Summary, run_dir: RunDir) -> list[dict[str, Any]]:
    """One JSON object per sample: verdict, per-level times and scores, raw repetitions."""
    records = {r.code_digest + "\0" + r.task_id: r for r in run_dir.load_samples().values()}
    lines = []
    for p in summary.problems:
        for s in p.samples:
            rec = records.get(s.code_digest + "\0" + p.task_id)
            lines.append({
                "task_id": p.task_id, "index": s.index, "code_digest": s.code_digest,
                "verdict": s.outcome, "passed": s.passed, "score": s.score, "error": s.error,
                "failed_at": list(s.failed_at) if s.failed_at else None,
                "censored_level": s.censored_level,
                "level_times_s": list(s.level_times), "level_scores": list(s.level_scores),
                "slowdown": s.slowdown if s.slowdown is None or math.isfinite(s.slowdown)
                else "censored",
                "peak_rss_bytes": s.peak_rss_bytes,
                "ref_level_times_s": list(p.ref_level_times), "time_limit_s": p.time_limit_s,
                "raw": [t.to_json() for t in rec.tests] if rec is not None else None,
            })
    return lines


def write_outputs(run_dir: RunDir, summary: Summary) -> None:
    """Write ``summary.json``, ``results.jsonl`` and ``report.md`` (+ its SVG plots)."""
    from codeeff.report import write_report

    run_dir.write_text("summary.json", json.dumps(summary.to_json(), indent=1, default=str))
    lines = sample_lines(summary, run_dir)
    run_dir.write_text("results.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    write_report(run_dir, summary)
