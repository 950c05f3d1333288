"""A second newcomer's trial of `mailbot teach`: only e-mail is learnt from."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file

from mailbot.cli import cli


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            b"# mailbot\n\nAnswers platforms' privacy teams on your behalf. We will not honour your objection.\n",
            "not an e-mail",
        ),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "not an e-mail"),
        (b"", "is empty, not an e-mail"),
    ],
)
def test_teach_refuses_a_file_that_is_not_an_email(tmp_path: Path, content: bytes, said: str) -> None:
    """`mailbot teach README.md rejection` used to learn the README's sentences as a rejection (exit 0), though
    classify and reply refuse such a file. It is now refused in the same one line, exit 1, nothing learnt."""
    config = config_file(tmp_path)
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["teach", str(path), "rejection", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"mailbot: error: {path}: {said}"), result.stderr
    assert not (tmp_path / "learned.json").exists()
    listed = CliRunner().invoke(cli, ["teach", "--list", "--config", str(config)])
    assert listed.stdout == ""
