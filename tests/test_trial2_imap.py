"""A second newcomer's trial on IMAP and SMTP (a real Dovecot and aiosmtpd): folders that are not there."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import RecordingHandler, imap_client, write_config
from servers import Dovecot, free_port
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


@dataclass
class SilentAfterData:
    """An SMTP server that takes the message and then does not answer in time (a crash, a lost link)."""

    received: list[bytes] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.received.append(bytes(envelope.original_content or envelope.content))
        await asyncio.sleep(8)  # past the client's [smtp] timeout: it never learns that the message went
        return "250 OK"


def test_a_send_whose_answer_never_comes_is_not_sent_again(dovecot: Dovecot, env: Path) -> None:
    """When the SMTP server took the message but its answer to DATA never came, the send was retried at
    once (four copies to the controller) and again by each later scan. Whether it went cannot be told: it is
    never sent again; the reply is kept as a draft whose row says it may have been sent."""
    from aiosmtpd.controller import Controller

    handler = SilentAfterData()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        ids = seed(dovecot, {"rejection": SEED["rejection"]})
        config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
        config.write_text(
            config.read_text().replace('security = "none"\n[reply]', 'security = "none"\ntimeout = 2\n[reply]')
        )
        code, out, err = scan(config)
        assert code == 0, err
        assert len(handler.received) == 1, out
        assert "may have been sent" in out, out
        drafts = folder_messages(dovecot, "Drafts")
        assert [m["In-Reply-To"] for m, _ in drafts] == [ids["rejection"]]
        code, out, err = scan(config)
        assert code == 0, err
        assert len(handler.received) == 1, out
        assert len(folder_messages(dovecot, "Drafts")) == 1
    finally:
        controller.stop()


@dataclass
class RefusesRecipient:
    """An SMTP server that refuses the recipient for good (550 at RCPT)."""

    tries: int = 0

    async def handle_RCPT(self, server: object, session: object, envelope: Any, address: str, options: Any) -> str:
        self.tries += 1
        return "550 5.1.1 no such user"


def test_a_recipient_refused_for_good_keeps_the_reply_as_a_draft(dovecot: Dovecot, env: Path) -> None:
    """A 550 at RCPT used to count as a passing failure: tried four times at once, then again by each scan
    until the message was given up, without a draft. Like a 5xx answer to DATA, it now keeps the reply as a
    draft at once, with the server's answer in the row, and nothing is tried again."""
    from aiosmtpd.controller import Controller

    handler = RefusesRecipient()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        ids = seed(dovecot, {"rejection": SEED["rejection"]})
        config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
        code, out, err = scan(config)
        assert code == 0, err
        assert handler.tries == 1
        assert "550 5.1.1 no such user; kept as a draft" in out, out
        assert [m["In-Reply-To"] for m, _ in folder_messages(dovecot, "Drafts")] == [ids["rejection"]]
        code, out, err = scan(config)
        assert code == 0, err
        assert handler.tries == 1
    finally:
        controller.stop()


def test_a_failed_message_deleted_before_its_retry_is_not_retried_for_ever(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """A message whose send failed (SMTP 451) and which the person then deleted in their mail client used
    to be "retried" by every later scan for ever (`0 new, 1 retried` each time), never done with. Now the
    retry finds it gone, says so once, and later scans leave it alone."""
    from mailbot.store import Store

    handler, port = smtpd
    handler.fail_codes = ["451 4.3.0 try later"] * 4
    seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
    code, _out, err = scan(config)
    assert code == 2, err
    client = imap_client(dovecot)
    client.select_folder("INBOX")
    client.delete_messages(client.search(["ALL"]))
    client.expunge()
    client.logout()
    store = Store(env / "state.sqlite3")
    (key,) = [(r["mailbox"], r["uidvalidity"], r["uid"]) for r in store.db.execute("SELECT * FROM messages")]
    store.retry_at(key, datetime.now(UTC) - timedelta(minutes=1))  # its retry is due
    store.close()
    code, _out, err = scan(config)
    assert code == 0, err
    assert "0 new, 1 retried, 0 not from a platform, 1 gone from the mailbox, 0 replies" in err, err
    code, _out, err = scan(config)
    assert code == 0, err
    assert "mailbot: 0 new, 0 not from a platform, 0 replies" in err, err
    assert "wait to be tried again" not in err
    assert handler.received == []


def test_a_send_that_fails_until_the_last_try_leaves_a_draft(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """In send mode with an SMTP server that keeps answering 451 (or is down, or its port is wrong), each
    reply-worthy message was tried five times and then given up without any draft: the person had nothing
    to send. The last try now keeps the reply as a draft, its row saying why."""
    from mailbot.store import Store

    handler, port = smtpd
    handler.fail_codes = ["451 4.3.0 try later"] * 100
    ids = seed(dovecot, {"rejection": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
    code, _out, err = scan(config)
    assert code == 2, err
    assert folder_messages(dovecot, "Drafts") == []
    store = Store(env / "state.sqlite3")
    (row,) = store.db.execute("SELECT * FROM messages").fetchall()
    key = (row["mailbox"], row["uidvalidity"], row["uid"])
    for _ in range(3):  # three more failed tries, as 4, 16 and 64 minutes later
        store.record_message(key, status="failed", action="error", error="SMTP 127.0.0.1 answered 451")
    store.retry_at(key, datetime.now(UTC) - timedelta(minutes=1))  # the fifth and last try is due
    store.close()
    code, out, err = scan(config)
    assert code == 0, err
    assert "not sent after 5 tries, kept as a draft" in out, out
    assert [m["In-Reply-To"] for m, _ in folder_messages(dovecot, "Drafts")] == [ids["rejection"]]
    assert handler.received == []
    code, _out, err = scan(config)
    assert code == 0, err
    assert "gave up" not in err
    assert len(folder_messages(dovecot, "Drafts")) == 1
