"""Runs once at image build time inside the image (exec form RUN, no shell needed).

Adds the unprivileged sample user (UID/GID 10001) and removes every setuid/setgid bit, so
nothing in the image can raise privileges even if no-new-privileges were missing. Compiles the
harness to bytecode: a supervisor that compiled its 1,400 lines of source at start-up kept
~4 MB of the compiler's freed memory resident (RssAnon 10.2 MB against 7.1 MB), which every
fork copies the page tables of and every child's exit tears down again.
"""

from __future__ import annotations

import os
import py_compile
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
        if name.endswith(".py") and name != "setup_image.py":  # every harness file
            source = f"/opt/codeeff/{name}"
            py_compile.compile(source, cfile=source + "c", dfile=source, doraise=True)
    for name in os.listdir("/opt/codeeff"):
        os.chmod(os.path.join("/opt/codeeff", name), 0o644)
    os.chmod("/opt/codeeff", 0o755)


if __name__ == "__main__":
    main()
