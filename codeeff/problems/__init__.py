"""Problems: the native format, the loader, the authoring tools and the ENAMEL import."""

from codeeff.problems.checking import default_check
from codeeff.problems.loader import Problem, ProblemSet, load_problem, load_problem_set
from codeeff.problems.model import ENAMEL_LEVELS, Level, ProblemSpec

__all__ = [
    "ENAMEL_LEVELS",
    "Level",
    "Problem",
    "ProblemSet",
    "ProblemSpec",
    "default_check",
    "load_problem",
    "load_problem_set",
]
