"""Reads the person's Sent folder: requests open cases, their later messages join their cases' timelines."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from mailbot import cases
from mailbot.mailboxes import Mailbox
from mailbot.models import Message
from mailbot.parse import parse
from mailbot.rules import Ruleset
from mailbot.store import CaseRow, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SentResult:
    """What reading Sent did: cases opened (or completed with their request) and messages filed."""

    opened: tuple[int, ...] = ()
    filed: int = 0
    read: int = 0


def _may_matter(own: frozenset[str], personal: frozenset[str]) -> Callable[[bytes], bool]:
    def want(header: bytes) -> bool:
        head = parse(header, headers_only=True)
        if head.in_reply_to or head.references:
            return True
        recipients = (*head.to, *head.cc)
        return any(a.domain and a.email.lower() not in own and a.domain not in personal for a in recipients)

    return want


def read_sent(mailbox: Mailbox, store: Store, ruleset: Ruleset, own: Iterable[str]) -> SentResult:
    """Read what is new in the person's Sent folder into the state.

    A message in the thread of a known case joins that case (direction 'out'); a request to a controller
    with no case opens one, dated from the message (the Art. 12(3) clock starts there). A case that was
    only dated from a controller's message gets the request's date once the request is found.
    """
    mine = frozenset(a.lower() for a in own if a)
    key = f"{mailbox.name}#sent"
    want = _may_matter(mine, ruleset.relevance.personal_domains)
    uidvalidity, highest, raw = mailbox.read_sent(lambda validity: store.last_uid(key, validity), want)
    opened: list[int] = []
    filed = 0
    messages: list[Message] = []
    for uid in sorted(raw):
        try:
            messages.append(parse(raw[uid]))
        except Exception:  # a message of one's own that cannot be read opens nothing
            log.warning("sent message %s could not be parsed", uid)
    # Oldest first: a request is known before the replies that follow it.
    epoch = datetime.min.replace(tzinfo=UTC)
    for message in sorted(messages, key=lambda m: cases.message_time(m) or epoch):
        if not message.message_id or store.sent_known(message.message_id):
            continue
        case, is_new = _file(message, store, ruleset, mine)
        if is_new and case is not None:
            opened.append(case.id)
        when = cases.message_time(message)
        if case is not None:
            filed += 1
            store.add_case_event(
                case.id,
                message.message_id,
                direction="out",
                dated=when.date() if when else None,
                sender=message.sender.email if message.sender else "",
                subject=message.subject,
            )
        store.record_sent(
            message.message_id,
            in_reply_to=message.in_reply_to,
            references=message.references,
            dated=when.isoformat() if when else "",
            case_id=case.id if case else None,
        )
    if highest:
        store.set_last_uid(key, uidvalidity, highest)
    return SentResult(tuple(opened), filed, len(raw))


def _file(message: Message, store: Store, ruleset: Ruleset, own: frozenset[str]) -> tuple[CaseRow | None, bool]:
    """The case a sent message belongs to, and whether it was opened (or given its request) by it."""
    case = store.case_for_thread(cases.thread_ids(message))
    if case is not None and case.due_basis == cases.BASIS_SENT:
        return case, False
    request = cases.request_from_sent(message, ruleset, own)
    if request is None:
        return case, False
    types = [t.value for t in request.types]
    if case is not None:
        # A case known only from the controller's mail: its request is found, the clock starts there.
        if message.message_id != case.thread_key and request.date >= cases.request_day(case):
            return case, False
        store.set_case(
            case.id,
            request_types=",".join(types),
            request_date=request.date.isoformat(),
            opened=request.date.isoformat(),
            request_text=request.text,
            request_message_id=request.message_id,
            request_to=request.recipient,
            due_basis=cases.BASIS_SENT,
            due=cases.due_date(request.date, extended=case.extended).isoformat(),
        )
        return store.case(case.id), True
    platform = ruleset.platform(request.controller)
    case = store.open_request_case(
        controller=request.controller,
        platform=platform.id if platform else "none",
        types=types,
        request_date=request.date,
        due=cases.due_date(request.date),
        basis=cases.BASIS_SENT,
        thread_key=request.message_id,
        subject=request.subject,
        text=request.text,
        message_id=request.message_id,
        recipient=request.recipient,
    )
    return case, True
