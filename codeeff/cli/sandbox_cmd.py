"""``codeeff sandbox``: build the image, check the engine, reap leftovers."""

from __future__ import annotations

import sys

import click

from codeeff.sandbox.base import SandboxConfig


@click.group()
def sandbox() -> None:
    """Build and check the Docker sandbox."""


@sandbox.command()
@click.option("--recipe", type=click.Choice(["debootstrap", "hostpython"]), default="debootstrap",
              show_default=True,
              help="debootstrap: Debian minbase from this machine's apt mirror (offline once "
              "cached); hostpython: copy this host's Debian python3.11 (fast, no shell).")
@click.option("--base", metavar="IMAGE", default=None,
              help="Build on an existing image with python3 on PATH (e.g. python:3.13-slim).")
@click.option("--force", is_flag=True, help="Rebuild even if the image for this recipe exists.")
def build(recipe: str, base: str | None, force: bool) -> None:
    """Build the sandbox image (offline-capable); a no-op when it is up to date."""
    from codeeff.sandbox.image import build_image

    result = build_image(recipe=recipe, base=base, force=force,
                         progress=lambda msg: click.echo(msg, err=True))
    if result.built:
        click.echo(f"built {result.tag} ({result.recipe}) in {result.seconds:.1f} s")
    else:
        click.echo(f"{result.tag} is up to date")


@sandbox.command()
@click.option("--cpus", default=None, metavar="LIST",
              help="CPUs to pin the probe container to (default: the last one).")
def check(cpus: str | None) -> None:
    """Report the engine, the image, cgroups and the limits in force inside a sandbox."""
    from codeeff.sandbox.check import collect_checks

    cpu_tuple = tuple(int(c) for c in cpus.split(",")) if cpus else None
    checks = collect_checks(SandboxConfig(cpus=cpu_tuple),
                            progress=lambda msg: click.echo(f"… {msg}", err=True))
    width = max(len(c.name) for c in checks)
    failed = 0
    for c in checks:
        if c.ok:
            mark, color = "ok  ", "green"
        elif c.required:
            mark, color = "FAIL", "red"
            failed += 1
        else:
            mark, color = "warn", "yellow"
        click.echo(f"{click.style(mark, fg=color)} {c.name:<{width}}  {c.value}")
        if not c.ok and c.fix:
            click.echo(f"     {'':<{width}}  fix: {c.fix}")
    if failed:
        click.echo(f"{failed} required check(s) failed", err=True)
        sys.exit(1)


@sandbox.command()
def reap() -> None:
    """Remove sandbox containers left behind by codeeff processes that died."""
    from codeeff.sandbox import reap_leftovers

    removed = reap_leftovers()
    click.echo(f"removed {len(removed)} leftover container(s)"
               + (f": {', '.join(removed)}" if removed else ""))
