"""The documentation stays true: settings in .env.example, commands in the README."""

import re

from bot.cli import cli
from bot.config import SETTINGS
from tests.conftest import ROOT


def test_every_setting_is_in_env_example():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^([A-Z_]+)=", example, flags=re.M))
    assert documented == {name for name, _, _ in SETTINGS}


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"python -m bot {name}" in readme, name
    assert "python -m bot kb export" in readme


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "python -m pytest -q"
    assert command in readme and command in ci


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name, _, _ in SETTINGS if f"| `{name}` |" not in readme] == []
