"""Fixtures for the sandbox tests: a process sandbox, and a real Docker image and container.

Docker tests are marked ``docker`` and skip with the reason when no engine answers. The image
is located (or built once, offline) per session.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator

import pytest

from codeeff.errors import CodeeffError
from codeeff.sandbox import Limits, Payload, Program, Sandbox, SandboxConfig, Verdict

KNOWN = Program("def known(n):\n    return sum(range(n))\n", "known")
"""A small function with a stable cost, used to show a sandbox still measures normally."""
KNOWN_ARGS = Payload.from_args([200_000])
KNOWN_LIMITS = Limits(cpu_s=5.0, memory_mb=256)


def known_cpu(sandbox: Sandbox, reps: int = 5) -> float:
    """Median CPU seconds of :data:`KNOWN` in ``sandbox`` (every run must be OK)."""
    times = []
    for _ in range(reps):
        exe = sandbox.run(KNOWN, KNOWN_ARGS, KNOWN_LIMITS)
        assert exe.verdict is Verdict.OK, exe
        assert exe.value == sum(range(200_000))
        times.append(exe.cpu_s)
    return statistics.median(times)


@pytest.fixture(scope="session")
def measure_known() -> Callable[..., float]:
    """The :func:`known_cpu` helper, as a fixture (test modules do not import conftest)."""
    return known_cpu


@pytest.fixture(scope="session")
def docker_image() -> str:
    """The sandbox image for this harness (built once, offline, if missing)."""
    try:
        from codeeff.sandbox.engine import docker_client
        from codeeff.sandbox.image import build_image, find_image

        client = docker_client(timeout=30)
    except CodeeffError as exc:
        pytest.skip(f"no Docker engine answers: {exc.message}")
    try:
        return find_image(client)
    except CodeeffError:
        pass
    try:
        return build_image().tag
    except CodeeffError as exc:
        pytest.skip(f"the sandbox image cannot be built here: {exc}")


@pytest.fixture(scope="session")
def docker_sandbox(docker_image: str) -> Iterator[Sandbox]:
    """One warm docker sandbox shared by the red-team cases (each must leave it usable)."""
    from codeeff.sandbox import open_sandbox

    with open_sandbox(SandboxConfig(backend="docker", image=docker_image, memory_mb=512,
                                    pids_limit=64)) as sb:
        yield sb


@pytest.fixture(scope="session")
def process_sandbox() -> Iterator[Sandbox]:
    """One process sandbox shared by the conformance cases."""
    from codeeff.sandbox import open_sandbox

    with open_sandbox(SandboxConfig(backend="process", allow_unsafe_process=True)) as sb:
        yield sb


@pytest.fixture(scope="session")
def docker_baseline(docker_sandbox: Sandbox) -> float:
    """CPU seconds of the known function in the shared docker sandbox, before any attack."""
    return known_cpu(docker_sandbox)


@pytest.fixture(scope="session")
def process_baseline(process_sandbox: Sandbox) -> float:
    """CPU seconds of the known function in the shared process sandbox."""
    return known_cpu(process_sandbox)
