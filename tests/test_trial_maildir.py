"""A newcomer's trial on a local Maildir: looking for a reply already written reads each draft once."""

from __future__ import annotations

import mailbox
from collections.abc import Iterable
from pathlib import Path

import pytest

from mailbot.mailboxes import maildir
from mailbot.mailboxes.maildir import MaildirMailbox


def draft(n: int) -> bytes:
    """A draft as mailbot writes one: its deterministic Message-ID is what a scan looks for."""
    return (
        f"From: Ada <ada@example.org>\r\nTo: privacy@example.org\r\nSubject: Re: {n}\r\n"
        f"Message-ID: <mailbot.{n:04d}@example.org>\r\n\r\nBody {n}\r\n"
    ).encode()


@pytest.fixture
def box(tmp_path: Path) -> MaildirMailbox:
    """An opened, empty Maildir."""
    for sub in ("cur", "new", "tmp"):
        (tmp_path / sub).mkdir()
    opened = MaildirMailbox(tmp_path)
    opened.open()
    return opened


def test_looking_for_drafts_reads_each_draft_once(box: MaildirMailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan looks for each reply's Message-ID in .Drafts before writing it (exactly once). Reading every
    draft on every look made a scan of a big mailbox quadratic (3,600 sample messages: a minute, most of
    it re-reading .Drafts): now the header reads grow with the drafts, not with their square."""
    reads = 0
    real = maildir._header_block

    def counting(fh: Iterable[bytes]) -> bytes:
        nonlocal reads
        reads += 1
        return real(fh)

    monkeypatch.setattr(maildir, "_header_block", counting)
    drafts = 80
    for n in range(drafts):
        assert not box.has_message_id("drafts", f"<mailbot.{n:04d}@example.org>")
        box.append("drafts", draft(n), draft=True)
        assert box.has_message_id("drafts", f"<mailbot.{n:04d}@example.org>")
    # Each draft read once or twice; re-reading all of them on each look is drafts**2 / 2 (3,200).
    assert reads <= 2 * drafts, reads


def test_a_draft_written_or_deleted_elsewhere_is_seen(box: MaildirMailbox) -> None:
    """What the index remembers never hides a change: a draft another program adds is found, a draft the
    person deletes is no longer there."""
    box.append("drafts", draft(0), draft=True)
    assert not box.has_message_id("drafts", "<mailbot.0001@example.org>")
    folder = mailbox.Maildir(box.path, create=False).get_folder("Drafts")
    key = folder.add(mailbox.MaildirMessage(draft(1)))
    assert box.has_message_id("drafts", "<mailbot.0001@example.org>")
    folder.remove(key)
    assert not box.has_message_id("drafts", "<mailbot.0001@example.org>")
    assert box.has_message_id("drafts", "<mailbot.0000@example.org>")
