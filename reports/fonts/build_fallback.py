"""Build the bundled fallback font for the report's charts: Noto Sans CJK SC (SIL Open Font
License 1.1, see OFL.txt) cut down to ASCII, CJK punctuation and the GB 2312 characters, so
a chart never shows box glyphs on a machine without `fonts-noto-cjk`.

Run once where the Debian package is installed (the result is committed):
    .venv/bin/python reports/fonts/build_fallback.py
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = Path(__file__).with_name("ZuofengFallbackSC.otf")


def gb2312() -> list[int]:
    chars = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3020)) | set(range(0xFF01, 0xFF5F))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(ord(bytes([high, low]).decode("gb2312")))
    return sorted(chars)


def main() -> None:
    collection = TTCollection(str(SOURCE))
    font = next(f for f in collection.fonts if "Noto Sans CJK SC" in f["name"].getDebugName(1))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = False
    options.drop_tables += ["GSUB", "GPOS", "VORG", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=gb2312())
    subsetter.subset(font)
    # Its own family name, so it never shadows the system's full Noto face.
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16):
            record.string = "Zuofeng Fallback SC" if record.nameID != 6 else "ZuofengFallbackSC"
    font.save(str(TARGET))
    print(TARGET, TARGET.stat().st_size)


if __name__ == "__main__":
    main()
