"""``codeeff sandbox``: build the image and check the engine."""

from __future__ import annotations

import click

from codeeff.cli._common import not_implemented


@click.group()
def sandbox() -> None:
    """Build and check the Docker sandbox."""


@sandbox.command()
def build() -> None:
    """Build the sandbox image (offline-capable)."""
    raise not_implemented("codeeff sandbox build")


@sandbox.command()
def check() -> None:
    """Report the engine, the image, cgroups and limits in force."""
    raise not_implemented("codeeff sandbox check")
