"""Polish of the command line: an empty `teach --list` says so on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file

from mailbot.cli import cli


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """No configuration but the one a test names."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.delenv("MAILBOT_CONFIG", raising=False)
    return CliRunner()


def test_teach_list_without_lessons_says_how_to_teach(runner: CliRunner, tmp_path: Path) -> None:
    """`mailbot teach --list` with no lesson printed nothing at all: now one line on stderr says there is
    none and how to teach; stdout stays empty for scripts."""
    config = config_file(tmp_path)
    for args in (["teach", "--list"], ["teach", "--list", "--config", str(config)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert result.stderr == (
            "mailbot: nothing taught yet: 'mailbot teach FILE CATEGORY', or file a message into the mail "
            "folder Mailbot/<category>\n"
        )
