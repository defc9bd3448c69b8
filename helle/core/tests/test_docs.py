"""The README is the first thing a newcomer reads; it must follow the code."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def variables_read_by(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    names = set(re.findall(r'env(?:_bool|_int|_list)?\("([A-Z_]+)"', source))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', source))
    return names


def test_the_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_every_environment_variable_is_in_the_readme_configuration_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)`", readme, flags=re.MULTILINE))
    read = variables_read_by(ROOT / "config" / "settings.py")
    read |= variables_read_by(ROOT / "helle" / "core" / "management" / "commands" / "serve.py")
    read -= {"PYTEST_XDIST_WORKER"}  # set by the test runner itself
    assert read - documented == set(), "document these in the README's configuration table"
    assert documented - read == set(), "the README documents variables nothing reads"
