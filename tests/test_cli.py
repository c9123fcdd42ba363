"""The CLI frame: version, help, and how errors become messages and exit codes."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from codeeff import __version__
from codeeff.cli import _Group, main
from codeeff.errors import ProblemError


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_lists_the_command_groups() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("score", "rescore", "problems", "sandbox"):
        assert name in result.output


def _group_raising(exc: BaseException) -> click.Group:
    @click.group(cls=_Group)
    def grp() -> None:
        pass

    @grp.command()
    def go() -> None:
        raise exc

    return grp


def test_codeeff_errors_print_message_and_hint_without_traceback() -> None:
    err = ProblemError("generator.py has no generate()", problem_id="x", path="p/x/generator.py",
                       hint="define generate(size, level, case, rng)")
    result = CliRunner().invoke(_group_raising(err), ["go"])
    assert result.exit_code == 1
    assert "error: problem x, p/x/generator.py: generator.py has no generate()" in result.output
    assert "hint: define generate" in result.output
    assert "Traceback" not in result.output


def test_interrupt_exits_130() -> None:
    result = CliRunner().invoke(_group_raising(KeyboardInterrupt()), ["go"])
    assert result.exit_code == 130


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2


@pytest.mark.parametrize("argv", [["-m", "codeeff", "--version"]])
def test_python_dash_m_entry_point(argv: list[str]) -> None:
    out = subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=True)
    assert __version__ in out.stdout
