"""A per-user cache of what every run would otherwise rebuild: the Lark parser tables and the loaded clause library.

The entries are pickles, and a pickle runs code when it is loaded, so an entry is read only from a place no other
user can write: the folder ``$PKM_CACHE_DIR``, else ``$XDG_CACHE_HOME/pkm-docs``, else ``~/.cache/pkm-docs``,
created with mode 0700. The folder is opened once (no symbolic link followed) and checked through its descriptor:
it must be ours and writable by no one else, and so must each entry, a regular file opened through that
descriptor, never by a path another user could swap. Anything else (another owner, a group- or world-writable
folder or file, a link, a truncated or corrupt entry, a full or read-only disk) means no cache: the run rebuilds
what it needs, as a first run does, and says nothing. ``PKM_NO_CACHE=1`` turns the cache off.

Each entry starts with a header naming what it holds and the SHA-256 of its key (the inputs it was built from)
and of its payload: an entry built from other inputs, or damaged, is never unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
from pathlib import Path
from typing import Any

#: An entry larger than this is not read (the shipped library's is about 0.5 MB).
MAX_ENTRY_BYTES = 64 * 1024 * 1024

_MAGIC = b"pkm-docs cache 1\n"
_UNSAFE = stat.S_IWGRP | stat.S_IWOTH


def cache_dir() -> Path | None:
    """The cache folder this run would use (it may not exist yet), or None when the cache is turned off."""
    if os.environ.get("PKM_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("PKM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    if base and Path(base).is_absolute():
        return Path(base) / "pkm-docs"
    home = Path.home() if "HOME" in os.environ or os.name != "posix" else None
    return home / ".cache" / "pkm-docs" if home is not None else None


def _trusted(info: os.stat_result, kind: int) -> bool:
    return stat.S_IFMT(info.st_mode) == kind and info.st_uid == os.geteuid() and not info.st_mode & _UNSAFE


def _open_dir(create: bool) -> int | None:
    """A descriptor of the cache folder if it is ours and writable by no one else; None otherwise."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        if create:
            folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with contextlib.suppress(FileExistsError):
                folder.mkdir(mode=0o700)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except (OSError, RuntimeError):  # RuntimeError: Path.home() without a home
        return None
    try:
        if _trusted(os.fstat(fd), stat.S_IFDIR):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _key_digest(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()


def load(name: str, key: bytes) -> Any:
    """The object stored under ``name`` if it was built from ``key``; None if there is none (or none to trust)."""
    dir_fd = _open_dir(create=False)
    if dir_fd is None:
        return None
    try:
        # O_NONBLOCK: a FIFO in its place would otherwise hold the run; a regular file reads as ever
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, dir_fd=dir_fd)
    except OSError:
        return None
    finally:
        os.close(dir_fd)
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not _trusted(info, stat.S_IFREG) or info.st_size > MAX_ENTRY_BYTES:
                return None
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    header = len(_MAGIC) + 64
    if len(data) < header or not data.startswith(_MAGIC) or data[len(_MAGIC):len(_MAGIC) + 32] != _key_digest(key):
        return None
    payload = data[header:]
    if hashlib.sha256(payload).digest() != data[len(_MAGIC) + 32:header]:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # a damaged entry whose checksum still matched, or one of classes since renamed: rebuild
        return None


def store(name: str, key: bytes, value: Any) -> None:
    """Keep ``value`` under ``name`` for the next run; a cache that cannot be written is skipped silently."""
    dir_fd = _open_dir(create=True)
    if dir_fd is None:
        return
    temp = f".{name}.{os.getpid()}.tmp"
    try:
        payload = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        data = _MAGIC + _key_digest(key) + hashlib.sha256(payload).digest() + payload
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                     dir_fd=dir_fd)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)  # readers see the old entry or the new one
    except Exception:  # a full disk, a value that does not pickle: the next run rebuilds, as this one did
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dir_fd)
    finally:
        os.close(dir_fd)


def code_key() -> bytes:
    """What the cached objects' classes depend on: the Python version and every module of this package (path,
    size and modification time), so an upgrade or an edited checkout never reads an entry of older code."""
    import sys

    parts = [sys.version, sys.implementation.cache_tag or ""]
    folders = [str(Path(__file__).resolve().parent)]
    while folders:  # os.scandir, not Path.rglob: this runs at every start, and rglob takes 20 times as long
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in ("__pycache__", "_data"):
                        folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat(follow_symlinks=False)
                    parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(sorted(parts)).encode("utf-8", "surrogateescape")
