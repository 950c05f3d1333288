"""Mail sources and draft/sent targets: IMAP and local Maildir behind one interface."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

# Headers fetched first to decide whether a message can matter, before any body is fetched.
TRIAGE_HEADERS = (
    "From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
    "List-Id", "List-Post", "List-Unsubscribe", "Precedence", "Auto-Submitted", "Return-Path",
    "Content-Type",
)  # fmt: skip


class Mailbox(Protocol):
    """What the pipeline needs from a mailbox; see imap.ImapMailbox and maildir.MaildirMailbox."""

    name: str

    def open(self) -> int:
        """Connect and open the inbox read-only; returns its UIDVALIDITY."""

    def new_uids(self, last_uid: int) -> list[int]:
        """UIDs above last_uid, ascending."""

    def candidates(self, uids: list[int], domains: list[str], thread_ids: list[str]) -> list[int] | None:
        """Of these UIDs, those from one of the domains or referring to one of the thread ids,
        found by the server (None when the mailbox cannot search: every UID is a candidate)."""

    def headers(self, uids: list[int]) -> dict[int, tuple[bytes, int]]:
        """The triage headers and the size of each message."""

    def bodies(self, uids: list[int]) -> dict[int, bytes]:
        """The whole messages, without marking them read."""

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """True when the folder ('drafts' or 'sent') holds a message with this Message-ID."""

    def append(self, folder: str, raw: bytes, *, draft: bool) -> None:
        """Store a message in 'drafts' or 'sent'."""

    def close(self) -> None:
        """Disconnect."""

    def read_sent(self, last_uid: Callable[[int], int], want: Callable[[bytes], bool]) -> tuple[int, dict[int, bytes]]:
        """The Sent folder's UIDVALIDITY and its messages above `last_uid(UIDVALIDITY)` whose headers `want` takes."""
