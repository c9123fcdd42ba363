"""Scoring from stored records: ENAMEL's scores, censoring, pass/fail, rescoring a smaller α.

The oracle values are the research note's O5 (ENAMEL per-sample scores with α = 2, weights
0/3/3/4, reference level times 0.01/0.10/0.50, so T = 1.0).
"""

from __future__ import annotations

import math

import pytest

from codeeff.results import CaseRun, ReferenceRecord, SampleRecord
from codeeff.scoring import ScoringParams, score_problem

REF = {1: 0.01, 2: 0.10, 3: 0.50}
PARAMS = ScoringParams(weights=(0.0, 3.0, 3.0, 4.0), alpha=2.0, tolerance_s=0.01, ks=(1, 2))


def _ref(kill_net: float = 1.3 * 2 * 0.5 + 0.01) -> ReferenceRecord:
    timed = tuple(CaseRun(lv, 0, "ok", (t,) * 4, baseline_s=(0.0,)) for lv, t in REF.items())
    level0 = (CaseRun(0, 0, "ok", (0.001,)),)
    return ReferenceRecord("rk", "p", "d", 1, 2.0, kill_net, level0, timed, (("0",),) * 4)


def _sample(digest: str, times: dict[int, float | str], level0: str = "ok") -> SampleRecord:
    tests = [CaseRun(0, 0, level0, (0.001,) if level0 == "ok" else ())]
    if level0 == "ok":
        for lv, t in times.items():
            if isinstance(t, str):  # a verdict
                tests.append(CaseRun(lv, 0, t, (), (REF[lv],) * 6, (0.0,),
                                     error="MemoryError" if t == "runtime_error" else None))
                break
            tests.append(CaseRun(lv, 0, "ok", (t,) * 6, (REF[lv],) * 6, (0.0,)))
    return SampleRecord(f"k-{digest}", "p", digest, "rk", tuple(tests))


def _score(records, params=PARAMS, kill_net=None):
    recs = {r.code_digest: r for r in records}
    samples = [(i, r.code_digest) for i, r in enumerate(records)]
    ref = _ref() if kill_net is None else _ref(kill_net)
    return score_problem("p", ref, recs, samples, params)


def test_enamel_oracle_scores():
    ps = _score([
        _sample("A", {1: 0.02, 2: 0.30, 3: 0.80}),
        _sample("B", {1: 0.02, 2: 0.30, 3: "timeout"}),
        _sample("C", dict(REF)),
        _sample("D", {lv: t / 2 for lv, t in REF.items()}),
    ])
    assert ps.time_limit_s == pytest.approx(1.0)
    scores = [s.score for s in ps.samples]
    assert scores == pytest.approx([0.690303, 0.530303, 1.0, 1.218182], abs=1e-6)
    assert all(s.passed for s in ps.samples)
    assert ps.samples[1].censored_level == 3 and ps.samples[1].level_times[3] is None
    assert ps.eff_at_k[1] == pytest.approx(sum(scores) / 4)
    assert ps.pass_at_k[1] == 1.0


def test_failures_and_timeouts():
    ps = _score([
        _sample("killed-l1", {1: "timeout"}),
        _sample("oom-l2", {1: 0.02, 2: "out_of_memory"}),
        _sample("memerr-l2", {1: 0.02, 2: "runtime_error"}),
        _sample("wrong-l2", {1: 0.02, 2: "wrong_answer"}),
        _sample("killed-l0", {}, level0="timeout"),
        _sample("error-l0", {}, level0="runtime_error"),
    ])
    out = {s.code_digest: s for s in ps.samples}
    # ENAMEL: a kill (or MemoryError) at a timed level passes with 0 from that level on.
    assert out["killed-l1"].passed and out["killed-l1"].score == 0.0
    assert out["oom-l2"].passed and out["oom-l2"].censored_level == 2
    assert out["oom-l2"].score == pytest.approx(0.3 * (1 - 0.02) / (1 - 0.01))
    assert out["memerr-l2"].passed
    assert not out["wrong-l2"].passed and out["wrong-l2"].outcome == "wrong_answer"
    assert out["wrong-l2"].failed_at == (2, 0)
    assert not out["killed-l0"].passed and out["killed-l0"].outcome == "timeout"
    assert not out["error-l0"].passed
    assert ps.c == 3 and ps.pass_at_k[1] == pytest.approx(0.5)


def test_run_beyond_limit_but_not_killed_is_censored():
    # Finished after T + tol (the kill came late): ENAMEL would have killed it → censored.
    ps = _score([_sample("late", {1: 0.02, 2: 1.5, 3: 0.4})])
    s = ps.samples[0]
    assert s.passed and s.censored_level == 2
    assert s.score == pytest.approx(0.3 * (1 - 0.02) / (1 - 0.01))


def test_smaller_alpha_replays_enamel():
    small = ScoringParams(weights=PARAMS.weights, alpha=1.5, tolerance_s=0.01, ks=(1,))
    ps = _score([_sample("A", {1: 0.02, 2: 0.30, 3: 0.80}),
                 _sample("wrong-after", {1: 0.02, 2: 0.90, 3: "wrong_answer"})], params=small)
    a, w = ps.samples
    assert ps.time_limit_s == pytest.approx(0.75)
    f1, f2 = (0.75 - 0.02) / (0.75 - 0.01), (0.75 - 0.30) / (0.75 - 0.10)
    assert a.censored_level == 3 and a.score == pytest.approx(0.3 * f1 + 0.3 * f2)
    # Killed at level 2 under the smaller limit, so the wrong answer at level 3 is never seen.
    assert w.passed and w.censored_level == 2


def test_limit_capped_by_kill_limit():
    ps = _score([_sample("C", dict(REF))], kill_net=0.81)
    assert ps.limit_capped and ps.time_limit_s == pytest.approx(0.80)
    assert any("capped" in f for f in ps.flags)


def test_duplicates_share_a_record_and_missing_ones_fail():
    rec = _sample("C", dict(REF))
    ps = score_problem("p", _ref(), {"C": rec}, [(0, "C"), (1, "C"), (2, "X")], PARAMS)
    assert [s.index for s in ps.samples] == [0, 1, 2]
    assert [s.outcome for s in ps.samples] == ["passed", "passed", "not_measured"]
    assert ps.n == 3 and ps.c == 2
    assert ps.eff_at_k[2] == pytest.approx(1.0)  # any pair holds a score-1 sample
    assert any("not measured" in f for f in ps.flags)


def test_noise_split_of_identical_reference_reps_is_one():
    ps = _score([_sample("C", dict(REF))])
    assert ps.noise_score == pytest.approx(1.0)
    assert ps.ref_rel_mad == 0.0


def test_broken_reference():
    ref = ReferenceRecord("rk", "p", "d", 1, 2.0, math.inf, (), (), (), error="boom")
    ps = score_problem("p", ref, {}, [(0, "x")], PARAMS)
    assert ps.error == "boom" and ps.c == 0


def test_noise_floor_ignores_tests_timed_once():
    """The reference-split noise figure halves each test's pooled repetitions; a test timed
    only once (the probe's run, when every sample was censored before it) cannot be split.
    Before, its single run went to one half only and the figure read 1.2 for such sets."""
    timed = [CaseRun(1, 0, "ok", (0.010, 0.010), baseline_s=(0.0,)),
             CaseRun(2, 0, "ok", (0.100, 0.100), baseline_s=(0.0,)),
             CaseRun(2, 1, "ok", (0.300,), baseline_s=(0.0,)),  # timed once
             CaseRun(3, 0, "ok", (0.500, 0.500), baseline_s=(0.0,))]
    ref = ReferenceRecord("rk", "p", "d", 1, 2.0, 10.0, (CaseRun(0, 0, "ok", (0.001,)),),
                          tuple(timed), (("0",),) * 4)
    rec = _sample("a", {1: 0.01, 2: 0.1, 3: 0.5})
    score = score_problem("p", ref, {"a": rec}, [(0, "a")], PARAMS)
    assert score.noise_score == pytest.approx(1.0)


def test_noise_floor_split_balances_the_alternating_start_of_the_interleaving():
    """The rotation in measure_case makes every other reference repetition start right after
    the sample (cache-cold: ~1.5 % slower on the ENAMEL benchmark). Alternate halves put all
    cold starts on one side and read them as a loss (0.966 on the benchmark, 0.985 with this
    split); the A B B A A B deal balances them over a problem's calls."""
    def alternating(t: float) -> tuple[float, ...]:
        return tuple(t * (1.03 if i % 2 else 1.0) for i in range(6))

    timed = tuple(CaseRun(lv, 0, "ok", alternating(t), baseline_s=(0.0,))
                  for lv, t in REF.items())
    ref = ReferenceRecord("rk", "p", "d", 1, 2.0, 10.0, (CaseRun(0, 0, "ok", (0.001,)),),
                          timed, (("0",),) * 4)
    tests = [CaseRun(0, 0, "ok", (0.001,))] + [
        CaseRun(lv, 0, "ok", (t,) * 6, alternating(t), (0.0,)) for lv, t in REF.items()]
    rec = SampleRecord("k-a", "p", "a", "rk", tuple(tests))
    score = score_problem("p", ref, {"a": rec}, [(0, "a")], PARAMS)
    assert score.noise_score == pytest.approx(1.0, abs=1e-9)  # alternate halves: 0.9869


@pytest.mark.parametrize(("net_l1", "flagged"), [(0.00008, True), (0.0002, False)])
def test_short_reference_time_is_flagged_against_the_baseline(net_l1, flagged):
    base = 0.00005  # the no-op's own cost inside every measured run
    times = {1: net_l1, 2: 0.01, 3: 0.05}
    timed = tuple(CaseRun(lv, 0, "ok", (t + base,) * 4, baseline_s=(base,) * 3)
                  for lv, t in times.items())
    ref = ReferenceRecord("rk", "p", "d", 1, 2.0, 1.0, (CaseRun(0, 0, "ok", (0.001,)),), timed,
                          (("0",),) * 4)
    sample = SampleRecord("k-C", "p", "C", "rk", (
        CaseRun(0, 0, "ok", (0.001,)),
        *(CaseRun(lv, 0, "ok", (t + base,) * 6, (t + base,) * 6, (base,))
          for lv, t in times.items())))
    ps = score_problem("p", ref, {"C": sample}, [(0, "C")], PARAMS)
    assert ps.ref_level_times[1] == pytest.approx(net_l1)
    assert any("the no-op baseline" in f for f in ps.flags) is flagged


def test_two_slow_noops_in_six_do_not_move_the_baseline():
    # HumanEval/155 on the ENAMEL benchmark: a trivial function (gross 0.19 ms on both sides,
    # ~0.06 ms of it the harness) whose reference sandbox had two slow no-ops in six. Taken as
    # the baselines' Hodges–Lehmann estimate they made the identical sample score 0.52.
    ref_noops, sample_noops = (0.207, 0.066, 0.163, 0.057, 0.063, 0.058), (0.061, 0.059, 0.067,
                                                                             0.058, 0.069, 0.062)
    gross = 0.00019
    timed = tuple(CaseRun(lv, 0, "ok", (gross,), baseline_s=(ref_noops[2 * lv - 2] * 1e-3,))
                  for lv in (1, 2, 3))
    ref = ReferenceRecord("rk", "p", "d", 1, 2.0, 1.0, (CaseRun(0, 0, "ok", (0.001,)),), timed,
                          (("0",),) * 4)
    sample = SampleRecord("k-C", "p", "C", "rk", (
        CaseRun(0, 0, "ok", (0.001,)),
        *(CaseRun(lv, 0, "ok", (gross,) * 6, (gross,) * 6, (sample_noops[2 * lv - 2] * 1e-3,),
                  ref_baseline_s=(ref_noops[2 * lv - 1] * 1e-3,))
          for lv in (1, 2, 3))))
    ps = score_problem("p", ref, {"C": sample}, [(0, "C")], PARAMS)
    assert ps.samples[0].score == pytest.approx(1.0, abs=0.05)
