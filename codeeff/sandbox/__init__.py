"""The sandbox: hardened Docker containers with tamper-proof timing."""

from codeeff.sandbox.base import Execution, Limits, Payload, Program, Sandbox, SandboxConfig, Verdict

__all__ = ["Execution", "Limits", "Payload", "Program", "Sandbox", "SandboxConfig", "Verdict"]
