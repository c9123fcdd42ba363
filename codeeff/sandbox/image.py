"""Building and finding the sandbox image, offline.

Recipes:

* ``debootstrap`` (default): ``debootstrap --variant=minbase --include=python3 trixie`` from
  the Debian mirror this machine's apt already uses, stripped of docs and caches, imported as a
  deterministic tar, then the small Dockerfile in ``sandbox/`` adds the harness. Trixie's
  Python 3.13 lets the supervisor mark its objects immortal (``supervisor._Immortal``):
  ~13 % less machine CPU per execution than bookworm's 3.11 on the ENAMEL benchmark.
  Downloaded packages are kept in the user cache, so rebuilds work without a network.
* ``hostpython``: copies this host's Debian ``/usr/bin/python3.11``, the libraries ``ldd``
  names and its standard library into an empty rootfs (no shell, no package manager). A fast
  fallback (~2 s); it depends on the host's Debian Python.
* ``--base IMAGE``: any image with ``python3`` on PATH (e.g. ``python:3.13-slim``) for users
  with a registry; same Dockerfile.

Images are tagged ``codeeff-sandbox:<key[:12]>`` where the key hashes every recipe input
(harness files, Dockerfile, recipe parameters, base image id), with the full key and the
harness hash as labels. A build is skipped when the tag exists.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeeff.errors import SandboxSetupError
from codeeff.resources import sandbox_recipe_dir

__all__ = [
    "IMAGE_REPOSITORY",
    "RECIPES",
    "BuildResult",
    "build_image",
    "ensure_image",
    "find_image",
    "harness_digest",
    "image_tag",
    "resolve_image",
]

IMAGE_REPOSITORY = "codeeff-sandbox"
BASE_REPOSITORY = "codeeff-sandbox-base"
RECIPES = ("debootstrap", "hostpython")
_RECIPE_VERSION = "1"
_SUITE = "trixie"
_INCLUDE = ("python3",)
_DEBIAN_SUITES = frozenset({
    "buster", "bullseye", "bookworm", "trixie", "forky", "duke", "sid",
    "oldoldstable", "oldstable", "stable", "testing", "unstable",
})
"""Suite names of Debian's main archive (a host's entry for one of them names its mirror)."""
_HARNESS_FILES = ("supervisor.py", "wire.py", "childfilter.py")
_LABEL_KEY = "codeeff.sandbox.key"
_LABEL_HARNESS = "codeeff.sandbox.harness"
_LABEL_RECIPE = "codeeff.sandbox.recipe"
_STRIP = (
    "var/cache/apt/archives", "var/cache/apt/*.bin", "var/lib/apt/lists", "usr/share/doc",
    "usr/share/man", "usr/share/info", "usr/share/locale", "usr/share/lintian", "var/log",
    "var/cache/debconf/*-old", "var/cache/ldconfig/aux-cache", "etc/machine-id",
)
_DEFAULT_MIRROR = "http://deb.debian.org/debian"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    """What ``build_image`` did."""

    tag: str
    built: bool
    """False when the tag already existed and nothing was rebuilt."""
    seconds: float
    recipe: str


def _harness_sources() -> dict[str, Path]:
    here = Path(__file__).resolve().parent
    recipe = sandbox_recipe_dir()
    files = {f"harness/{name}": here / name for name in _HARNESS_FILES}
    files["harness/setup_image.py"] = recipe / "setup_image.py"
    files["Dockerfile"] = recipe / "Dockerfile"
    return files


def harness_digest() -> str:
    """Hash of what the image adds on top of any base (harness code, Dockerfile)."""
    h = hashlib.sha256()
    for name, path in sorted(_harness_sources().items()):
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _base_key(recipe: str) -> str:
    parts = [recipe, _RECIPE_VERSION]
    if recipe == "debootstrap":
        parts += [_SUITE, ",".join(_INCLUDE), ",".join(_STRIP)]
    elif recipe == "hostpython":
        parts += [_hostpython_fingerprint()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _key(base_identity: str) -> str:
    return hashlib.sha256(f"{base_identity}\n{harness_digest()}".encode()).hexdigest()


def image_tag(recipe: str = "debootstrap") -> str:
    """The tag of the image the given recipe makes now (``codeeff-sandbox:<key[:12]>``).

    Raises:
        SandboxSetupError: for an unknown recipe.
    """
    if recipe not in RECIPES:
        raise SandboxSetupError(f"unknown image recipe {recipe!r}",
                                hint=f"choose one of {', '.join(RECIPES)}")
    return f"{IMAGE_REPOSITORY}:{_key(_base_key(recipe))[:12]}"


def _client() -> Any:
    from codeeff.sandbox.engine import docker_client

    return docker_client()


def _image_exists(client: Any, ref: str) -> bool:
    import docker.errors

    try:
        client.images.get(ref)
    except docker.errors.ImageNotFound:
        return False
    return True


def find_image(client: Any, image: str | None = None) -> str:
    """The image a sandbox should use: ``image`` if given, else one made from this harness.

    Prefers the default recipe's tag; otherwise any image labelled with the current harness
    digest (built with another recipe or ``--base``), newest first.

    Raises:
        SandboxSetupError: if no such image exists.
    """
    if image is not None:
        if not _image_exists(client, image):
            raise SandboxSetupError(f"the sandbox image {image!r} does not exist",
                                    hint="build it with `codeeff sandbox build`")
        return image
    tag = image_tag()
    if _image_exists(client, tag):
        return tag
    candidates = client.images.list(filters={"label": f"{_LABEL_HARNESS}={harness_digest()}"})
    candidates.sort(key=lambda im: im.attrs.get("Created", ""), reverse=True)
    for im in candidates:
        for t in im.tags:
            if t.startswith(IMAGE_REPOSITORY + ":"):
                return t
    raise SandboxSetupError(
        f"the sandbox image for this version of codeeff ({tag}) is missing",
        hint="build it with `codeeff sandbox build` (offline, about a minute)",
    )


def resolve_image(image: str | None = None) -> str:
    """:func:`find_image` with a client of its own (closed again): the tag a run will use.

    Raises:
        SandboxSetupError: no engine, or no such image.
    """
    client = _client()
    try:
        return find_image(client, image)
    finally:
        client.close()


def ensure_image(image: str | None = None, progress: Progress | None = None) -> str:
    """The image a sandbox will use (as :func:`find_image`), built first when there is none.

    An explicit ``image`` must exist: nothing is built for it. Without one, a missing image
    for this harness is built with the default recipe (offline, about a minute).

    Raises:
        SandboxSetupError: no engine, an explicit image that does not exist, a failed build.
    """
    client = _client()  # outside the try: no engine is not a missing image
    try:
        if image is not None:
            return find_image(client, image)
        try:
            return find_image(client)
        except SandboxSetupError:
            say = progress or (lambda _msg: None)
            say(f"the sandbox image {image_tag()} is missing: building it (offline, about a "
                "minute)")
            return build_image(progress=progress).tag
    finally:
        client.close()


def build_image(
    recipe: str = "debootstrap",
    base: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the sandbox image unless its tag exists.

    Args:
        recipe: ``debootstrap`` or ``hostpython`` (ignored when ``base`` is given).
        base: An existing image with ``python3`` on PATH to build on instead.
        force: Rebuild even if the tag exists.
        progress: Called with short status lines.

    Raises:
        SandboxSetupError: no engine, no debootstrap, not root, a failed build.
    """
    say = progress or (lambda _msg: None)
    start = time.monotonic()
    client = _client()
    if base is not None:
        try:
            base_id = client.images.get(base).id
        except Exception as exc:
            raise SandboxSetupError(f"the base image {base!r} is not available: {exc}",
                                    hint=f"pull it first (`docker pull {base}`)") from exc
        key = _key(f"base {base_id}")
        recipe_name = f"base:{base}"
        base_ref = base
    else:
        if recipe not in RECIPES:
            raise SandboxSetupError(f"unknown image recipe {recipe!r}",
                                    hint=f"choose one of {', '.join(RECIPES)}")
        base_key = _base_key(recipe)
        key = _key(base_key)
        recipe_name = recipe
        base_ref = f"{BASE_REPOSITORY}:{recipe}-{base_key[:12]}"
    tag = f"{IMAGE_REPOSITORY}:{key[:12]}"
    if not force and _image_exists(client, tag):
        say(f"{tag} is up to date")
        return BuildResult(tag, False, time.monotonic() - start, recipe_name)
    if base is None and (force or not _image_exists(client, base_ref)):
        with tempfile.TemporaryDirectory(prefix="codeeff-rootfs-") as tmp:
            rootfs = Path(tmp) / "rootfs"
            if recipe == "debootstrap":
                _debootstrap(rootfs, say)
            else:
                _hostpython_rootfs(rootfs, say)
            _strip(rootfs)
            say(f"importing the root filesystem as {base_ref}")
            _import_rootfs(client, rootfs, base_ref, Path(tmp) / "rootfs.tar")
    say(f"building {tag} on {base_ref}")
    _build_harness(client, base_ref, tag, key, recipe_name)
    return BuildResult(tag, True, time.monotonic() - start, recipe_name)


# --------------------------------------------------------------------------------------------
# debootstrap recipe


def debian_mirror(paths: Iterable[str] = ("/etc/apt/sources.list.d/debian.sources",
                                          "/etc/apt/sources.list")) -> str:
    """The Debian archive URL this machine's apt uses (deb822 or one-line format).

    Any Debian release's main archive entry will do (``bookworm``, ``trixie``, ``stable``…,
    not ``-security`` or ``-updates``, nor another distribution's): one archive serves every
    release, so a bookworm host finds the mirror for the image's trixie root filesystem.
    """
    def archive(suites: Iterable[str]) -> bool:
        return any(suite in _DEBIAN_SUITES for suite in suites)

    for path in paths:
        try:
            text = Path(path).read_text()
        except OSError:
            continue
        if path.endswith(".sources"):
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(
                    (m.group(1).lower(), m.group(2).strip())
                    for m in re.finditer(r"^([A-Za-z-]+):\s*(.*)$", stanza, re.M)
                )
                if fields.get("uris") and archive(fields.get("suites", "").split()):
                    return fields["uris"].split()[0]
        else:
            for line in text.splitlines():
                # "deb [options] URL suite components...": drop the bracketed options.
                parts = re.sub(r"\[[^\]]*\]", " ", line.split("#", 1)[0]).split()
                if len(parts) >= 3 and parts[0] == "deb" and archive([parts[2]]):
                    return parts[1]
    return _DEFAULT_MIRROR


def _cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(root) / "codeeff" / "debootstrap"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _debootstrap(rootfs: Path, say: Progress) -> None:
    exe = shutil.which("debootstrap") or (
        "/usr/sbin/debootstrap" if os.path.exists("/usr/sbin/debootstrap") else None)
    if exe is None:
        raise SandboxSetupError(
            "debootstrap is not installed (the offline image recipe needs it)",
            hint="run `apt-get install debootstrap`, or build with `--recipe hostpython` or "
            "`--base python:3.13-slim`",
        )
    if os.geteuid() != 0:
        raise SandboxSetupError(
            "debootstrap needs root to build the root filesystem",
            hint="run `sudo codeeff sandbox build`, or use `--base IMAGE`",
        )
    mirror = debian_mirror()
    say(f"debootstrap {_SUITE} from {mirror} (about 40 s)")
    cmd = [exe, "--variant=minbase", f"--include={','.join(_INCLUDE)}",
           f"--cache-dir={_cache_dir()}", _SUITE, str(rootfs), mirror]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-8:]
        raise SandboxSetupError(
            "debootstrap failed:\n  " + "\n  ".join(tail),
            hint=f"check that {mirror} is reachable (or that the package cache "
            f"{_cache_dir()} is complete), or use `--recipe hostpython`",
        )


def _strip(rootfs: Path) -> None:
    for pattern in _STRIP:
        for path in rootfs.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                for child in path.iterdir():
                    if child.is_dir() and not child.is_symlink():
                        shutil.rmtree(child)
                    else:
                        child.unlink()
            elif path.exists() or path.is_symlink():
                path.unlink()


def _import_rootfs(client: Any, rootfs: Path, ref: str, tar_path: Path) -> None:
    # Deterministic tar: sorted names, numeric owners, no atime/ctime. Modification times are
    # kept, because the .pyc files are validated against their sources' mtimes.
    cmd = ["tar", "--sort=name", "--numeric-owner",
           "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
           "-C", str(rootfs), "-cf", str(tar_path), "."]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SandboxSetupError(f"tar failed: {proc.stderr.strip()[-500:]}",
                                hint="install GNU tar")
    repo, _, tag = ref.partition(":")
    client.api.import_image_from_file(
        str(tar_path), repository=repo, tag=tag,
        changes=['ENV PATH=/usr/local/bin:/usr/bin:/bin', 'CMD ["python3"]'],
    )


# --------------------------------------------------------------------------------------------
# hostpython recipe

_HOST_PYTHON = "/usr/bin/python3.11"
_STDLIB = "/usr/lib/python3.11"
_STDLIB_SKIP = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "site-packages",
                "dist-packages", "lib2to3", "__phello__"}


def _hostpython_fingerprint() -> str:
    try:
        st = os.stat(_HOST_PYTHON)
    except OSError:
        return "missing"
    return f"{_HOST_PYTHON}:{st.st_size}:{int(st.st_mtime)}"


def _ldd(path: str) -> list[str]:
    proc = subprocess.run(["ldd", path], capture_output=True, text=True, check=False)
    libs = []
    for line in proc.stdout.splitlines():
        m = re.search(r"(/\S+)\s+\(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


def _copy_into(rootfs: Path, path: str) -> None:
    real = os.path.realpath(path)
    for src in {path, real}:
        dest = rootfs / src.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src == path and path != real:
            if not dest.exists() and not dest.is_symlink():
                os.symlink(real, dest)
        elif not dest.exists():
            shutil.copy2(src, dest)


def _hostpython_rootfs(rootfs: Path, say: Progress) -> None:
    if not os.path.exists(_HOST_PYTHON):
        raise SandboxSetupError(
            f"the hostpython recipe needs Debian's {_HOST_PYTHON}",
            hint="run `apt-get install python3.11`, or use the default debootstrap recipe",
        )
    say(f"copying {_HOST_PYTHON} and its standard library")
    rootfs.mkdir(parents=True)
    for d in ("etc", "tmp", "proc", "sys", "dev", "opt", "usr/bin", "usr/lib"):
        (rootfs / d).mkdir(parents=True, exist_ok=True)
    for link, target in (("bin", "usr/bin"), ("lib", "usr/lib"), ("lib64", "usr/lib64")):
        os.symlink(target, rootfs / link)
    (rootfs / "usr/lib64").mkdir(parents=True, exist_ok=True)
    shutil.copy2(_HOST_PYTHON, rootfs / "usr/bin/python3.11")
    os.symlink("python3.11", rootfs / "usr/bin/python3")
    needed = set(_ldd(_HOST_PYTHON))
    shutil.copytree(
        _STDLIB, rootfs / _STDLIB.lstrip("/"), symlinks=True,
        ignore=lambda d, names: [n for n in names if d == _STDLIB and n in _STDLIB_SKIP],
    )
    for so in (rootfs / _STDLIB.lstrip("/") / "lib-dynload").glob("*.so"):
        needed.update(_ldd(str(so)))
    for lib in sorted(needed):
        _copy_into(rootfs, lib)
    (rootfs / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/false\n")
    (rootfs / "etc/group").write_text("root:x:0:\n")


# --------------------------------------------------------------------------------------------
# the harness layer


def _build_harness(client: Any, base_ref: str, tag: str, key: str, recipe: str) -> None:
    import docker.errors

    with tempfile.TemporaryDirectory(prefix="codeeff-build-") as ctx:
        for name, src in _harness_sources().items():
            dest = Path(ctx) / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
        try:
            client.images.build(
                path=ctx, tag=tag, buildargs={"BASE": base_ref}, network_mode="none",
                rm=True, forcerm=True, pull=False,
                labels={_LABEL_KEY: key, _LABEL_HARNESS: harness_digest(), _LABEL_RECIPE: recipe},
            )
        except (docker.errors.BuildError, docker.errors.APIError) as exc:
            raise SandboxSetupError(f"building the harness layer failed: {exc}",
                                    hint="run `codeeff sandbox check` for details") from exc
