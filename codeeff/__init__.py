"""codeeff: an efficiency evaluator for LLM-generated code.

The public surface a notebook may use is listed in ``__all__``; everything else is private or
re-exported by a subpackage. The scoring entry points are imported lazily so that
``import codeeff`` stays light (no numpy, docker or scipy until they are used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["ScoreConfig", "Summary", "__version__", "rescore", "score"]

if TYPE_CHECKING:
    from codeeff.config import ScoreConfig
    from codeeff.runner import rescore, score
    from codeeff.summary import Summary

_LAZY = {
    "score": ("codeeff.runner", "score"),
    "rescore": ("codeeff.runner", "rescore"),
    "ScoreConfig": ("codeeff.config", "ScoreConfig"),
    "Summary": ("codeeff.summary", "Summary"),
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'codeeff' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(target[0]), target[1])


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
