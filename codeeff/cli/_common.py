"""Small pieces shared by the CLI commands."""

from __future__ import annotations

from codeeff.errors import NotImplementedYetError


def not_implemented(feature: str) -> NotImplementedYetError:
    """Build the error a command raises while its feature is not built yet."""
    return NotImplementedYetError(
        f"`{feature}` is not implemented yet in this version of codeeff",
        hint="see the project's issue tracker for its status",
    )
