"""Runs once at image build time inside the image (exec form RUN, no shell needed).

Adds the unprivileged sample user (UID/GID 10001) and removes every setuid/setgid bit, so
nothing in the image can raise privileges even if no-new-privileges were missing.
"""

from __future__ import annotations

import os
import stat

SAMPLE_UID = 10001
SKIP = ("/proc", "/sys", "/dev")


def _append_once(path: str, line: str, key: str) -> None:
    try:
        with open(path) as f:
            if any(existing.split(":")[0] == key for existing in f):
                return
    except FileNotFoundError:
        pass
    with open(path, "a") as f:
        f.write(line + "\n")


def main() -> None:
    _append_once("/etc/group", f"sandbox:x:{SAMPLE_UID}:", "sandbox")
    entry = f"sandbox:x:{SAMPLE_UID}:{SAMPLE_UID}:codeeff sample:/nonexistent:/bin/false"
    _append_once("/etc/passwd", entry, "sandbox")
    for root, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in SKIP]
        for name in files:
            path = os.path.join(root, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode) and st.st_mode & (stat.S_ISUID | stat.S_ISGID):
                os.chmod(path, stat.S_IMODE(st.st_mode) & ~(stat.S_ISUID | stat.S_ISGID))
    for name in os.listdir("/opt/codeeff"):
        os.chmod(os.path.join("/opt/codeeff", name), 0o644)
    os.chmod("/opt/codeeff", 0o755)


if __name__ == "__main__":
    main()
