"""Make the font of the signature stamp: DejaVu Sans cut down to Latin and rescaled to 1000 units per em.

pyHanko writes a font's glyph widths in the font's own units while PDF reads them per 1000, so a font of
another unitsPerEm (DejaVu Sans: 2048) would get wrong widths, which PDF/A forbids; the cut keeps the file
small (the stamp embeds a subset of it again). Run once, from the checkout:

    python tools/make_stamp_font.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib.scaleUpem import scale_upem
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parents[1] / "pkm_docs" / "signing" / "fonts" / "DejaVuSans-Latin.ttf"
#: Basic Latin, Latin-1, Latin Extended-A and B, general punctuation, the euro and rupiah-adjacent signs.
UNICODES = "U+0020-007E,U+00A0-024F,U+2010-2027,U+2030-203A,U+20AC,U+2116,U+2122"


def main(source: str) -> None:
    font = TTFont(source)
    options = subset.Options()
    options.name_IDs = ["*"]  # keep the copyright and licence strings
    options.layout_features = ["kern", "liga"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    scale_upem(font, 1000)
    font.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
