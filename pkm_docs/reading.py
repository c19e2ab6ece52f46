"""Reading input files with a bound: regular files only, at most a limit of bytes, UTF-8 with an optional BOM.

A size taken from ``stat()`` says nothing about ``/dev/zero`` or a FIFO, so the limit is enforced on the read
itself: :func:`read_bounded` reads at most ``limit + 1`` bytes and refuses the file when it got them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import UsageError

#: Source and data files larger than this are refused before parsing.
MAX_SOURCE_BYTES = 2_000_000

_BOM = "\ufeff"


def read_bounded(path: str | Path, limit: int, what: str = "files", *, hint: str | None = None) -> bytes:
    """The bytes of the regular file ``path``, or a :class:`UsageError` when it is something else or too large.

    ``what`` names the kind of file in the message ("source files", "data files"); ``hint`` goes with the
    message that the file is too large.
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)  # a FIFO must not block open()
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, a pipe or a socket)"
            raise UsageError(f"cannot read {path}: {kind}", "give a file saved on disk")
        if info.st_size > limit:
            raise UsageError(f"{path} is {info.st_size:,} bytes; pkm-docs reads {what} up to {limit:,} bytes", hint)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise UsageError(f"{path} is larger than {limit:,} bytes; pkm-docs reads {what} up to {limit:,} bytes", hint)
    return b"".join(chunks)


def decode_text(data: bytes, path: str | Path) -> str:
    """UTF-8 text with a leading byte order mark (as Notepad and Excel save it) dropped."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read {path}: not UTF-8 text (byte {exc.start})", "save the file as UTF-8") from None
    return text[1:] if text.startswith(_BOM) else text


def read_text(path: str | Path, limit: int, what: str = "files", *, hint: str | None = None) -> str:
    """:func:`read_bounded`, decoded by :func:`decode_text`."""
    return decode_text(read_bounded(path, limit, what, hint=hint), path)
