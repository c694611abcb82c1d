"""requirements-prod.txt pins, with hashes, exactly what requirements.txt asks for (plus every
transitive dependency): a package added to requirements.txt without `make requirements-prod`
would be missing from the production image, which installs with --require-hashes."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[normalized(match.group(1))] = match.group(2)
    return found


def test_every_runtime_requirement_is_pinned_with_its_version_in_the_hashed_file() -> None:
    wanted = pins(ROOT / "requirements.txt")
    hashed = pins(ROOT / "requirements-prod.txt")
    assert wanted, "requirements.txt pins nothing?"
    missing = {name: version for name, version in wanted.items() if hashed.get(name) != version}
    assert not missing, f"run `make requirements-prod`: {missing} differ in requirements-prod.txt"


def test_every_pin_in_the_hashed_file_has_a_hash() -> None:
    text = (ROOT / "requirements-prod.txt").read_text(encoding="utf-8")
    # One block per package: "name==version \" followed by its "--hash=sha256:..." lines.
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    packages = [block for block in blocks if PIN.match(block)]
    assert len(packages) >= len(pins(ROOT / "requirements.txt"))
    unhashed = [block.split()[0] for block in packages if "--hash=sha256:" not in block]
    assert not unhashed
