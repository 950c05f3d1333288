"""A newcomer's trial on IMAP (a real Dovecot): a misspelt Sent folder is said, not silently skipped."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_config
from servers import Dovecot

from mailbot.cli import cli

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("sent", "warned"), [("Snet", True), ("Sent", False)])
def test_a_configured_sent_folder_that_does_not_exist_is_warned_about(
    dovecot: Dovecot, env: Path, caplog: pytest.LogCaptureFixture, sent: str, warned: bool
) -> None:
    """`[imap] sent = "Snet"` used to be skipped in silence: no request was ever read from Sent, so every
    case was dated from the controller's answer, not from the request (Art. 12(3)). Now each scan says
    which setting names a folder that is not there; the inbox is still answered (exit 0)."""
    config = write_config(env / "config.toml", dovecot, imap=f'sent = "{sent}"\n')
    with caplog.at_level(logging.WARNING):
        result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 0, result.output
    said = [r.getMessage() for r in caplog.records if "[imap] sent" in r.getMessage()]
    assert bool(said) is warned, said
    if warned:
        assert said == [
            "Sent folder not read: IMAP: no folder 'Snet' ([imap] sent): the requests you sent are not read; "
            "set it to an existing folder, or remove it to find Sent by itself"
        ]
