"""Polish on the IMAP edge (a real Dovecot): a configured Drafts folder that does not exist."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import imap_client, write_config
from servers import Dovecot
from test_scan_imap import SEED, folder_messages, seed

from mailbot.cli import cli

pytestmark = pytest.mark.integration


def _scan(config: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    return result.exit_code, result.stdout + result.stderr


def _folders(server: Dovecot) -> set[str]:
    client = imap_client(server)
    try:
        return {name for _flags, _sep, name in client.list_folders()}
    finally:
        client.logout()


def test_a_configured_drafts_folder_that_does_not_exist_is_said_and_never_created(dovecot: Dovecot, env: Path) -> None:
    """`[imap] drafts = "NoDrafts"` on a server with only `Drafts` created `NoDrafts` and stored the drafts
    there, where no mail client shows drafts (one INFO line). Now it is a configuration error before any message
    is looked at (exit 1, one line naming the setting, nothing recorded, no folder created), and once the
    setting names Drafts the next scan drafts the reply there."""
    ids = seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot, imap='drafts = "NoDrafts"\n')
    code, output = _scan(config)
    assert code == 1, output
    assert "Traceback" not in output
    assert output.strip() == (
        "mailbot: error: IMAP: no folder 'NoDrafts' ([imap] drafts): no draft is written; set it to an existing "
        "folder (the one your mail client shows as Drafts), or remove it to find Drafts by itself"
    )
    assert "NoDrafts" not in _folders(dovecot)
    assert folder_messages(dovecot, "Drafts") == []
    db = sqlite3.connect(env / "state.sqlite3")
    with db:
        assert db.execute("SELECT count(*) FROM messages").fetchone() == (0,)  # nothing looked at, nothing failed
    db.close()
    config.write_text(config.read_text().replace('"NoDrafts"', '"Drafts"'))
    code, output = _scan(config)
    assert code == 0, output
    assert [msg["In-Reply-To"] for msg, _flags in folder_messages(dovecot, "Drafts")] == [ids["rejection"]]


def test_tls_against_the_plain_imap_port_proposes_starttls_or_993(dovecot: Dovecot, env: Path) -> None:
    """`security = "tls"` against a port that speaks plain IMAP said only `TLS handshake … failed
    (WRONG_VERSION_NUMBER)`; the same one line now says what to change (exit 1: nothing was done)."""
    config = write_config(env / "config.toml", dovecot)
    config.write_text(config.read_text().replace('security = "none"', 'security = "tls"', 1))
    code, output = _scan(config)
    assert code == 1, output
    (line,) = [x for x in output.splitlines() if "TLS handshake" in x]
    assert line.endswith(
        f"TLS handshake with 127.0.0.1:{dovecot.port} failed (WRONG_VERSION_NUMBER); "
        'this port speaks plain text: try security = "starttls", or the TLS port 993'
    ), line
