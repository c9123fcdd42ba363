"""The one resolver for data that ships with codeeff.

The built-in problem set (``problems/``, ``reference_solutions/``) and the sandbox recipe
(``sandbox/``) live at the top of the source tree. An installed wheel carries them under
``codeeff/_data``; an editable install or a checkout reads them from the tree. Nothing else in
codeeff builds paths to these folders.
"""

from __future__ import annotations

from pathlib import Path

from codeeff.errors import CodeeffError

__all__ = ["builtin_root", "sandbox_recipe_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_root() -> Path:
    """Return the folder that holds ``problems/``, ``reference_solutions/`` and ``sandbox/``.

    Raises:
        CodeeffError: if neither the wheel's data nor a source checkout is found.
    """
    for candidate in (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent):
        if (candidate / "problems").is_dir() and (candidate / "sandbox").is_dir():
            return candidate
    raise CodeeffError(
        "codeeff's built-in data (problems/, sandbox/) is missing from this installation",
        hint="reinstall codeeff with `pip install --force-reinstall codeeff`",
    )


def sandbox_recipe_dir() -> Path:
    """Return the folder with the sandbox image recipe (Dockerfile, seccomp profile)."""
    return builtin_root() / "sandbox"
