"""Mail sources and draft/sent targets: IMAP and local Maildir behind one interface."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

# The person's teaching folders are TEACH_ROOT/<category> (mailbot.learn).
TEACH_ROOT = "Mailbot"
# Headers fetched first to decide whether a message can matter, before any body is fetched.
TRIAGE_HEADERS = (
    "From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
    "List-Id", "List-Post", "List-Unsubscribe", "Precedence", "Auto-Submitted", "Return-Path",
    "Content-Type",
)  # fmt: skip


class Mailbox(Protocol):
    """What the pipeline needs from a mailbox; see imap.ImapMailbox and maildir.MaildirMailbox."""

    name: str
    # False where the mailbox has no UIDs to remember a position by (a Maildir lists everything each
    # time): the pipeline then records every message it looked at, even those it ignored.
    has_uids: bool

    def open(self) -> int:
        """Connect and open the inbox read-only; returns its UIDVALIDITY."""

    def new_uids(self, last_uid: int) -> list[int]:
        """UIDs above last_uid, ascending."""

    def headers(self, uids: list[int]) -> Iterator[tuple[int, bytes, int]]:
        """(uid, triage headers, size) of each message, in UID order, read a chunk at a time.

        A message that vanished meanwhile is left out; one that is there but cannot be read raises
        MailboxError (never silently skipped)."""

    def bodies(self, uids: list[int]) -> Iterator[tuple[int, bytes]]:
        """(uid, whole message) one at a time, without marking them read; memory stays bounded
        (small batches by size). A message without an answer is not yielded."""

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """True when the folder ('drafts' or 'sent') holds a message with this Message-ID; raises
        MailboxError when the folder cannot be read reliably."""

    def missing(self, kind: str) -> str | None:
        """Why nothing can be stored in 'drafts' or 'sent' (a configured folder that does not exist), else None."""

    def append(self, folder: str, raw: bytes, *, draft: bool) -> None:
        """Store a message in 'drafts' or 'sent'."""

    def append_many(self, folder: str, raws: list[bytes], *, draft: bool) -> None:
        """Store several messages at once (IMAP MULTIAPPEND: all or none, one server round trip)."""

    def start_append_many(self, folder: str, raws: list[bytes], *, draft: bool) -> Callable[[], None]:
        """Begin append_many and return a function that waits for its end and raises what it raised;
        meanwhile the mailbox may be used as usual (it waits for the append where it must)."""

    def close(self) -> None:
        """Disconnect."""

    def read_sent(
        self, last_uid: Callable[[int], int], want: Callable[[bytes], bool]
    ) -> tuple[int, int, dict[int, bytes]]:
        """The Sent folder's UIDVALIDITY, the highest UID looked at, and the messages above
        `last_uid(UIDVALIDITY)` whose headers `want` takes."""

    def teaching_folders(self, names: Sequence[str], *, create: bool) -> dict[str, str]:
        """name -> folder of each of the person's teaching folders `Mailbot/<name>` that exists (IMAP: in
        the personal namespace; Maildir: the Maildir++ subfolder .Mailbot.<name>); with `create`, the
        missing ones are created first."""

    def read_folder(
        self, folder: str, pick: Callable[[int, list[int]], list[int]], *, above: Callable[[int], int], max_bytes: int
    ) -> tuple[int, list[int], dict[int, bytes | None]]:
        """Read a teaching folder without changing it: its UIDVALIDITY, the UIDs above
        `above(UIDVALIDITY)` (a Maildir: all), and the messages `pick(UIDVALIDITY, uids)` chooses
        (None for one larger than max_bytes). The inbox is selected again afterwards."""
