"""Hostile sample programs shared by the red-team and engine tests (sources as strings)."""

from __future__ import annotations

__all__ = ["MEMORY_SCAN", "answer_stealer"]

_STEALER = '''
import json, sys
def _own({arg}):
{own}
def _walk(obj, depth, seen, out):
    if id(obj) in seen or depth > 5:
        return
    seen.add(id(obj))
    if isinstance(obj, bytes):
        out["bytes"].append(obj)
    elif isinstance(getattr(obj, "source", None), str) and hasattr(obj, "entry_point"):
        out["programs"].append(obj)
    elif isinstance(obj, dict):
        for v in list(obj.values()):
            _walk(v, depth + 1, seen, out)
    elif isinstance(obj, (list, tuple)):
        for v in obj[:64]:
            _walk(v, depth + 1, seen, out)
    elif not isinstance(obj, (str, int, float, type(sys))):
        for v in list(getattr(obj, "__dict__", {{}}).values()):
            _walk(v, depth + 1, seen, out)
        for s in getattr(type(obj), "__slots__", ()):
            _walk(getattr(obj, s, None), depth + 1, seen, out)
def {entry}({arg}):
    out = {{"bytes": [], "programs": []}}
    seen = set()
    fr = sys._getframe(1)
    while fr is not None:
        for v in list(fr.f_locals.values()):
            _walk(v, 0, seen, out)
        fr = fr.f_back
    others = [p for p in out["programs"] if "_own(" not in p.source
              and "return None" not in p.source]
    if others:  # another program is staged beside us: this is a timed run
        for b in out["bytes"]:
            try:
                v = json.loads(b)
            except ValueError:
                continue
            if type(v) is int:
                return v  # the previous run's answer
        g = {{}}
        exec(others[-1].source, g)
        return g[others[-1].entry_point]({arg})
    return _own({arg})
'''


def answer_stealer(entry: str, arg: str, own_body: str) -> str:
    """A sample whose own algorithm is ``own_body`` (indented, uses ``arg``), but which, when it
    finds another program staged in its supervisor, returns an int result it finds on the
    supervisor's frames (the previous run's answer) or else runs that program's source."""
    return _STEALER.format(entry=entry, arg=arg, own=own_body)


MEMORY_SCAN = '''
import ctypes, sys
def _memory_hits(needle):
    """Copies of ``needle`` in this process's writable memory, the ``needle`` object excluded:
    finds data that no Python reference reaches."""
    own = id(needle) + sys.getsizeof(b"") - 1
    with open("/proc/self/maps") as fh:
        maps = fh.read().splitlines()
    hits = 0
    for line in maps:
        parts = line.split()
        name = parts[5] if len(parts) > 5 else ""
        if not parts[1].startswith("rw") or (name.startswith("[") and name != "[heap]"):
            continue
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        data = ctypes.string_at(lo, hi - lo)
        at = data.find(needle)
        while at >= 0:
            hits += lo + at != own
            at = data.find(needle, at + 1)
        del data
    return hits
'''
"""Defines ``_memory_hits(needle)`` for a probe's source: scans every writable mapping of the
child's own address space (its heap included) for ``needle``."""
