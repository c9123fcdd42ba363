"""The supervisor's leftover check when the child filter is off (its only line of defence).

With the filter on, a child cannot create processes at all, so the cheap check after each run
(an empty children list of the supervisor, which is a subreaper) is never put to the test by
the red-team suite. Here the filter is switched off so that a daemonising program really
leaves a process behind, in the child's session and in a new one of its own.

Regression: before the supervisor became a subreaper, a grandchild in its own session escaped
the session scan of the ``process`` backend (verdict OK, process left running), and a process
re-parented during the sweep was found again but never killed ("sweep failed").
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from codeeff.sandbox import Limits, Payload, Program, Verdict
from codeeff.sandbox._channel import ProcessChannel
from codeeff.sandbox._supervised import _Session, to_execution
from codeeff.sandbox.process_backend import (
    SAMPLE_UID,
    interpreter_for_sample_uid,
    sandbox_environment,
    supervisor_path,
)

DAEMON = Program(
    "import os, time\n"
    "def f(new_session):\n"
    "    if os.fork() == 0:\n"
    "        if new_session:\n"
    "            os.setsid()\n"
    "        if os.fork() == 0:\n"
    "            time.sleep(120)\n"
    "        os._exit(0)\n"
    "    return os.getpid()\n",
    "f",
)


@pytest.fixture()
def unfiltered() -> Iterator[_Session]:
    """A host supervisor with the child filter off (session sweep, as the process backend)."""
    cmd = [sys.executable, "-B", "-S", "-s", str(supervisor_path()), "--sweep", "session",
           "--cgroup", "off", "--child-filter", "off"]
    if os.geteuid() == 0:
        cmd[0] = interpreter_for_sample_uid()
        cmd += ["--sample-uid", str(SAMPLE_UID), "--sample-gid", str(SAMPLE_UID)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=sandbox_environment(), cwd="/",
                            start_new_session=True)
    channel = ProcessChannel(proc, 1 << 20)
    try:
        hello, _ = channel.recv(time.monotonic() + 30)
        assert hello["child_filter"] is False and hello["subreaper"] is True, hello
        yield _Session(channel, hello)
    finally:
        proc.kill()
        proc.wait()
        channel.close()


def _sleepers() -> list[int]:
    """Live processes with an unfiltered supervisor's command line (it and its forks)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as fh:
                cmdline = fh.read()
            with open(f"/proc/{name}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"supervisor.py" in cmdline and b"--child-filter" in cmdline and state != "Z":
            found.append(int(name))
    return found


@pytest.mark.parametrize("new_session", [False, True], ids=["same session", "own session"])
def test_daemonised_leftover_is_found_and_killed(unfiltered: _Session, new_session: bool
                                                 ) -> None:
    supervisor_pid = unfiltered.hello["pid"]
    before = set(_sleepers()) - {supervisor_pid}
    limits = Limits(cpu_s=2.0, wall_s=10.0, memory_mb=256)
    report, body = unfiltered.execute(DAEMON, Payload.from_args([new_session]), limits)
    exe = to_execution(report, body, limits)
    assert exe.verdict is Verdict.SUSPICIOUS and exe.error == "leftovers", exe
    assert report["swept_clean"] is True and report["anomaly"] is True, report
    # The grandchild (re-parented to the supervisor) was killed and reaped, even in its own
    # session where the session scan alone would have missed it.
    assert set(_sleepers()) - {supervisor_pid} <= before
    # And the next run is clean: the cheap check passes again.
    report, body = unfiltered.execute(Program.noop("f"), Payload.from_args([1]), limits)
    assert to_execution(report, body, limits).verdict is Verdict.OK, report
