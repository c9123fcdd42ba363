"""``ScoreConfig``: every setting of a scoring run, in one frozen record, and the named presets.

The fields split in two groups, and the split matters for caching:

* **measurement** fields change what is executed or how long a run may last (tests per level,
  repetitions, α, which bounds the kill limit, the input seed, the backend). Results measured
  under one set of measurement fields are never mixed with results of another
  (:meth:`ScoreConfig.measurement_key`).
* **scoring** fields (k, weights, a smaller α, the interval method) only change how the stored raw
  times are turned into numbers: ``codeeff rescore`` may change them without running anything.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codeeff.errors import ConfigError

__all__ = ["PRESETS", "ScoreConfig", "digest_measurement", "parse_floats", "parse_k", "preset"]


@dataclass(frozen=True)
class ScoreConfig:
    """How to score samples. Build one directly, from a preset (:func:`preset`) or from the CLI."""

    preset: str = "default"
    """Name of the preset this config started from (recorded, informative only)."""

    # --- what to report -------------------------------------------------------------------
    k: tuple[int, ...] = (1, 10, 100)
    """The k of pass@k and eff@k; a k larger than a problem's number of samples is skipped."""
    confidence: float = 0.95
    """Coverage of the confidence intervals."""
    interval: str = "t"
    """``t`` (Student t over problems) or ``bootstrap`` (percentile bootstrap over problems)."""
    bootstrap_resamples: int = 10_000
    bootstrap_seed: int = 0
    """Seed of the bootstrap's generator (recorded in the summary)."""

    # --- the protocol ----------------------------------------------------------------------
    level_tests: tuple[int, ...] | None = None
    """Tests per level (level 0 first); ``None`` keeps each problem's own. ENAMEL: 8/4/4/4."""
    weights: tuple[float, ...] | None = None
    """Weight of each level (level 0 first); ``None`` keeps each problem's own. ENAMEL: 0/3/3/4."""
    alpha: float | None = None
    """Time-limit factor α (T = α × slowest reference time); ``None`` keeps each problem's."""
    tolerance_s: float = 0.01
    """Added to the kill limit only (ENAMEL's ``tolerence_sec``): runs are killed at T + this."""
    min_reps: int = 6
    """Repetitions of every timed (program, test) pair (ENAMEL: R = 6)."""
    max_reps: int = 10
    """Upper bound when a pair stays noisy (adaptive repetitions); ``= min_reps`` is fixed R."""
    target_rel_mad: float = 0.05
    """Relative MAD above which a pair gets more repetitions and is flagged noisy."""
    baseline_reps: int = 6
    """No-op baseline runs per problem and sandbox (one per timed test, spread over the levels;
    pooled per problem and side, since the no-op's cost does not depend on the input)."""
    probe_reps: int = 1
    """Repetitions of the reference per timed test before any sample runs (sets the kill limit;
    pooled with the interleaved ones afterwards)."""
    kill_margin: float = 1.5
    """The kill limit is this × α × the probe's slowest reference time (+ tolerance), so that it
    stays above the final T and censoring stays exact."""
    reference_limit_s: float = 60.0
    """CPU limit of reference runs (a reference that needs more is a broken problem)."""
    input_seed: int = 0
    """Seed handed to the problem generators."""
    split_reference_runs: bool = False
    """A sample textually identical to the reference is not timed on its own: the reference's
    ``min_reps`` repetitions are split alternately between the two (half each). Halves the work
    of scoring references as samples (the benchmark's case); the score's noise is then that of
    ``min_reps / 2`` repetitions per side, so the noise floor it shows is, if anything, larger."""

    # --- where it runs ---------------------------------------------------------------------
    backend: str = "docker"
    """``docker`` or ``process`` (host processes: NOT a security boundary)."""
    allow_unsafe_process: bool = False
    """Explicit opt-in for the ``process`` backend."""
    jobs: int | None = None
    """Timing lanes, one pinned core each; ``None`` uses every core (at most 2 per machine core)."""
    image: str | None = None
    """Sandbox image; ``None`` uses the current recipe's tag."""

    def __post_init__(self) -> None:
        if not self.k or any(int(x) != x or x < 1 for x in self.k):
            raise ConfigError(f"k must be positive integers, got {self.k!r}", hint="e.g. -k 1,10")
        object.__setattr__(self, "k", tuple(sorted({int(x) for x in self.k})))
        if not 0.0 < self.confidence < 1.0:
            raise ConfigError(f"confidence must be in (0, 1), got {self.confidence}")
        if self.interval not in ("t", "bootstrap"):
            raise ConfigError(
                f"unknown interval method {self.interval!r}", hint="use `t` or `bootstrap`"
            )
        if self.alpha is not None and not self.alpha > 1.0:
            raise ConfigError(
                f"alpha must be > 1, got {self.alpha}",
                hint="the time limit T = alpha x reference time must exceed the reference time",
            )
        if self.weights is not None and (
            any(w < 0 for w in self.weights) or not any(w > 0 for w in self.weights)
        ):
            raise ConfigError(f"weights must be >= 0 with one > 0, got {self.weights!r}")
        if self.level_tests is not None and any(t < 1 for t in self.level_tests):
            raise ConfigError(f"level_tests must be >= 1, got {self.level_tests!r}")
        if self.min_reps < 1 or self.max_reps < self.min_reps:
            raise ConfigError(
                f"need 1 <= min_reps <= max_reps, got {self.min_reps} and {self.max_reps}"
            )
        if self.probe_reps < 1 or self.baseline_reps < 1:
            raise ConfigError("probe_reps and baseline_reps must be >= 1")
        if self.kill_margin < 1.0 or self.tolerance_s < 0:
            raise ConfigError("kill_margin must be >= 1 and tolerance_s >= 0")
        if self.backend not in ("docker", "process"):
            raise ConfigError(
                f"unknown backend {self.backend!r}", hint="use `docker` or `process`"
            )
        if self.backend == "process" and not self.allow_unsafe_process:
            raise ConfigError(
                "the process backend runs untrusted samples on the host without isolation",
                hint="pass --unsafe-process (allow_unsafe_process=True) if you accept that",
            )
        if self.jobs is not None and self.jobs < 1:
            raise ConfigError(f"jobs must be >= 1, got {self.jobs}")

    # ---------------------------------------------------------------------------------------
    _MEASUREMENT_FIELDS = (
        "level_tests", "tolerance_s", "min_reps", "max_reps", "target_rel_mad",
        "baseline_reps", "probe_reps", "kill_margin", "reference_limit_s", "input_seed",
        "backend", "split_reference_runs",
    )

    def measurement_key(self) -> dict[str, Any]:
        """The fields that change what is executed; results under another key never mix.

        ``alpha`` is not here: the kill limit is recorded per problem, and a smaller α is a
        rescoring. ``weights`` neither, as long as they only re-weight the timed levels.
        """
        return {name: _plain(getattr(self, name)) for name in self._MEASUREMENT_FIELDS}

    def measurement_digest(self) -> str:
        """A short digest of :meth:`measurement_key`."""
        return digest_measurement(self.measurement_key())

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (for ``summary.json``)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ConfigError(f"unknown configuration keys: {sorted(unknown)}")
        kw = dict(data)
        for name in ("k", "level_tests", "weights"):
            if kw.get(name) is not None:
                kw[name] = tuple(kw[name])
        return cls(**kw)

    def replace(self, **changes: Any) -> ScoreConfig:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


def digest_measurement(key: Mapping[str, Any]) -> str:
    """A short digest of a measurement key (as stored in a run's manifest)."""
    blob = json.dumps(dict(key), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


PRESETS: Mapping[str, Mapping[str, Any]] = {
    "default": {},
    # ENAMEL (Qiu et al., ICLR 2025, App. C.1 and q-rz/enamel demo.py defaults): tests per level
    # 8/4/4/4, hardness 0/3/3/4, timeout factor 2, 6 repetitions, 0.01 s kill tolerance.
    "enamel": {
        "level_tests": (8, 4, 4, 4),
        "weights": (0.0, 3.0, 3.0, 4.0),
        "alpha": 2.0,
        "min_reps": 6,
        "max_reps": 6,
        "tolerance_s": 0.01,
    },
}
"""Named configurations; a preset sets protocol fields, flags may still override others."""


def preset(name: str, **overrides: Any) -> ScoreConfig:
    """Build the config of a named preset, with some fields overridden.

    Raises:
        ConfigError: for an unknown preset name (with the known names).
    """
    if name not in PRESETS:
        import difflib

        close = difflib.get_close_matches(name, list(PRESETS), n=1)
        raise ConfigError(
            f"unknown preset {name!r}",
            hint=f"did you mean {close[0]!r}?" if close else f"known: {', '.join(PRESETS)}",
        )
    fields: dict[str, Any] = {**PRESETS[name], "preset": name}
    fields.update({k: v for k, v in overrides.items() if v is not None})
    return ScoreConfig(**fields)


def parse_k(text: str | Sequence[int]) -> tuple[int, ...]:
    """Parse ``"1,10,100"`` into ``(1, 10, 100)``.

    Raises:
        ConfigError: if an item is not a positive integer.
    """
    if not isinstance(text, str):
        return tuple(int(x) for x in text)
    try:
        ks = tuple(int(x) for x in text.replace(" ", "").split(",") if x)
    except ValueError:
        raise ConfigError(f"cannot read k from {text!r}", hint="e.g. -k 1,10,100") from None
    if not ks or any(x < 1 for x in ks):
        raise ConfigError(f"k must be positive integers, got {text!r}", hint="e.g. -k 1,10,100")
    return ks


def parse_floats(text: str, what: str) -> tuple[float, ...]:
    """Parse ``"0,3,3,4"`` into floats.

    Raises:
        ConfigError: if an item is not a number.
    """
    try:
        return tuple(float(x) for x in text.replace(" ", "").split(",") if x)
    except ValueError:
        raise ConfigError(f"cannot read {what} from {text!r}", hint="e.g. 0,3,3,4") from None
