"""Files written whole or not at all, and files read with a cap on their size."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO


class NotRegularFileError(OSError):
    """The path names a pipe, a device or a socket, not a file to read."""


def read_capped(path: Path, limit: int) -> bytes:
    """At most `limit + 1` bytes of a regular file, so the caller can tell it is over `limit`.

    Raises FileNotFoundError, IsADirectoryError, NotRegularFileError or another OSError.
    """
    # Non-blocking, so that naming a pipe with no writer fails here instead of waiting forever.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(errno.EINVAL, "is not a regular file", str(path))
        return handle.read(limit + 1)


def _new_file_mode() -> int:
    """The permissions an ordinary new file gets: 0o666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class AtomicFile:
    """A file that replaces `path` in one step when its `with` block ends without an error.

    A reader sees the old file or the new one, never half of it; on any error (Ctrl-C too)
    the temporary file is removed. Creating it raises OSError if the folder cannot take it.
    The new file keeps the old one's permissions, or gets the usual ones for a new file.
    """

    def __init__(self, path: Path, suffix: str = ".tmp", sync: bool = True) -> None:
        self.path = path
        self._sync = sync
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
        self.temp = Path(temp)
        self._handle: BinaryIO = os.fdopen(fd, "wb")

    def __enter__(self) -> BinaryIO:
        return self._handle

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if kind is None:
                self._handle.flush()
                if self._sync:
                    os.fsync(self._handle.fileno())
            self._handle.close()
            if kind is None:
                try:
                    mode = stat.S_IMODE(self.path.stat().st_mode)
                except FileNotFoundError:
                    mode = _new_file_mode()
                os.chmod(self.temp, mode)
                os.replace(self.temp, self.path)
        except BaseException:
            self.temp.unlink(missing_ok=True)
            raise
        finally:
            self._handle.close()
            if kind is not None:
                self.temp.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes | str, sync: bool = True) -> None:
    """Replace `path` with `data` (text as UTF-8, newlines as given) in one step; OSError."""
    with AtomicFile(path, sync=sync) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
