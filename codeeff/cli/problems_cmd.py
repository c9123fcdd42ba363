"""``codeeff problems``: list, show, new, check, export, import."""

from __future__ import annotations

import click

from codeeff.cli._common import not_implemented


@click.group()
def problems() -> None:
    """Inspect, author, check, export and import problems."""


@problems.command("list")
def list_() -> None:
    """List the problems of a set."""
    raise not_implemented("codeeff problems list")
