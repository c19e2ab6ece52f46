"""Writing the files of one build together: all of them are replaced, or none is.

:func:`write_all` writes every file into a fresh hidden folder inside the output folder
(``.pkm-<pid>-<random>.part``) and syncs it; only then it moves each previous file into that folder and each
new file into place. A failure while moving puts the previous files back. The folder holds a journal while
files are being moved, so a build killed in the middle (``kill -9``) is undone by the next build in that folder,
which also removes whatever hidden folder or ``.part`` file a killed build left.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Mapping

from .errors import UsageError

_PREFIX = ".pkm-"
_SUFFIX = ".part"
_JOURNAL = "journal.json"
_OWN = re.compile(rf"^{re.escape(_PREFIX)}(\d+)-[0-9a-f]+{re.escape(_SUFFIX)}$")
_LEGACY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.part$")  # what tempfile.mkstemp named them before

_cleaned: set[Path] = set()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # on Windows os.kill(pid, 0) would send Ctrl-C: assume alive
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every system (Windows); the files themselves are synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def clean_stale(folder: Path) -> None:
    """Undo or remove what an earlier build killed in ``folder`` left: its hidden work folder and ``.part`` files."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        own = _OWN.match(entry.name)
        if own and not _alive(int(own.group(1))):
            work = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                _roll_back(work, folder)
                shutil.rmtree(work, ignore_errors=True)
            else:
                Path(entry.path).unlink(missing_ok=True)
        elif _LEGACY.match(entry.name) and entry.is_file(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)


def _roll_back(work: Path, folder: Path) -> None:
    """Put back the previous files a build killed while moving had set aside (its journal lists them)."""
    try:
        moves = json.loads((work / _JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no journal: nothing was moved yet, or everything was
    for name, had_previous in moves:
        target, previous = folder / name, work / "previous" / name
        if had_previous:
            if previous.exists():
                os.replace(previous, target)
        else:
            target.unlink(missing_ok=True)


def write_all(files: Mapping[Path, bytes]) -> None:
    """Replace every file of ``files`` (all in one folder) with its new bytes together, or none of them."""
    folders = {path.parent for path in files}
    if len(folders) > 1:
        raise ValueError("write_all writes the files of one folder")
    if not files:
        return
    folder = folders.pop()
    folder.mkdir(parents=True, exist_ok=True)
    if folder.resolve() not in _cleaned:  # once per process: a batch writes thousands of files into one folder
        clean_stale(folder)
        _cleaned.add(folder.resolve())
    work = folder / f"{_PREFIX}{os.getpid()}-{secrets.token_hex(6)}{_SUFFIX}"
    work.mkdir()
    try:
        (work / "new").mkdir()
        (work / "previous").mkdir()
        mode = 0o666 & ~_umask()
        for path, data in files.items():
            _write_synced(work / "new" / path.name, data, mode)
        _fsync_dir(work / "new")
        _move_into_place(work, folder, [path.name for path in files])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_synced(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _move_into_place(work: Path, folder: Path, names: list[str]) -> None:
    """Set each previous file aside and move each new one in; on any failure put everything back."""
    moves = [(name, (folder / name).exists()) for name in names]
    journal = work / _JOURNAL
    _write_synced(journal, json.dumps(moves).encode("utf-8"), 0o600)
    _fsync_dir(work)
    done: list[tuple[str, bool]] = []
    try:
        for name, had_previous in moves:
            done.append((name, had_previous))
            if had_previous:
                os.replace(folder / name, work / "previous" / name)
            os.replace(work / "new" / name, folder / name)
        _fsync_dir(folder)
    except BaseException:
        for name, had_previous in reversed(done):
            if had_previous and (work / "previous" / name).exists():
                os.replace(work / "previous" / name, folder / name)
            elif not had_previous:
                (folder / name).unlink(missing_ok=True)
        journal.unlink(missing_ok=True)  # only once everything is back: else the next build undoes the rest
        raise
    journal.unlink()  # from here on the new set stands, even if the process dies before the clean-up


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file so that it appears complete or not at all (see :func:`write_all`)."""
    write_all({path: data})


def write_error(exc: OSError, folder: Path) -> UsageError:
    """What a user is told when the files of a build cannot be written into ``folder`` (nothing was replaced)."""
    kept = "the files already there are as they were"
    if isinstance(exc, (FileExistsError, NotADirectoryError)) or (folder.exists() and not folder.is_dir()):
        return UsageError(f"cannot write into {folder}: it is a file, not a folder", "give a folder with -o")
    if exc.errno == errno.ENOSPC:
        return UsageError(f"cannot write into {folder}: no space left on device; {kept}", "free some space")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UsageError(f"cannot write into {folder}: {exc.strerror or 'permission denied'}; {kept}",
                          "give a folder you may write to with -o")
    return UsageError(f"cannot write into {folder}: {exc.strerror or exc}; {kept}")
