"""The draft's text: Chinese numerals for everything the generator writes itself (dates,
headings, references), so that every Arabic digit in a report is a fact's value; tokens
`[[key]]` for facts, `[[chart:key]]` / `[[table:key]]` for figures, `## ` for subheadings."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DIGITS = "〇一二三四五六七八九"
TOKEN = re.compile(r"\[\[([A-Za-z0-9_.:@-]+)\]\]")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (up to 9999)."""
    if n < 0:
        return "负" + chinese_number(-n)
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    units = [(1000, "千"), (100, "百"), (10, "十")]
    out, zero = "", False
    for size, name in units:
        digit = n // size % 10
        if digit:
            if zero and out:
                out += "零"
            out += DIGITS[digit] + name
            zero = False
        elif out:
            zero = True
    if n % 10:
        out += ("零" if zero and out else "") + DIGITS[n % 10]
    return out


def chinese_year(year: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(year))


def chinese_date(day: dt.date) -> str:
    return f"{chinese_year(day.year)}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def plain(text: str) -> str:
    """Names the generator copies from records (a unit, a matter) with their digits written
    as Chinese digits: only facts put Arabic digits in a report."""
    return re.sub(r"[0-9]", lambda m: DIGITS[int(m.group())], text)


def heading_number(index: int) -> str:
    return f"{chinese_number(index)}、"


def sub_number(index: int) -> str:
    return f"（{chinese_number(index)}）"


@dataclass(frozen=True)
class Piece:
    """A run of text, or a token (kind "fact", "chart", "table") with its key."""

    kind: str
    value: str


def pieces(line: str) -> list[Piece]:
    found: list[Piece] = []
    last = 0
    for match in TOKEN.finditer(line):
        if match.start() > last:
            found.append(Piece("text", line[last : match.start()]))
        name = match.group(1)
        if name.startswith(("chart:", "table:")):
            kind, key = name.split(":", 1)
            found.append(Piece(kind, key))
        else:
            found.append(Piece("fact", name))
        last = match.end()
    if last < len(line):
        found.append(Piece("text", line[last:]))
    return found


def typed_digits(text: str) -> list[str]:
    """Arabic digits outside tokens (the office must cite a fact instead of typing a number)."""
    return re.findall(r"[0-9]+", TOKEN.sub("", text))


def tokens(text: str) -> set[str]:
    return {m.group(1) for m in TOKEN.finditer(text)}


def percent(numerator: int, denominator: int) -> tuple[int | None, str]:
    """(per-mille value, display) of a share, rounded half up to one decimal."""
    if not denominator:
        return None, "—"
    permille = (numerator * 2000 + denominator) // (2 * denominator)
    return permille, f"{permille // 10}.{permille % 10}%"
