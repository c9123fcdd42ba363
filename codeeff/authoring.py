"""``codeeff problems check``: can a problem measure efficiency? (engine level).

For each problem: the generator is deterministic (twice in this process, and once in a child
process with another hash seed); every input encodes in the wire format; the reference passes
every test in the sandbox (its answers become the expected ones); the checker accepts those
answers and rejects perturbed ones; the reference's time at the top level falls in a measurable
band (else a size is suggested); and every known-slow solution is separated from the reference:
its ENAMEL efficiency score must stay at or below a threshold, otherwise the generator is too
weak to tell the two apart. Last, the reference's work must show in its time: a variant doing
the work of its call three times (:func:`repeated_work`) is timed on the top level's slowest
test, and when most of the time does not grow with the work (module-level precomputation,
encoding a large result), a warning says that scores can barely see the function's speed.

The reference and the slow solutions run through the sandbox API like any sample, with the
scoring engine's structure: the reference in one sandbox, each slow solution in another one,
recycled after it (a child inherits its supervisor's memory, so programs of different origin
never share one). The generators and checkers run here, on the host.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from codeeff import estimators
from codeeff.errors import ProblemError, SandboxSetupError
from codeeff.measure import RepeatPolicy, measure_case
from codeeff.problems.checking import perturbations
from codeeff.problems.loader import Problem, ProblemSet, digest_encoded_inputs
from codeeff.sandbox import Limits, Payload, Program, Sandbox, SandboxConfig, Verdict
from codeeff.sandbox.wire import WireError

__all__ = [
    "CheckConfig",
    "CheckReport",
    "Finding",
    "ProblemCheck",
    "Severity",
    "SlowCheck",
    "check_problem",
    "check_problems",
    "repeated_work",
    "suggest_sizes",
]


class Severity(str, Enum):
    """How bad a finding is: errors fail the check, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing ``check`` found, with the fix when there is one."""

    severity: Severity
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class CheckConfig:
    """How ``problems check`` runs."""

    band_s: tuple[float, float] = (0.02, 1.0)
    """The measurable band for the reference's time at the top level, in seconds."""
    slow_score_max: float = 0.5
    """A known-slow solution scoring above this is not separated: the generator is weak."""
    min_work_share: float = 0.25
    """Below this share of the reference's top-level time growing with its call's work, warn
    that scores barely see the function's speed (see :attr:`ProblemCheck.work_share`). The
    share is a lower bound (memory a first call faults in is reused by the next ones): the
    built-in set's references read 41–100 %; of the 142 ENAMEL problems 6 read 3–22 %
    (HumanEval/143's time is its module-level prime table), the median 83 %."""
    policy: RepeatPolicy = field(
        default_factory=lambda: RepeatPolicy(min_reps=3, max_reps=3, baseline_reps=2)
    )
    """Repetitions per timed test (fewer than scoring: ``check`` needs a band, not a score)."""
    reference_cpu_s: float = 20.0
    """CPU limit of one reference execution."""
    seed: int = 0
    """The generator seed of the inputs checked."""
    cross_process: bool = True
    """Also compare the inputs generated in a child process with another hash seed."""

    def __post_init__(self) -> None:
        lo, hi = self.band_s
        if not 0 < lo < hi:
            raise ValueError(f"band_s must be 0 < low < high, got {self.band_s}")
        if not self.slow_score_max >= 0:
            raise ValueError(f"slow_score_max must be >= 0, got {self.slow_score_max}")
        if not 0 <= self.min_work_share <= 1:
            raise ValueError(f"min_work_share must be in [0, 1], got {self.min_work_share}")


@dataclass(frozen=True)
class SlowCheck:
    """How one known-slow solution compared with the reference."""

    name: str
    score: float | None
    """ENAMEL efficiency score against the reference (None when it could not be computed)."""
    level_times_s: tuple[float | None, ...]
    """Worst time per level (``inf`` = killed at the limit, None = not run)."""
    separated: bool


@dataclass(frozen=True)
class ProblemCheck:
    """The outcome of checking one problem."""

    problem_id: str
    findings: tuple[Finding, ...]
    ref_level_times_s: tuple[float | None, ...] = ()
    """The reference's worst time per level (level 0 is not timed: None)."""
    time_limit_s: float | None = None
    """T = α × max reference time over the timed levels."""
    sizes: tuple[int, ...] = ()
    suggested_sizes: tuple[int, ...] | None = None
    """Sizes of the levels that would bring the top level into the band."""
    slow: tuple[SlowCheck, ...] = ()
    work_share: float | None = None
    """Share of the reference's top-level time that grows with the work of its call: with r
    the time of :func:`repeated_work` (3 ×) over the reference's on the top level's slowest
    test, (r − 1) / 2, clipped to [0, 1]; a lower bound, since the repeated calls reuse the
    memory the first one faulted in. None when not measured."""
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        """No error (warnings allowed)."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def top_time_s(self) -> float | None:
        """The reference's time at the top level."""
        return self.ref_level_times_s[-1] if self.ref_level_times_s else None


@dataclass(frozen=True)
class CheckReport:
    """The outcome of ``problems check`` over a set."""

    problem_set: str
    config: CheckConfig
    problems: tuple[ProblemCheck, ...]
    elapsed_s: float
    backend: str

    @property
    def ok(self) -> bool:
        """Every problem passed."""
        return all(p.ok for p in self.problems)


def suggest_sizes(
    sizes: Sequence[int], times: Sequence[float | None], band_s: tuple[float, float]
) -> tuple[int, ...] | None:
    """Scale the timed sizes so that the top level lands in the middle of the band.

    The growth exponent ``k`` is measured between the two largest timed levels
    (``t ∝ size**k``, clamped to 0.5..3; 1 when it cannot be measured), then every timed size is
    multiplied by ``(target / t_top) ** (1 / k)``, target being the band's geometric middle.

    Returns:
        New sizes for all levels (level 0 unchanged), or None when the top level is in the band
        or has no time.
    """
    lo, hi = band_s
    top = times[-1] if times else None
    if top is None or not math.isfinite(top) or lo <= top <= hi:
        return None
    k = 1.0
    if len(sizes) >= 3:
        s1, s2, t1, t2 = sizes[-2], sizes[-1], times[-2], times[-1]
        if t1 and t2 and t1 > 0 and t2 > 0 and s1 > 0 and s2 > s1:
            k = min(3.0, max(0.5, math.log(t2 / t1) / math.log(s2 / s1)))
    target = math.sqrt(lo * hi)
    factor = (target / max(top, 1e-6)) ** (1.0 / k)
    return (sizes[0], *(max(1, round(s * factor)) for s in sizes[1:]))


def _cross_process_digests(problem_set: ProblemSet, ids: Sequence[str],
                           seed: int) -> dict[str, str | None] | None:
    """Input digests computed by a child process with a fixed, different hash seed."""
    env = dict(os.environ, PYTHONHASHSEED="20261128")
    cmd = [sys.executable, "-m", "codeeff.problems._digests", str(problem_set.root), str(seed),
           *ids]
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    try:
        return json.loads(done.stdout)
    except ValueError:
        return None


def _run_reference(sandbox: Sandbox, program: Program, payload: Payload,
                   limits: Limits) -> tuple[Any, str | None]:
    ex = sandbox.run(program, payload, limits)
    if ex.verdict is not Verdict.OK:
        why = ex.error or ex.detail or ""
        return None, f"{ex.verdict.value}{': ' + why if why else ''}"
    return ex.value, None


def _check_checker(problem: Problem, cases: Sequence[tuple[tuple, Any]]) -> list[Finding]:
    """The checker accepts the expected answers and rejects perturbed ones."""
    findings: list[Finding] = []
    tried = rejected_all = 0
    accepted_example: str | None = None
    for args, expected in cases:
        try:
            if not problem.check(args, expected, expected, strict=True):
                return [Finding(Severity.ERROR, "the checker rejects the reference's own answer",
                                "check(args, expected, expected) must be True")]
        except ProblemError as exc:
            return [Finding(Severity.ERROR, exc.message, exc.hint)]
        variants = perturbations(expected)
        if not variants:
            continue
        tried += 1
        accepted = [v for v in variants if problem.check(args, expected, v)]
        if not accepted:
            rejected_all += 1
        elif accepted_example is None:
            accepted_example = repr(accepted[0])[:60]
    if tried and rejected_all == 0:
        findings.append(Finding(
            Severity.ERROR, f"the checker accepts perturbed answers (e.g. {accepted_example})",
            "make check() compare the answer with `expected` (or validate it against `args`)",
        ))
    elif accepted_example is not None:
        findings.append(Finding(
            Severity.WARNING,
            f"the checker accepts some perturbed answers (e.g. {accepted_example}); fine if "
            "several answers are right",
        ))
    return findings


WORK_TIMES = 3
"""How many times :func:`repeated_work` does the reference's work in ``problems check``."""

_REPEATED_WORK = """import copy as _copy

_original: dict = {{}}
exec(compile({source!r}, "<original>", "exec"), _original)


def {entry}(*args):
    for _ in range({extra}):
        _original[{entry!r}](*_copy.deepcopy(args))
    return _original[{entry!r}](*args)
"""


def repeated_work(source: str, entry_point: str, times: int = WORK_TIMES) -> str:
    """A program whose entry point does the work of ``source``'s ``times`` times.

    It calls the original ``times - 1`` times on deep copies of its arguments (some solutions
    sort or consume their input in place), then once on the arguments, and returns that
    answer. The original runs in a namespace of its own, so a recursive solution still calls
    itself. Its module-level code runs once, like the original's: only the call's work is
    repeated (copying the arguments adds a little more).

    Raises:
        ValueError: if ``times`` < 1 or ``entry_point`` is not an identifier.
    """
    if times < 1:
        raise ValueError(f"times must be >= 1, got {times}")
    if not entry_point.isidentifier():
        raise ValueError(f"entry_point {entry_point!r} is not an identifier")
    return _REPEATED_WORK.format(source=source, entry=entry_point, extra=times - 1)


def check_problem(
    problem: Problem,
    sandbox: Sandbox,
    config: CheckConfig,
    *,
    other_digest: str | None = None,
    slow_sandbox: Sandbox | None = None,
) -> ProblemCheck:
    """Check one problem (see the module docstring).

    Args:
        problem: The problem.
        sandbox: An open sandbox to run the reference in.
        config: Band, threshold, repetitions.
        other_digest: The input digest another process computed (None skips that check).
        slow_sandbox: Another open sandbox on the same core(s) for the known-slow solutions,
            never given the reference, recycled after each; ``None`` runs them in ``sandbox``
            (they are trusted code).
    """
    start = time.perf_counter()
    spec = problem.spec
    sizes = tuple(level.size for level in spec.levels)
    findings: list[Finding] = []

    def done(**kw: Any) -> ProblemCheck:
        return ProblemCheck(problem_id=problem.id, findings=tuple(findings), sizes=sizes,
                            elapsed_s=time.perf_counter() - start, **kw)

    # 1. The generator: deterministic, and its inputs encode.
    try:
        inputs = problem.inputs(config.seed)
        again = problem.inputs(config.seed)
    except ProblemError as exc:
        findings.append(Finding(Severity.ERROR, exc.message, exc.hint))
        return done()
    try:
        payloads = [[Payload.from_args(args) for args in level] for level in inputs]
        payloads_again = [[Payload.from_args(args) for args in level] for level in again]
    except WireError as exc:
        findings.append(Finding(Severity.ERROR, f"an input cannot be encoded: {exc}",
                                "generators must return plain data (see codeeff.sandbox.wire)"))
        return done()
    if [[p.digest for p in lv] for lv in payloads] != \
            [[p.digest for p in lv] for lv in payloads_again]:
        findings.append(Finding(Severity.ERROR, "the generator is not deterministic",
                                "draw every random number from `rng`, never from `random`"))
        return done()
    here = digest_encoded_inputs(p.data for level in payloads for p in level)
    if other_digest is not None and other_digest != here:
        findings.append(Finding(
            Severity.ERROR, "the inputs change with Python's hash seed (PYTHONHASHSEED)",
            "do not let the order of a set or of hash-ordered data reach the inputs: "
            "iterate sorted(...) instead",
        ))
        return done()

    reference = Program(problem.reference, spec.entry_point)
    ref_limits = Limits(cpu_s=config.reference_cpu_s, memory_mb=spec.memory_mb)

    # 2. Correctness of the reference on level 0 (timed levels are checked while timing).
    expected: list[list[Any]] = [[None] * len(level) for level in inputs]
    for case, payload in enumerate(payloads[0]):
        value, failure = _run_reference(sandbox, reference, payload, ref_limits)
        if failure:
            findings.append(Finding(Severity.ERROR,
                                    f"the reference fails level 0 case {case}: {failure}"))
            return done()
        expected[0][case] = value

    # 3. Time the reference on the timed levels; its answers there are expected too.
    ref_times: list[float | None] = [None]
    ref_case_times: dict[tuple[int, int], float] = {}
    for level in problem.timed_levels:
        worst = 0.0
        for case, payload in enumerate(payloads[level.index]):
            m = measure_case(sandbox, [reference], payload, [ref_limits], config.policy)
            meas = m.programs[0]
            if meas.verdict is not Verdict.OK:
                why = meas.error or meas.detail
                findings.append(Finding(
                    Severity.ERROR,
                    f"the reference fails level {level.index} case {case}: "
                    f"{meas.verdict.value}{': ' + why if why else ''}",
                    "lower the level's size" if meas.verdict is Verdict.TIMEOUT else None,
                ))
                return done(ref_level_times_s=tuple(ref_times))
            if not meas.values_agree:
                findings.append(Finding(
                    Severity.WARNING,
                    f"the reference returned different answers on repeats (level "
                    f"{level.index} case {case})",
                ))
            expected[level.index][case] = meas.value
            ref_case_times[level.index, case] = meas.time_s
            worst = max(worst, meas.time_s)
        ref_times.append(worst)

    # 4. The checker.
    findings.extend(_check_checker(problem, [
        (args, expected[li][ci]) for li, level in enumerate(inputs)
        for ci, args in enumerate(level)
    ]))

    # 5. The band.
    lo, hi = config.band_s
    top = ref_times[-1]
    suggested = suggest_sizes(sizes, ref_times, config.band_s)
    if top is not None and not lo <= top <= hi:
        where = "below" if top < lo else "above"
        findings.append(Finding(
            Severity.WARNING,
            f"the reference takes {top * 1e3:.1f} ms at the top level, {where} the band "
            f"{lo * 1e3:g} ms – {hi * 1e3:g} ms",
            f"try sizes {', '.join(map(str, suggested[1:]))} for the timed levels"
            if suggested else None,
        ))

    # 6. Known-slow solutions must be separated from the reference.
    weights = [level.weight for level in spec.levels]
    try:
        limit = estimators.time_limit(ref_times, spec.time_factor, weights)
    except ValueError as exc:
        findings.append(Finding(Severity.ERROR, f"no time limit can be computed: {exc}"))
        return done(ref_level_times_s=tuple(ref_times))
    slow_checks = []
    for name, source in problem.slow.items():
        slow_checks.append(_check_slow(
            problem, name, source, inputs, payloads, expected, ref_times, limit, weights,
            config, slow_sandbox if slow_sandbox is not None else sandbox, findings))
        if slow_sandbox is not None:
            slow_sandbox.recycle()  # the next one starts in a fresh environment

    # 7. The reference's work must show in its time.
    share = _work_share(problem, payloads, ref_case_times, ref_limits, config,
                        slow_sandbox if slow_sandbox is not None else sandbox)
    if slow_sandbox is not None:
        slow_sandbox.recycle()
    if share is not None and share < config.min_work_share:
        findings.append(Finding(
            Severity.WARNING,
            f"only {share:.0%} of the reference's top-level time grows with the work of its "
            f"call (doing that work {WORK_TIMES} times takes {1 + (WORK_TIMES - 1) * share:.2f}"
            "x as long): module-level code, compiling the source or encoding the result "
            "dominate, so scores can barely tell a fast function from a slow one",
            "raise the sizes of the timed levels so that the call's work dominates; work done "
            "at import is charged to every run, like the call",
        ))
    return done(ref_level_times_s=tuple(ref_times), time_limit_s=limit,
                suggested_sizes=suggested, slow=tuple(slow_checks), work_share=share)


def _work_share(problem: Problem, payloads: list[list[Payload]],
                ref_case_times: dict[tuple[int, int], float], ref_limits: Limits,
                config: CheckConfig, sandbox: Sandbox) -> float | None:
    """:attr:`ProblemCheck.work_share`, measured on the top level's slowest test."""
    top = problem.timed_levels[-1].index
    case, ref_time = max(((c, t) for (lv, c), t in ref_case_times.items() if lv == top),
                         key=lambda ct: ct[1])
    if not ref_time > 0:
        return None
    program = Program(repeated_work(problem.reference, problem.spec.entry_point),
                      problem.spec.entry_point)
    meas = measure_case(sandbox, [program], payloads[top][case], [ref_limits],
                        config.policy).programs[0]
    if meas.verdict is not Verdict.OK:
        return None
    ratio = meas.time_s / ref_time
    return min(1.0, max(0.0, (ratio - 1) / (WORK_TIMES - 1)))


def _check_slow(
    problem: Problem, name: str, source: str, inputs: list[list[tuple]],
    payloads: list[list[Payload]], expected: list[list[Any]], ref_times: list[float | None],
    limit: float, weights: list[float], config: CheckConfig, sandbox: Sandbox,
    findings: list[Finding],
) -> SlowCheck:
    spec = problem.spec
    program = Program(source, spec.entry_point)
    # Killing at T (plus the harness floor) is exact: any time >= T scores 0 anyway.
    kill = Limits(cpu_s=limit + 0.05, memory_mb=spec.memory_mb)
    times: list[float | None] = [None] * len(spec.levels)
    for case, payload in enumerate(payloads[0]):
        ex = sandbox.run(program, payload, Limits(cpu_s=config.reference_cpu_s,
                                                  memory_mb=spec.memory_mb))
        if ex.verdict is not Verdict.OK or not problem.check(inputs[0][case],
                                                             expected[0][case], ex.value):
            findings.append(Finding(
                Severity.ERROR, f"slow solution {name!r} is wrong on level 0 case {case} "
                f"({ex.verdict.value})", "known-slow solutions must be correct",
            ))
            return SlowCheck(name, None, tuple(times), False)
    killed = False
    for level in problem.timed_levels:
        if killed:
            times[level.index] = math.inf  # ENAMEL cascade: later levels are censored too
            continue
        worst = 0.0
        for case, payload in enumerate(payloads[level.index]):
            meas = measure_case(sandbox, [program], payload, [kill], config.policy).programs[0]
            if meas.verdict is Verdict.TIMEOUT:
                worst, killed = math.inf, True
                break
            if meas.verdict is not Verdict.OK or not problem.check(
                inputs[level.index][case], expected[level.index][case], meas.value
            ):
                findings.append(Finding(
                    Severity.ERROR, f"slow solution {name!r} is wrong or fails on level "
                    f"{level.index} case {case} ({meas.verdict.value})",
                    "known-slow solutions must be correct",
                ))
                return SlowCheck(name, None, tuple(times), False)
            worst = max(worst, meas.time_s)
        times[level.index] = worst
    score_times = [0.0 if level.weight == 0 else times[level.index] for level in spec.levels]
    score = float(estimators.efficiency_score(
        [math.inf if t is None else t for t in score_times], ref_times, limit, weights,
    ))
    separated = score <= config.slow_score_max
    if not separated:
        findings.append(Finding(
            Severity.ERROR,
            f"weak generator: known-slow solution {name!r} scores {score:.2f} "
            f"(> {config.slow_score_max:g}), too close to the reference",
            "raise the sizes of the timed levels or add adversarial cases that the slow "
            "solution handles badly",
        ))
    return SlowCheck(name, score, tuple(times), separated)


def _open_sandbox(config: SandboxConfig) -> Sandbox:
    """``codeeff.sandbox.open_sandbox``, loaded on use (the backends are heavy)."""
    try:
        from codeeff.sandbox import open_sandbox  # type: ignore[attr-defined]
    except ImportError:
        # Until the sandbox package exports its opener, the process backend is reachable
        # directly; the docker backend is not.
        if config.backend != "process":
            raise SandboxSetupError(
                f"the {config.backend} backend is not available in this build",
                hint="use --backend process for trusted benchmark code",
            ) from None
        from codeeff.sandbox.process_backend import ProcessSandbox

        return ProcessSandbox(config)
    return open_sandbox(config)


def check_problems(
    problem_set: ProblemSet,
    sandbox_config: SandboxConfig,
    config: CheckConfig | None = None,
    *,
    ids: Sequence[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> CheckReport:
    """Check the problems ``ids`` of ``problem_set`` (all when None).

    Args:
        problem_set: The loaded set.
        sandbox_config: Where to run the references and slow solutions (``process`` needs
            ``allow_unsafe_process``; acceptable for trusted benchmark code only).
        config: Band, threshold, repetitions.
        ids: Problem ids to check.
        progress: Called as ``progress(problem_id, index, total)`` before each problem.

    Raises:
        ProblemError: for an unknown id.
        SandboxSetupError: when the sandbox cannot start.
    """
    config = config or CheckConfig()
    start = time.perf_counter()
    chosen = [problem_set.get(i) for i in ids] if ids else list(problem_set.problems.values())
    others: dict[str, str | None] | None = None
    if config.cross_process:
        others = _cross_process_digests(problem_set, [p.id for p in chosen], config.seed)
    results: list[ProblemCheck] = []
    # The reference's sandbox and the slow solutions' one, on the same core(s).
    with _open_sandbox(sandbox_config) as sandbox, \
            _open_sandbox(sandbox_config) as slow_sandbox:
        for i, problem in enumerate(chosen):
            if progress is not None:
                progress(problem.id, i, len(chosen))
            result = check_problem(problem, sandbox, config,
                                   other_digest=(others or {}).get(problem.id),
                                   slow_sandbox=slow_sandbox)
            if others is None and config.cross_process:
                result = replace(result, findings=(*result.findings, Finding(
                    Severity.WARNING, "the cross-process determinism check could not run")))
            results.append(result)
            sandbox.recycle()
    return CheckReport(problem_set=problem_set.name, config=config, problems=tuple(results),
                       elapsed_s=time.perf_counter() - start, backend=sandbox_config.backend)
