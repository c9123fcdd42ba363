"""Problems: the native format, the loader, the authoring tools and the ENAMEL import."""

from codeeff.problems.model import ENAMEL_LEVELS, Level, ProblemSpec

__all__ = ["ENAMEL_LEVELS", "Level", "ProblemSpec"]
