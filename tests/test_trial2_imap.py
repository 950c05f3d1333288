"""A second newcomer's trial on IMAP and SMTP (a real Dovecot and aiosmtpd): folders that are not there."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RecordingHandler, imap_client, write_config
from servers import Dovecot
from test_scan_imap import SEED, folder_messages, scan, seed

pytestmark = pytest.mark.integration


def test_send_mode_with_a_misspelt_sent_folder_creates_nothing_and_sends_nothing(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """`[imap] sent = "Snet"` in send mode used to send the reply and then CREATE "Snet" for its copy,
    a folder no mail client shows as Sent. Now nothing is created and nothing sent without a copy the
    person can see: the reply is a draft, and its row names the setting; a second scan adds nothing."""
    handler, port = smtpd
    ids = seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send", imap='sent = "Snet"\n')
    for _ in range(2):
        code, _out, err = scan(config)
        assert code == 0, err
        assert handler.received == []
        client = imap_client(dovecot)
        folders = {str(name) for _flags, _sep, name in client.list_folders()}
        client.logout()
        assert "Snet" not in folders
        drafts = folder_messages(dovecot, "Drafts")
        assert [m["In-Reply-To"] for m, _ in drafts] == [ids["rejection"]]
        assert drafts[0][0]["Auto-Submitted"] is None


def test_the_row_of_a_send_kept_as_a_draft_names_the_setting(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """The person learns why the reply was not sent: the row says `[imap] sent` names no folder."""
    handler, port = smtpd
    seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send", imap='sent = "Snet"\n')
    code, out, err = scan(config)
    assert code == 0, err
    assert "not sent: IMAP: no folder 'Snet' ([imap] sent)" in out, out
    assert handler.received == []


def test_smtp_tls_against_a_plain_port_proposes_starttls_or_465(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """`[smtp] security = "tls"` against a server that speaks plain text: aiosmtplib wraps the TLS error in
    SMTPConnectError, and the failure read `SMTPConnectError: Error connecting to … [SSL:
    WRONG_VERSION_NUMBER] …` without the hint IMAP gives. Now the failure line says what to change."""
    handler, port = smtpd
    seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
    plain = f'port = {port}\nsecurity = "none"'
    config.write_text(config.read_text().replace(plain, plain.replace('"none"', '"tls"')))
    code, _out, err = scan(config)
    assert code == 2, err
    assert (
        f"SMTP: TLS handshake with 127.0.0.1:{port} failed (WRONG_VERSION_NUMBER); "
        'this port speaks plain text: try security = "starttls", or the TLS port 465'
    ) in err, err
    assert handler.received == []
