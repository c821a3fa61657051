"""Installs are the ones CI proved: `make` installs the lock files, which pin every package
with its hashes and must cover every range that pyproject.toml asks for. A dependency added
without `make lock` fails here, offline, instead of on the next fresh machine."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text())
RUNTIME = [Requirement(line) for line in PYPROJECT["project"]["dependencies"]]
DEV = [Requirement(line) for line in PYPROJECT["dependency-groups"]["dev"]]


def pins(lock):
    """{package: (version, hashes)} from a lock file of `name==version ; marker \\` lines."""
    found = {}
    for entry in re.split(r"\n(?=\S)", (PROJECT / lock).read_text()):
        match = re.match(r"([A-Za-z0-9._\[\]-]+)==(\S+)", entry)
        if match:
            name = canonicalize_name(match[1].split("[")[0])
            found[name] = (match[2], re.findall(r"--hash=sha256:[0-9a-f]{64}", entry))
    return found


@pytest.mark.parametrize(
    ("lock", "declared"),
    [("requirements.lock", RUNTIME), ("requirements-dev.lock", RUNTIME + DEV)],
)
def test_the_lock_pins_every_declared_dependency_within_its_range(lock, declared):
    locked = pins(lock)
    for requirement in declared:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} is not in {lock}: run `make lock`"
        version, _ = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, outside {requirement}: run `make lock`"
        )


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_carries_its_hashes(lock):
    locked = pins(lock)
    assert len(locked) > 10
    assert [name for name, (_, hashes) in locked.items() if not hashes] == []


def test_production_and_tests_pin_the_same_versions():
    dev = pins("requirements-dev.lock")
    production = pins("requirements.lock")
    assert {name: version for name, (version, _) in production.items()} == {
        name: dev[name][0] for name in production
    }


def make_dry_run(*args):
    """The commands `make` would run for a fresh checkout (a venv that does not exist)."""
    result = subprocess.run(
        ["make", "--dry-run", "VENV=/nonexistent/venv", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_installs_the_dev_lock_checking_every_hash():
    commands = make_dry_run("install")
    assert "pip install --quiet --require-hashes --no-deps -r requirements-dev.lock" in commands
    assert "pyproject" not in commands and "-e ." not in commands


def test_make_demo_serves_and_prints_the_same_port():
    commands = make_dry_run("demo", "PORT=8101")
    assert "manage.py load_demo --port 8101" in commands
    assert "manage.py runserver 127.0.0.1:8101" in commands
