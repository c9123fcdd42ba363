"""Choosing a backend by name, and reaping what crashed runs left behind."""

from __future__ import annotations

from codeeff.errors import ConfigError
from codeeff.sandbox.base import Sandbox, SandboxConfig

__all__ = ["BACKENDS", "open_sandbox", "reap_leftovers"]

BACKENDS = ("docker", "process")


def open_sandbox(config: SandboxConfig) -> Sandbox:
    """Open a sandbox of the configured backend. Use it as a context manager.

    The ``docker`` backend reaps leftover containers of dead codeeff processes first. The
    ``process`` backend is refused unless ``config.allow_unsafe_process`` is set: it runs
    untrusted code on this machine and is NOT a security boundary.

    Raises:
        ConfigError: for an unknown backend.
        SandboxSetupError: no engine, no image, or the process backend not allowed.
    """
    if config.backend == "docker":
        from codeeff.sandbox.docker_backend import DockerSandbox

        return DockerSandbox(config)
    if config.backend == "process":
        from codeeff.sandbox.process_backend import ProcessSandbox

        return ProcessSandbox(config)
    raise ConfigError(f"unknown sandbox backend {config.backend!r}",
                      hint=f"choose one of {', '.join(BACKENDS)}")


def reap_leftovers() -> list[str]:
    """Remove codeeff containers whose owner process is gone; return their short ids.

    Raises:
        SandboxSetupError: if no Docker engine answers.
    """
    from codeeff.sandbox.docker_backend import reap_leftovers as _reap

    return _reap()
