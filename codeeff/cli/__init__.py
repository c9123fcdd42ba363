"""The ``codeeff`` command line: a thin click layer over the library.

Each command parses its options into the library's config object, calls the same function a
notebook would call, and renders what comes back. Errors map to exit codes: 1 for a
:class:`~codeeff.errors.CodeeffError` (printed without a traceback), 2 for usage, 130 for an
interrupt.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from codeeff import __version__
from codeeff.cli.problems_cmd import problems
from codeeff.cli.sandbox_cmd import sandbox
from codeeff.cli.score_cmd import rescore, score
from codeeff.errors import CodeeffError

__all__ = ["main"]


class _Group(click.Group):
    """A click group that turns codeeff errors into clean messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CodeeffError as exc:
            click.secho(f"error: {exc.message}", fg="red", err=True)
            if exc.hint:
                click.echo(f"  hint: {exc.hint}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="codeeff")
def main() -> None:
    """codeeff: is the model's code correct, and is it as fast as an expert's?

    Scores generated programs for pass@k and eff@k by running them in a hardened Docker
    sandbox against stress inputs and timing them beside expert reference solutions.
    """


main.add_command(score)
main.add_command(rescore)
main.add_command(problems)
main.add_command(sandbox)
