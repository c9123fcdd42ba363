"""Host-side transports to the supervisor: a subprocess's pipes, a container's attach socket,
or a unix socket the container's supervisor connected to (the frames then bypass dockerd).

All read with a deadline on every call and always drain what arrives, so a stuck or chatty
supervisor can never block the host (and never back-pressure dockerd, which was measured to
hang its kill API). Only framed data is parsed; the supervisor's stderr is kept as a short tail
for error messages.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import struct
import subprocess
import threading
import time
from abc import ABC, abstractmethod
from typing import Any

from codeeff.errors import SandboxError
from codeeff.sandbox.supervisor import FRAME_HEADER, MAX_HEADER_BYTES, FrameError

__all__ = ["Channel", "DirectChannel", "FrameParser", "ProcessChannel", "SocketChannel"]

_STDERR_TAIL = 8192


class FrameParser:
    """Incremental parser of supervisor frames with size caps."""

    def __init__(self, max_body: int) -> None:
        self.max_body = max_body
        self.buf = bytearray()

    def feed(self, data: bytes) -> None:
        self.buf += data

    def next(self) -> tuple[dict[str, Any], bytes] | None:
        """Return the next complete frame, or None if more bytes are needed.

        Raises:
            FrameError: on a malformed or oversized frame.
        """
        import json

        if len(self.buf) < FRAME_HEADER.size:
            return None
        hlen, blen = FRAME_HEADER.unpack_from(self.buf)
        if hlen > MAX_HEADER_BYTES or blen > self.max_body:
            raise FrameError(f"frame too large (header {hlen}, body {blen} bytes)")
        total = FRAME_HEADER.size + hlen + blen
        if len(self.buf) < total:
            return None
        head = bytes(self.buf[FRAME_HEADER.size:FRAME_HEADER.size + hlen])
        body = bytes(self.buf[FRAME_HEADER.size + hlen:total])
        del self.buf[:total]
        try:
            header = json.loads(head)
        except ValueError as exc:
            raise FrameError(f"bad frame header: {exc}") from exc
        if not isinstance(header, dict):
            raise FrameError("frame header is not an object")
        return header, body


class Channel(ABC):
    """A duplex byte stream to one supervisor."""

    def __init__(self, max_body: int) -> None:
        self.parser = FrameParser(max_body)
        self._stderr = bytearray()
        self._lock = threading.Lock()

    @abstractmethod
    def _read_some(self, timeout: float) -> bytes | None:
        """Return stdout bytes (b"" on EOF) or None if nothing arrived within ``timeout``."""

    @abstractmethod
    def send(self, data: bytes, deadline: float) -> None:
        """Write all of ``data`` before ``deadline`` (a ``time.monotonic()`` value)."""

    @abstractmethod
    def close(self) -> None:
        """Release the transport (does not stop the supervisor)."""

    def _note_stderr(self, data: bytes) -> None:
        with self._lock:
            self._stderr += data
            del self._stderr[:-_STDERR_TAIL]

    def stderr_tail(self) -> str:
        """The last few KiB the supervisor wrote to stderr (for error messages)."""
        with self._lock:
            return self._stderr.decode("utf-8", "replace").strip()[-2000:]

    def recv(self, deadline: float) -> tuple[dict[str, Any], bytes]:
        """Return the next frame.

        Raises:
            SandboxError: on timeout, end of stream or a malformed frame.
        """
        while True:
            try:
                frame = self.parser.next()
            except FrameError as exc:
                raise SandboxError(f"protocol error from the supervisor: {exc}") from exc
            if frame is not None:
                return frame
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxError("the supervisor did not answer in time")
            data = self._read_some(left)
            if data is None:
                continue
            if not data:
                tail = self.stderr_tail()
                raise SandboxError(
                    "the supervisor exited" + (f": {tail}" if tail else "")
                )
            self.parser.feed(data)


class ProcessChannel(Channel):
    """The pipes of a supervisor running as a host subprocess."""

    def __init__(self, proc: subprocess.Popen[bytes], max_body: int) -> None:
        super().__init__(max_body)
        self.proc = proc
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        self._in = proc.stdin.fileno()
        self._out = proc.stdout.fileno()
        os.set_blocking(self._in, False)
        self._stderr_thread = threading.Thread(
            target=self._drain_stderr, args=(proc.stderr,), daemon=True,
            name=f"codeeff-supervisor-stderr-{proc.pid}",
        )
        self._stderr_thread.start()

    def _drain_stderr(self, stream: Any) -> None:
        try:
            while True:
                data = stream.read1(65536)
                if not data:
                    return
                self._note_stderr(data)
        except (OSError, ValueError):
            return

    def _read_some(self, timeout: float) -> bytes | None:
        ready, _, _ = select.select([self._out], [], [], timeout)
        if not ready:
            return None
        return os.read(self._out, 1 << 20)

    def send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxError("the supervisor did not accept a request in time")
            _, ready, _ = select.select([], [self._in], [], left)
            if not ready:
                continue
            try:
                n = os.write(self._in, view[: 1 << 20])
            except BlockingIOError:
                continue
            except (BrokenPipeError, ConnectionResetError) as exc:
                raise SandboxError("the supervisor exited") from exc
            view = view[n:]

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._stderr_thread.join(timeout=2.0)
        if self.proc.stderr is not None:
            with contextlib.suppress(OSError):
                self.proc.stderr.close()


_DOCKER_HEADER = struct.Struct(">BxxxI")


def _demux(raw: bytearray) -> tuple[bytes, bytes]:
    """Take the complete frames of dockerd's stream multiplexing off ``raw``: (stdout, stderr)."""
    out, err = bytearray(), bytearray()
    while len(raw) >= _DOCKER_HEADER.size:
        stream, size = _DOCKER_HEADER.unpack_from(raw)
        if len(raw) < _DOCKER_HEADER.size + size:
            break
        chunk = raw[_DOCKER_HEADER.size:_DOCKER_HEADER.size + size]
        del raw[:_DOCKER_HEADER.size + size]
        (out if stream == 1 else err).extend(chunk)
    return bytes(out), bytes(err)


class _StreamChannel(Channel):
    """A channel over a connected stream socket (the two docker transports).

    Both hold docker-py's attach response (``owner``: it keeps the attach socket alive) and
    demultiplex what dockerd sends on that socket, keeping the supervisor's stderr.
    """

    def __init__(self, sock: socket.socket, max_body: int, owner: Any = None) -> None:
        super().__init__(max_body)
        self.sock = sock
        self._owner = owner
        self._raw = bytearray()  # attach-stream bytes not yet demultiplexed
        sock.setblocking(False)

    @abstractmethod
    def _on_readable(self, sock: socket.socket) -> bytes | None:
        """Read what ``sock`` has: frame bytes, b"" at the end of the stream, None if none."""

    def _recv(self, sock: socket.socket) -> bytes | None:
        try:
            data = sock.recv(1 << 20)
        except (BlockingIOError, InterruptedError):
            return None
        except OSError:
            return b""
        return data

    def _attach_stdout(self, data: bytes) -> bytes:
        """Demultiplex attach-stream ``data``: keep its stderr, return its stdout."""
        self._raw += data
        out, err = _demux(self._raw)
        if err:
            self._note_stderr(err)
        return out

    def _watched(self) -> list[socket.socket]:
        return [self.sock]

    def _read_some(self, timeout: float) -> bytes | None:
        ready, _, _ = select.select(self._watched(), [], [], timeout)
        out = None
        for sock in ready:
            data = self._on_readable(sock)
            if data is not None:
                out = data if out is None else out + data
        return out

    def send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxError("the supervisor did not accept a request in time")
            # Keep draining while we write: the supervisor may be answering at the same time.
            readable, writable, _ = select.select(self._watched(), [self.sock], [], left)
            for sock in readable:
                data_in = self._on_readable(sock)
                if data_in == b"":
                    raise SandboxError("the supervisor exited" + self._tail_suffix())
                if data_in:
                    self.parser.feed(data_in)
            if not writable:
                continue
            try:
                n = self.sock.send(view[: 1 << 20])
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                raise SandboxError("the channel to the supervisor closed") from exc
            view = view[n:]

    def _tail_suffix(self) -> str:
        tail = self.stderr_tail()
        return f": {tail}" if tail else ""

    def _close(self, *socks: socket.socket) -> None:
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.close()
        owner, self._owner = self._owner, None
        if owner is not None:
            with contextlib.suppress(Exception):  # docker-py internals; best effort
                owner.close()


class SocketChannel(_StreamChannel):
    """A container's attach socket (``tty=False``: stdout and stderr multiplexed by dockerd)."""

    def _on_readable(self, sock: socket.socket) -> bytes | None:
        data = self._recv(sock)
        if not data:
            return data
        return self._attach_stdout(data) or None

    def close(self) -> None:
        self._close(self.sock)


class DirectChannel(_StreamChannel):
    """Frames on a unix socket the supervisor connected to; its stderr from the attach socket.

    The attach stream only carries the supervisor's stderr (and whatever else reaches its
    stdout, ignored): a frame never crosses dockerd, so each request costs two process
    wake-ups fewer on each way. ``early``: attach-stream bytes read before this channel.
    """

    def __init__(self, sock: socket.socket, attach: socket.socket, max_body: int,
                 owner: Any = None, early: bytes = b"") -> None:
        super().__init__(sock, max_body, owner)
        self.attach = attach
        self._attach_open = True  # False once its stream has ended
        attach.setblocking(False)
        self._attach_stdout(early)

    def _watched(self) -> list[socket.socket]:
        return [self.sock, self.attach] if self._attach_open else [self.sock]

    def _on_readable(self, sock: socket.socket) -> bytes | None:
        data = self._recv(sock)
        if sock is self.sock:
            return data
        if data == b"":
            # The attach stream ended (the container is going): the frame socket says when
            # the supervisor is gone; stop watching this one.
            self._attach_open = False
        elif data:
            self._attach_stdout(data)
        return None

    def close(self) -> None:
        self._close(self.sock, self.attach)
