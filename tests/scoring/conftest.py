"""Shared helpers of the scoring tests: the toy problem set and sample files."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

TOYSET = Path(__file__).parent / "fixtures" / "toyset"


def write_jsonl(path: Path, rows: Iterable[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def toyset() -> Path:
    return TOYSET


@pytest.fixture()
def toy_problems():
    from codeeff.problems.loader import load_problem_set

    return load_problem_set(TOYSET)


def docker_ready() -> str | None:
    """``None`` when a Docker engine answers and the sandbox image exists, else the reason."""
    try:
        import docker

        client = docker.from_env(timeout=5)
        client.ping()
        from codeeff.sandbox.image import image_tag

        client.images.get(image_tag())
    except Exception as exc:  # any failure means: skip, with the reason
        return f"no Docker engine or sandbox image: {type(exc).__name__}: {exc}"
    return None
