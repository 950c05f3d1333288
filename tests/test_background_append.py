"""Drafts stored on a background thread (Delivery.flush, ImapMailbox.start_append_many): nothing written
twice while a batch is in flight, nothing lost when a batch fails."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import imap_client
from servers import Dovecot, ImapProxy
from test_scan_imap import folder_messages, scan, seeded_raw
from test_servers_imap import config_for

pytestmark = pytest.mark.integration

REQUEST_INFO = "request_info/whatsapp-template-en.eml"


@pytest.fixture
def proxies() -> Iterator[Callable[..., ImapProxy]]:
    """Starts IMAP proxies in front of a server; stops them all afterwards."""
    started: list[ImapProxy] = []

    def start(server: Dovecot, **behaviour: Any) -> ImapProxy:
        proxy = ImapProxy(upstream=server.port, **behaviour).start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


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
