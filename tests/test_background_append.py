"""Drafts stored on a background thread (Delivery.flush, ImapMailbox.start_append_many): nothing written
twice while a batch is in flight, nothing lost when a batch fails."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import imap_client, wait_until, write_config
from servers import Dovecot, ImapProxy
from test_scan_imap import REPLY_WORTHY, SEED, folder_messages, scan, seed, seeded_raw
from test_servers_imap import config_for

pytestmark = pytest.mark.integration

REQUEST_INFO = "request_info/whatsapp-template-en.eml"


@pytest.mark.parametrize("batch", [1, 50], ids=["being-stored", "same-batch"])
def test_a_reply_queued_or_being_stored_is_not_written_again(
    dovecot: Dovecot, proxies: Callable[..., ImapProxy], env: Path, batch: int
) -> None:
    """Two inbox messages with one Message-ID in two threads (a platform's resend) get the same
    deterministic reply. When the second is made, the first's draft is still being stored (one
    draft per batch, a slow server) or still queued: Drafts cannot show it yet, and it must not be
    written a second time. Both messages are recorded once it is stored."""
    first = seeded_raw("twin", REQUEST_INFO)
    second = re.sub(rb"<objection-twin-0@example\.org>", b"<objection-twin-resent@example.org>", first)
    assert second != first
    client = imap_client(dovecot)
    for raw in (first, second):
        client.append("INBOX", raw, flags=[])
    client.logout()
    slow = proxies(dovecot, slow=(rb"^\S+ APPEND ", 1.0))
    config = config_for(env, dovecot, slow.port, f"[limits]\ndraft_batch = {batch}\n")
    code, out, err = scan(config)
    assert code == 0, out + err
    drafts = [m["Message-ID"] for m, _ in folder_messages(dovecot, "Drafts")]
    assert drafts, out + err
    assert len(drafts) == len(set(drafts)), drafts
    db = sqlite3.connect(env / "state.sqlite3")
    rows = db.execute("SELECT status, reply_message_id FROM messages ORDER BY uid").fetchall()
    db.close()
    assert [status for status, _ in rows] == ["done", "done"], rows
    assert {reply for _, reply in rows} == set(drafts)


def test_a_connection_lost_in_the_middle_of_a_background_append_loses_and_duplicates_nothing(
    dovecot: Dovecot, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """The server goes away while a batch is being stored (the connection closes on APPEND): the scan
    ends with exit 2 and no traceback, no message of a batch is recorded as done, and later scans
    write each draft exactly once."""
    items = {f"{name}-{i}": path for i in range(2) for name, path in SEED.items() if name in REPLY_WORTHY}
    ids = seed(dovecot, items)
    dropping = proxies(dovecot, drop=rb"^\S+ APPEND ")
    code, out, err = scan(config_for(env, dovecot, dropping.port, "[limits]\ndraft_batch = 2\n"))
    assert code == 2, out + err
    assert "Traceback" not in out + err
    assert folder_messages(dovecot, "Drafts") == []
    db = sqlite3.connect(env / "state.sqlite3")
    with db:
        assert db.execute("SELECT count(*) FROM messages WHERE status = 'done'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM messages WHERE status = 'failed'").fetchone()[0] == len(items)
        db.execute("UPDATE messages SET retry_at = '2000-01-01T00:00:00+00:00' WHERE status = 'failed'")
    db.close()
    for _ in range(2):
        code, out, err = scan(config_for(env, dovecot, None, "[limits]\ndraft_batch = 2\n"))
        assert code == 0, out + err
    drafts = folder_messages(dovecot, "Drafts")
    assert sorted(m["In-Reply-To"] for m, _ in drafts) == sorted(ids.values())


def test_a_background_append_that_times_out_but_is_stored_later_is_not_written_twice(
    dovecot: Dovecot, proxies: Callable[..., ImapProxy], env: Path
) -> None:
    """The client gives up on a batch (the server answers after the timeout) that the server then
    stores all the same: its messages are retried, and the retries find the drafts instead of
    writing them again."""
    # Batches of two: MULTIAPPEND with LITERAL+ is sent whole without waiting for the server, so
    # each batch reaches it however late it answers.
    items = {f"{name}-{i}": path for i in range(2) for name, path in SEED.items() if name in REPLY_WORTHY}
    ids = seed(dovecot, items)
    slow = proxies(dovecot, slow=(rb"^\S+ APPEND ", 1.5))
    config = write_config(env / "config.toml", dovecot, imap="timeout = 1\n", reply="")
    config.write_text(config.read_text().replace(f"port = {dovecot.port}\n", f"port = {slow.port}\n"))
    config.write_text(config.read_text() + "[limits]\ndraft_batch = 2\n")
    code, out, err = scan(config)
    assert code in (1, 2), out + err
    assert "Traceback" not in out + err
    wait_until(lambda: len(folder_messages(dovecot, "Drafts")) == len(items), "the late drafts", ceiling=60)
    db = sqlite3.connect(env / "state.sqlite3")
    with db:
        assert db.execute("SELECT count(*) FROM messages WHERE status = 'done'").fetchone()[0] == 0
        db.execute("UPDATE messages SET retry_at = '2000-01-01T00:00:00+00:00' WHERE status = 'failed'")
    db.close()
    for _ in range(2):
        code, out, err = scan(config_for(env, dovecot, None, "[limits]\ndraft_batch = 2\n"))
        assert code == 0, out + err
    drafts = folder_messages(dovecot, "Drafts")
    assert sorted(m["In-Reply-To"] for m, _ in drafts) == sorted(ids.values())


def test_a_batch_stored_but_not_recorded_fails_alone_and_the_next_is_still_stored(tmp_path: Path) -> None:
    """When recording a stored batch fails (the state cannot be written at that moment), its messages
    are handed back to retry (their drafts are found by Message-ID next time), and the batch queued
    behind it is still stored and recorded."""
    from mailbot.deliver import Delivery
    from mailbot.mailboxes.maildir import MaildirMailbox
    from mailbot.models import Category, Reply
    from mailbot.parse import parse
    from mailbot.store import Store

    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    store = Store(tmp_path / "state.sqlite3")
    mailbox = MaildirMailbox(maildir)
    mailbox.open()
    delivery = Delivery(store, mailbox, mode="draft", smtp=None, sender="ada@example.org")
    delivery.start_batch()
    recorded: list[str] = []

    def reply(n: int) -> Reply:
        raw = f"From: ada@example.org\r\nMessage-ID: <r{n}@example.org>\r\n\r\nHi\r\n".encode()
        return Reply(f"<r{n}@example.org>", "privacy@example.com", "Re", raw, Category.REJECTION, "rejection", "en")

    def unrecordable() -> None:
        raise sqlite3.OperationalError("database is locked")

    message = parse(b"From: privacy@example.com\r\nMessage-ID: <m1@example.com>\r\n\r\nNo.\r\n")
    delivery.draft(reply(1), "<m1@example.com>", None)
    assert delivery.defer(("INBOX", 1, 1), message, unrecordable)
    assert delivery.flush() == []
    delivery.draft(reply(2), "<m2@example.com>", None)
    assert delivery.defer(("INBOX", 1, 2), message, lambda: recorded.append("m2"))
    failed = delivery.flush(final=True)
    assert [(key, type(exc)) for key, _, exc in failed] == [(("INBOX", 1, 1), sqlite3.OperationalError)]
    assert recorded == ["m2"]
    drafts = MaildirMailbox(maildir)
    drafts.open()
    assert drafts.has_message_id("drafts", "<r1@example.org>")
    assert drafts.has_message_id("drafts", "<r2@example.org>")
    store.close()
