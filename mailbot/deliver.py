"""The exactly-once delivery protocol: record the attempt, look for it in Drafts or Sent, write or send, record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mailbot.config import ServerSettings
from mailbot.errors import DeliveryError
from mailbot.mailboxes import Mailbox
from mailbot.models import Action, DeliveryMode, DeliveryStatus, Message, Reply
from mailbot.store import Store

Key = tuple[str, int, int]


@dataclass(slots=True)
class DraftBatch:
    """Drafts stored together (one MULTIAPPEND: one round trip, one disk sync on the server); each
    message is recorded as done only after its draft is stored, so a crash in between loses nothing and,
    with the replies recorded as pending, duplicates nothing."""

    ids: list[str] = field(default_factory=list)
    raws: list[bytes] = field(default_factory=list)
    after: list[tuple[Key, Message, Callable[[], None]]] = field(default_factory=list)


class Delivery:
    """Writes drafts and sends replies so that each is delivered at most once, across crashes and re-runs.

    Before writing, the attempt is recorded (pending); a pending reply found on the next run is looked
    for in Drafts or Sent by its deterministic Message-ID before anything is written again. A send that
    was interrupted is never retried blindly: it becomes a draft for the person.
    """

    def __init__(
        self,
        store: Store,
        mailbox: Mailbox,
        *,
        mode: str,
        smtp: ServerSettings | None,
        sender: str,
        batch_size: int = 50,
        echo: Callable[[str], None] = print,
    ) -> None:
        self.store = store
        self.mailbox = mailbox
        self.mode = mode
        self.smtp = smtp
        self.sender = sender
        self.batch_size = max(1, batch_size)
        self.echo = echo
        self.batch: DraftBatch | None = None
        self.storing: tuple[DraftBatch, Callable[[], None]] | None = None
        # The batch that holds the draft of the message in hand, if its draft was queued (reset per message).
        self.queued_in: DraftBatch | None = None

    # --- drafts ------------------------------------------------------------------------------------

    def start_batch(self) -> None:
        """From now on drafts are queued and stored together by `flush`."""
        self.batch = DraftBatch()

    def draft(self, reply: Reply, original: str, case_id: int | None) -> str:
        """Write the reply as a draft (or queue it in the batch); returns what was done."""
        existing = self.store.reply(reply.message_id)
        if existing and existing.status is DeliveryStatus.DELIVERED and existing.mode is DeliveryMode.DRAFT:
            return "draft already written"
        holder = self._holder(reply.message_id)
        if holder is not None:
            # Queued, or being stored, for another message of this scan: Drafts cannot show it yet.
            self.queued_in = holder
            return f"draft {reply.message_id} already being written"
        self.store.begin_reply(reply.message_id, original, case_id, reply.template, DeliveryMode.DRAFT)
        if self.mailbox.has_message_id("drafts", reply.message_id):
            self.store.finish_reply(reply.message_id, DeliveryStatus.DELIVERED)
            return "draft already in Drafts"
        if self.mode == "dry-run":
            # Recorded as written in the dry run's copy of the state; the mailbox is left alone.
            self.store.finish_reply(reply.message_id, DeliveryStatus.DELIVERED)
            self.echo(f"would draft to {reply.to}: {reply.subject} [{reply.template}] {reply.message_id}")
            return f"dry-run: would draft {reply.message_id} for {reply.to}"
        if self.batch is not None:
            # Stored with the others of this scan (flush); recorded as delivered only then.
            self.batch.ids.append(reply.message_id)
            self.batch.raws.append(reply.raw)
            self.queued_in = self.batch
            return f"draft {reply.message_id} for {reply.to}"
        self.mailbox.append("drafts", reply.raw, draft=True)
        self.store.finish_reply(reply.message_id, DeliveryStatus.DELIVERED)
        return f"draft {reply.message_id} for {reply.to}"

    def _holder(self, reply_id: str) -> DraftBatch | None:
        """The batch queued or being stored that holds this draft, if any."""
        for batch in (self.batch, self.storing[0] if self.storing else None):
            if batch is not None and reply_id in batch.ids:
                return batch
        return None

    def defer(self, key: Key, message: Message, record: Callable[[], None]) -> bool:
        """When the last reply went into a batch, keep the message's record until that batch is stored."""
        if self.queued_in is None:
            return False
        self.queued_in.after.append((key, message, record))
        return True

    def batch_full(self) -> bool:
        """True when the batch should be stored now."""
        return self.batch is not None and len(self.batch.ids) >= self.batch_size

    def flush(self, *, final: bool = False) -> list[tuple[Key, Message, Exception]]:
        """Start storing the queued drafts at once, and record the messages of the batch stored before;
        returns those whose drafts could not be stored (to retry).

        Storing overlaps the work on the next batch (the server's time is mostly waiting); its messages
        are recorded only once it has ended well. With `final`, every batch is stored and recorded, and
        batching ends: later drafts are written one by one.
        """
        batch = self.batch
        self.batch = None if final else DraftBatch()
        failed = self._settle()
        if batch is not None and batch.ids:
            self.storing = (batch, self.mailbox.start_append_many("drafts", batch.raws, draft=True))
            if final:
                failed += self._settle()
        return failed

    def _settle(self) -> list[tuple[Key, Message, Exception]]:
        """Wait for the batch being stored and record its messages; returns them instead if it failed."""
        if self.storing is None:
            return []
        batch, wait = self.storing
        self.storing = None
        try:
            wait()
        except Exception as exc:  # nothing of the batch is recorded as done: each message is retried
            return [(key, message, exc) for key, message, _ in batch.after]
        try:
            with self.store.transaction():  # the batch is stored: its records go in one commit
                for reply_id in batch.ids:
                    self.store.finish_reply(reply_id, DeliveryStatus.DELIVERED)
                for _, _, record in batch.after:
                    record()
        except Exception as exc:  # stored but not recorded: retried, each message finds its draft by Message-ID
            return [(key, message, exc) for key, message, _ in batch.after]
        return []

    # --- sending -----------------------------------------------------------------------------------

    def deliver(
        self, reply: Reply, action: Action, original: str, case_id: int | None, *, redraft: Callable[[], Reply]
    ) -> tuple[str, bool]:
        """Deliver per mode and action; returns (what was done, held for a human).

        `redraft` composes the same reply as a draft (no Auto-Submitted), for a send that cannot be made.
        """
        if not action.send or self.mode == "dry-run":  # a dry run shows what draft mode writes
            # Why it was not sent (automatic mail, unverified sender, a cap) belongs in the summary.
            why = action.reason.partition("; drafted, not sent: ")[2]
            return self.draft(reply, original, case_id) + (f" (not sent: {why})" if why else ""), False
        existing = self.store.reply(reply.message_id)
        if existing and existing.status is DeliveryStatus.DELIVERED:
            return "already sent", False
        if existing and existing.status is DeliveryStatus.PENDING and existing.mode is DeliveryMode.SEND:
            if self.mailbox.has_message_id("sent", reply.message_id):
                self.store.finish_reply(reply.message_id, DeliveryStatus.DELIVERED)
                return "already sent (copy found in Sent)", False
            # Sent or not? SMTP cannot tell. Never risk a second copy: keep it as a draft for the person.
            self.store.finish_reply(reply.message_id, DeliveryStatus.INTERRUPTED, "interrupted send")
            detail = self.draft(redraft(), original, case_id)
            return detail + " (an earlier send was interrupted: check and send it yourself)", True
        missing = self.mailbox.missing("sent")
        if missing:
            # A misspelt [imap] sent used to be created for the copy; a send without a copy the person
            # can see is not made: the reply is a draft, and the reason is in the row.
            return self.draft(redraft(), original, case_id) + f" (not sent: {missing})", False
        if self.mailbox.has_message_id("sent", reply.message_id):
            self.store.begin_reply(reply.message_id, original, case_id, reply.template, DeliveryMode.SEND)
            self.store.finish_reply(reply.message_id, DeliveryStatus.DELIVERED)
            return "already in Sent", False
        if self.smtp is None:
            raise DeliveryError("send mode without an [smtp] server", permanent=True)
        self.store.begin_reply(reply.message_id, original, case_id, reply.template, DeliveryMode.SEND, reply.to)
        try:
            from mailbot import smtp  # asyncio and aiosmtplib: only send mode pays for them

            smtp.send(reply.raw, reply.to, self.smtp, sender=self.sender)
        except DeliveryError as exc:
            self.store.finish_reply(reply.message_id, DeliveryStatus.FAILED, str(exc))
            if not exc.permanent:
                raise
            return f"{exc}; kept as a draft: " + self.draft(redraft(), original, case_id), True
        self.store.finish_reply(reply.message_id, DeliveryStatus.DELIVERED)
        self.mailbox.append("sent", reply.raw, draft=False)
        return f"sent {reply.message_id} to {reply.to}", False
