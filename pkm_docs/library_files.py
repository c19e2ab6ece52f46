"""The files of a clause library folder, checked before the library is loaded.

A library folder may come from an untrusted pull request: a symbolic link in it (``secret.pkm -> ~/.ssh/...``)
is refused without being followed, so no diagnostic can show the content of the file it points to, and
``library.toml`` is read through the bounded reader and parsed with every error a diagnostic.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from .errors import UsageError
from .reading import read_text

#: ``library.toml`` holds a name and a version.
MAX_META_BYTES = 100_000


def check_library_folder(root: Path) -> None:
    """Raise a :class:`UsageError` naming the first symbolic link under ``root`` or a broken ``library.toml``."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            if path.is_symlink() and (name in dirs or name.endswith(".pkm") or name == "library.toml"):
                raise UsageError(f"{path} is a symbolic link; pkm-docs does not follow links in a clause library",
                                 "copy the file into the library folder instead of linking it")
    meta = root / "library.toml"
    if meta.exists():
        text = read_text(meta, MAX_META_BYTES, "library.toml files")
        try:
            tomllib.loads(text)
        except ValueError as exc:  # TOMLDecodeError, and an integer of more than 4,300 digits
            raise UsageError(f"{meta}: {str(exc)[:200]}", "library.toml holds `name = \"...\"` and "
                             "`version = \"1.2.3\"`") from None
