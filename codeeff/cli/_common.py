"""Small pieces shared by the CLI commands."""

from __future__ import annotations

import click


def ensure_sandbox_image(backend: str, image: str | None) -> None:
    """Build the sandbox image before a docker run when it is missing, saying so on stderr.

    The library's entry points only find the image (a missing one is an error with the fix);
    the commands build it, so that a newcomer's first ``codeeff score`` just works.
    """
    if backend != "docker":
        return
    from codeeff.sandbox.image import ensure_image

    ensure_image(image, progress=lambda msg: click.echo(msg, err=True))
