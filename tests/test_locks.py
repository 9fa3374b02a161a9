"""The locks the two commands install from (`--require-hashes`) agree with the requirements
files people edit: every pinned requirement is in its lock at the same version, and every
package of a lock carries a hash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("-r "):
            pins |= _pins(path.parent / line[3:].strip())
        elif match := PIN.match(line):
            pins[_name(match[1])] = match[2]
    return pins


@pytest.mark.parametrize(
    ("requirements", "lock"),
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_every_requirement_is_locked_at_its_pinned_version(requirements, lock):
    wanted, locked = _pins(ROOT / requirements), _pins(ROOT / lock)
    assert wanted, f"{requirements} pins nothing"
    disagreeing = {name: (version, locked.get(name)) for name, version in wanted.items() if locked.get(name) != version}
    assert disagreeing == {}, f"run `make lock`: {disagreeing}"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_has_a_hash(lock):
    text = (ROOT / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text[text.index("\n\n") :] if "\n\n" in text else text)
    unhashed = [entry.split()[0] for entry in entries if PIN.match(entry.strip()) and "--hash=sha256:" not in entry]
    assert unhashed == []
    assert len(_pins(ROOT / lock)) > 10
