"""Connecting to the Docker engine, with errors that name the fix."""

from __future__ import annotations

from typing import Any

from codeeff.errors import SandboxSetupError

__all__ = ["docker_client"]

_ENGINE_HINT = (
    "start a Docker engine (as root on Debian: `bash scripts/ensure-docker`, which installs "
    "docker.io and starts dockerd without a bridge network), or use the process backend for "
    "trusted code only"
)


def docker_client(timeout: float = 60.0) -> Any:
    """A docker-py client that has answered a ping.

    Raises:
        SandboxSetupError: if docker-py is missing or no engine answers.
    """
    try:
        import docker
    except ImportError as exc:
        raise SandboxSetupError("the Python package `docker` is not installed",
                                hint="pip install 'docker>=7'") from exc
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
    except Exception as exc:  # docker-py raises several unrelated types here
        raise SandboxSetupError(f"no Docker engine answers ({exc})", hint=_ENGINE_HINT) from exc
    return client
