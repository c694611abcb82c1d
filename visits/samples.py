"""Small, real JPEG pictures for the demo and the tests: a random pattern of coloured blocks
(each seed a different scene, so their perceptual hashes differ by about half their bits),
optionally with the EXIF time and GPS position a phone would write."""

from __future__ import annotations

import datetime as dt
import io
import random

from zuofeng.workdays.calendar import LOCAL_TZ


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 2)
    return float(degrees), float(minutes), seconds


def make_jpeg(
    seed: int | str,
    *,
    taken_at: dt.datetime | None = None,
    position: tuple[float, float] | None = None,
    size: tuple[int, int] = (96, 72),
) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(f"zuofeng-visit-photo:{seed}")
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    cols, rows = 8, 6
    w, h = size[0] / cols, size[1] / rows
    for i in range(cols):
        for j in range(rows):
            if rng.random() < 0.5:
                colour = tuple(rng.randrange(256) for _ in range(3))
                draw.rectangle([i * w, j * h, (i + 1) * w, (j + 1) * h], fill=colour)
    exif = Image.Exif()
    if taken_at is not None:
        stamp = taken_at.astimezone(LOCAL_TZ).strftime("%Y:%m:%d %H:%M:%S")
        exif[0x0132] = stamp
        exif.get_ifd(0x8769)[0x9003] = stamp
    if position is not None:
        lat, lng = position
        gps = exif.get_ifd(0x8825)
        gps[1] = "N" if lat >= 0 else "S"
        gps[2] = _dms(lat)
        gps[3] = "E" if lng >= 0 else "W"
        gps[4] = _dms(lng)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()
