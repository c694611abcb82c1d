"""What the shallow-visit checks need from a photo, read from the upload as it came, before
`zuofeng.uploads` strips its metadata: the perceptual hash (imagehash.phash, 64 bits), the EXIF
time the picture was taken and the EXIF GPS position.

EXIF times carry no time zone; a phone in the district writes local time, so they are read as
Asia/Shanghai. A picture without EXIF (a screenshot, a messaging app's copy) simply has no time
or position: the checks then say nothing about it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass

from zuofeng.workdays.calendar import LOCAL_TZ

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class PhotoFacts:
    phash: int | None  # signed 64-bit (fits a BigIntegerField)
    taken_at: dt.datetime | None
    latitude: float | None
    longitude: float | None


def signed64(value: int) -> int:
    return value - (1 << 64) if value >= (1 << 63) else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def read_facts(data: bytes) -> PhotoFacts:
    """The hash, EXIF time and GPS position of a picture's bytes (None where absent or
    unreadable; a picture that does not decode is refused by the upload check anyway)."""
    import imagehash
    from PIL import Image, ImageOps

    try:
        image = Image.open(io.BytesIO(data))
        exif = image.getexif()
        upright = ImageOps.exif_transpose(image) or image
        phash = signed64(int(str(imagehash.phash(upright)), 16))
    except Exception:  # any undecodable picture has no facts
        return PhotoFacts(None, None, None, None)
    taken = _exif_time(exif)
    lat, lng = _exif_position(exif)
    return PhotoFacts(phash, taken, lat, lng)


def _exif_time(exif: object) -> dt.datetime | None:
    try:
        raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)  # type: ignore[attr-defined]
        if not raw:
            return None
        text = str(raw).strip("\x00 ") + " +0800"
        moment = dt.datetime.strptime(text, "%Y:%m:%d %H:%M:%S %z")
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return moment.astimezone(LOCAL_TZ)


def _degrees(value: object, ref: object, negative: str) -> float | None:
    try:
        d, m, s = (float(part) for part in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if not math.isfinite(degrees):
        return None
    return -degrees if str(ref).upper().startswith(negative) else degrees


def _exif_position(exif: object) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(_GPS_IFD)  # type: ignore[attr-defined]
    except (KeyError, AttributeError, TypeError):
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat = _degrees(gps[2], gps.get(1, "N"), "S")
    lng = _degrees(gps[4], gps.get(3, "E"), "W")
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None, None
    return lat, lng


def nearest(hashes: object, phash: int) -> tuple[int, int]:
    """(index, bits) of the hash in `hashes` (a uint64 numpy array) nearest to `phash` in
    Hamming distance: one vectorised pass (a district's year of photos takes milliseconds)."""
    import numpy as np

    xor = hashes ^ np.uint64(phash & ((1 << 64) - 1))  # type: ignore[operator]
    bits = np.unpackbits(xor.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)
    at = int(np.argmin(bits))
    return at, int(bits[at])


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
