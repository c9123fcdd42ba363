"""The sandbox: hardened Docker containers with tamper-proof timing."""

from codeeff.sandbox.backends import open_sandbox, reap_leftovers
from codeeff.sandbox.base import (
    Execution,
    Limits,
    Payload,
    Program,
    Sandbox,
    SandboxConfig,
    Verdict,
)

__all__ = [
    "Execution",
    "Limits",
    "Payload",
    "Program",
    "Sandbox",
    "SandboxConfig",
    "Verdict",
    "open_sandbox",
    "reap_leftovers",
]
