"""The shipped templates the tests build, copied where a test may write beside them."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THREE = ROOT / "templates" / "kehutanan_tiga_pihak.pkm"
THREE_DATA = ROOT / "templates" / "kehutanan_tiga_pihak.sample.yaml"


def three_party_copy(tmp_path: Path) -> tuple[Path, Path]:
    """The three-party template and its sample data, copied into a folder of their own (``tmp_path / "t"``) as
    ``tiga.pkm`` and ``tiga.yaml``: a merge writes its next draft and data file beside them."""
    folder = tmp_path / "t"
    folder.mkdir()
    source, data_file = folder / "tiga.pkm", folder / "tiga.yaml"
    shutil.copy(THREE, source)
    shutil.copy(THREE_DATA, data_file)
    return source, data_file
