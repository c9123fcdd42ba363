"""The error hierarchy of codeeff.

Every error a user can cause or fix is a :class:`CodeeffError`. Its message says what is wrong
and, in ``hint``, how to fix it; the CLI prints both without a traceback and exits 1. Anything
else that escapes is a bug in codeeff and keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "CodeeffError",
    "ConfigError",
    "EstimatorError",
    "ProblemError",
    "ResultsError",
    "SamplesError",
    "SandboxError",
    "SandboxSetupError",
]


class CodeeffError(Exception):
    """Base class of every error codeeff reports to a user.

    Args:
        message: What went wrong, in one sentence.
        hint: The fix: a command to run or a thing to change. Optional.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ConfigError(CodeeffError):
    """A configuration value is invalid (a flag, a preset, a config file)."""


class SamplesError(CodeeffError):
    """A samples file cannot be read: wrong format, unknown task ids, bad encoding."""


class ProblemError(CodeeffError):
    """A problem definition is broken. The message names the problem id and the file."""

    def __init__(
        self,
        message: str,
        *,
        problem_id: str | None = None,
        path: str | None = None,
        hint: str | None = None,
    ) -> None:
        where = ", ".join(x for x in (problem_id and f"problem {problem_id}", path) if x)
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.problem_id = problem_id
        self.path = path


class SandboxSetupError(CodeeffError):
    """The sandbox cannot start: no Docker engine, no image, an unsupported host."""


class SandboxError(CodeeffError):
    """The sandbox itself failed while running code (never the sample's fault)."""


class ResultsError(CodeeffError):
    """A results directory cannot be used: another format version, machine or configuration."""


class EstimatorError(CodeeffError, ValueError):
    """Invalid arguments to an estimator (k > n, NaN scores, mismatched lengths).

    It is a ``ValueError`` too, so that library users can catch the standard type.
    """
