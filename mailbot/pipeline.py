"""Takes each new message through parse → classify → decide → compose → deliver → record, isolating failures."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from mailbot import cases, learn
from mailbot.auth import SenderCheck
from mailbot.cases import due_date
from mailbot.classify import classify
from mailbot.compose import ReplyOptions, compose, compose_reminder, message_date
from mailbot.config import PLACEHOLDER_IDENTITY, ControllerSettings, ReplySettings, ServerSettings, Settings
from mailbot.decide import CaseState, Overdue, Policy, decide, remind, superseded, thread_key, verification
from mailbot.deliver import Delivery
from mailbot.errors import DeliveryError, MailbotError, MailboxError
from mailbot.language import detect
from mailbot.mailboxes import Mailbox
from mailbot.models import (
    Action,
    ActionKind,
    CaseInfo,
    Category,
    Identity,
    Message,
    MessageStatus,
    ReminderTarget,
    Reply,
    Verdict,
)
from mailbot.parse import parse
from mailbot.recipients import takes_replies
from mailbot.rules import Platform, Ruleset
from mailbot.sent import read_sent
from mailbot.store import CaseRow, Store

log = logging.getLogger(__name__)
T = TypeVar("T")
_ANSWERS = re.compile(rb"^(?:in-reply-to|references)[ \t]*:", re.MULTILINE)


def header_may_matter(domains: frozenset[bytes]) -> Callable[[bytes], bool]:
    """The triage test on a raw header block: True when it answers something (In-Reply-To,
    References) or names an address at one of `domains` or a subdomain of one, anywhere.

    One regex for all domains: it runs on every new message's headers (thousands on a first scan).
    """
    if not domains:
        return lambda header: _ANSWERS.search(header.lower()) is not None
    names = b"|".join(re.escape(d) for d in sorted(domains, key=len, reverse=True))
    # "@", any labels, then one of the domains ending the address (trailing dots allowed).
    address = re.compile(rb"@(?:[a-z0-9-]*\.)*(?:" + names + rb")\.*(?![a-z0-9.-])")

    def may_matter(header: bytes) -> bool:
        low = header.lower()
        return _ANSWERS.search(low) is not None or address.search(low) is not None

    return may_matter


def _filed(verdict: Verdict) -> bool:
    """Whether the verdict counts in a case's history: a reply-worthy category or a receipt."""
    return verdict.category.gets_reply or verdict.category is Category.ACKNOWLEDGEMENT


QUIET_DAYS = 7
# Why triage passes a message over, as the scan summary counts it.
PASSED_STRANGER, PASSED_LIST = "not from a platform", "from mailing lists"
PASSED_BOUNCE, PASSED_OWN = "bounced mail", "your own"
PASSED_GONE = "gone from the mailbox"
TEACH_BATCH = 50  # filed messages read per teaching folder and scan; the rest in the next scans
DONE, FAILED, HELD = MessageStatus.DONE, MessageStatus.FAILED, MessageStatus.HELD
__all__ = [
    "Outcome",
    "Pipeline",
    "PipelineSettings",
    "ScanReport",
    "header_may_matter",
    "pipeline_settings",
    "thread_key",
]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One processed message, for the scan summary."""

    uid: int
    sender: str
    subject: str
    category: str
    action: str
    detail: str = ""
    reply_id: str = ""  # what was written (or, in a dry run, would be): its Message-ID, recipient, template
    to: str = ""
    template: str = ""
    in_reply_to: str = ""


@dataclass(slots=True)
class ScanReport:
    """What a scan did."""

    outcomes: list[Outcome] = field(default_factory=list)
    examined: int = 0
    # Of `examined`, those passed over unanswered: why ("not from a platform", "from mailing lists", ...)
    # and how many each.
    passed_over: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    stopped: bool = False
    retried: int = 0  # of `examined`, failed messages tried again (not new mail)


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """Everything the pipeline needs besides the mailbox and the store."""

    identity: Identity
    mode: str = "draft"
    options: ReplyOptions = field(default_factory=ReplyOptions)
    smtp: ServerSettings | None = None
    max_sends_per_case_per_day: int = 2
    max_message_bytes: int = 10_000_000
    draft_batch: int = 50
    progress: bool = True
    max_sends_per_day: int = 10
    max_sends_per_recipient_per_day: int = 2
    authserv_id: str = ""
    allow_unverified_send: bool = False
    max_age_days: int = 60
    accounts: Mapping[str, str] = field(default_factory=dict)
    controllers: Mapping[str, ControllerSettings] = field(default_factory=dict)
    country: str = ""


def pipeline_settings(settings: Settings | None, *, mode: str | None = None, progress: bool = True) -> PipelineSettings:
    """The pipeline's settings from the configuration (a placeholder identity when there is none)."""
    identity = settings.identity if settings else PLACEHOLDER_IDENTITY
    reply = settings.reply if settings else ReplySettings()
    return PipelineSettings(
        identity=identity,
        mode=mode or reply.mode,
        options=ReplyOptions(
            statement=identity.statement,
            objection=settings.objection if settings else "",
            ask_erasure=reply.ask_erasure,
            quote_original=reply.quote_original,
            sent_from_account=identity.sent_from_account,
        ),
        smtp=settings.smtp if settings else None,
        max_sends_per_case_per_day=reply.max_sends_per_case_per_day,
        max_message_bytes=settings.max_message_bytes if settings else 10_000_000,
        draft_batch=settings.draft_batch if settings else 50,
        progress=progress,
        max_sends_per_day=reply.max_sends_per_day,
        max_sends_per_recipient_per_day=reply.max_sends_per_recipient_per_day,
        authserv_id=settings.imap.authserv_id if settings and settings.imap else "",
        allow_unverified_send=reply.allow_unverified_send,
        max_age_days=settings.max_age_days if settings else 60,
        accounts=dict(settings.controller_accounts) if settings else {},
        controllers=dict(settings.controllers) if settings else {},
        country=settings.country if settings else "",
    )


class Pipeline:
    """Runs scans of one mailbox against one state store."""

    def __init__(
        self,
        settings: PipelineSettings,
        ruleset: Ruleset,
        store: Store,
        mailbox: Mailbox,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        echo: Callable[[str], None] = print,
        should_stop: Callable[[], bool] = lambda: False,
        state_path: Path | None = None,
    ) -> None:
        self.settings = settings
        self.ruleset = ruleset
        self.store = store
        self.mailbox = mailbox
        self.now = now
        self.echo = echo
        self.own = frozenset({settings.identity.email.lower()})
        self.should_stop = should_stop
        # The person's own lessons (`mailbot teach`), kept beside the state (`state_path` when the store
        # is an in-memory stand-in for a state not made yet); read once per pipeline.
        self._lessons = state_path or store.path
        self.learned = learn.exemplars_for(self._lessons) if self._lessons is not None else ()
        if settings.mode == "dry-run" and store.path is not None:
            # A dry run takes every decision a real scan would, recording what it "wrote" in a copy of
            # the state, so that later decisions (answered, superseded, reminders) see it as written.
            self.store = store.snapshot()
        self.delivery = Delivery(
            self.store,
            mailbox,
            mode=settings.mode,
            smtp=settings.smtp,
            sender=settings.identity.email,
            batch_size=settings.draft_batch,
            echo=echo,
        )
        self._open_controllers: set[str] = set()
        self._first_scan = False
        # Message-IDs this scan made part of a case's thread (filed, a case's key, a reply written): a
        # thread looked up before one of them was written is looked up again (`_thread_case`).
        self._threads_grown: set[str] = set()

    # --- triage --------------------------------------------------------------------------------

    def _relevant(self, headers: Message) -> bool:
        """Whether a message can matter, from its headers alone (no body is fetched otherwise)."""
        return not self._passed_over(headers)

    def _passed_over(self, headers: Message) -> str:
        """Why a message cannot matter, from its headers alone, as the scan summary counts it ("" when it can).
        Mailing-list mail and bounces are never answered, whoever sends them (a platform's list included)."""
        if headers.is_list:
            return PASSED_LIST
        if headers.is_bounce:
            return PASSED_BOUNCE
        if headers.sender is None:
            return PASSED_STRANGER
        if headers.sender.email.lower() in self.own or self.store.is_own_reply(headers.message_id):
            return PASSED_OWN
        if self.ruleset.platform_for(headers.sender.domain):
            return ""
        if cases.controller_for(headers.sender.domain, self.ruleset) in self._open_controllers:
            return ""
        if self.store.case_for_thread([headers.in_reply_to, *headers.references]) is not None:
            return ""
        return PASSED_STRANGER

    def _triage_domains(self) -> frozenset[bytes]:
        """Every domain whose senders `_relevant` may accept without a thread reference: the platforms'
        and those of the other controllers with an open case (their id is their domain)."""
        platforms = [d for p in self.ruleset.platforms for d in p.domains]
        controllers = [c for c in self._open_controllers if "." in c]
        return frozenset(d.lower().encode() for d in [*platforms, *controllers])

    def _may_matter(self) -> Callable[[bytes], bool]:
        """A quick test on a raw header block that passes every message `_relevant` could accept:
        one with an address in a triage domain anywhere in its headers, or one that answers
        something (In-Reply-To, References). Only what passes is parsed. It must stay a superset of
        `_relevant`: a new reason to accept a sender belongs in `_triage_domains`."""
        return header_may_matter(self._triage_domains())

    def _progress(self, items: Iterable[T], what: str, total: int, unit: str = "msg") -> Iterable[T]:
        if not self.settings.progress or total < 50 or not sys.stderr.isatty():
            return items
        from tqdm import tqdm  # only a long scan on a terminal shows progress

        return tqdm(items, desc=what, unit=unit, total=total, file=sys.stderr, disable=None, leave=False)

    # --- the scan ------------------------------------------------------------------------------

    def scan(self) -> ScanReport:
        """Process what is new in the mailbox once.

        Every new message is triaged from its own headers (no server SEARCH decides what is looked
        at); bodies are fetched only for the relevant ones, one small batch at a time, and each is
        parsed and classified as it arrives, so memory does not grow with the size of the mail.
        """
        report = ScanReport()
        self._threads_grown = set()
        if self._lessons is not None:  # lessons taught since the last scan count from this one on
            self.learned = learn.exemplars_for(self._lessons)
        box = self.mailbox.name
        uidvalidity = self.mailbox.open()
        last = self.store.last_uid(box, uidvalidity)
        self._first_scan = last == 0
        try:
            sent = read_sent(self.mailbox, self.store, self.ruleset, self.own)
            if sent.opened:
                log.info("cases opened from sent requests: %s", ", ".join(map(str, sent.opened)))
        except (MailbotError, OSError) as exc:  # the inbox is still answered; Sent is read next time
            log.warning("Sent folder not read: %s", exc)
        self._open_controllers = self.store.open_controllers()
        self.learn_from_folders(report)  # before the inbox: what is learnt counts for this scan's mail
        fresh = self.mailbox.new_uids(last)
        retry = self.store.failed_messages(box, uidvalidity, now=self.now())
        report.retried = len(retry)
        # A Maildir lists every message each time (it has no UIDs to start from): look them all up.
        handled = self.store.handled_uids(box, uidvalidity, min(fresh) - 1 if fresh else last)
        todo = sorted({u for u in fresh if u not in handled} | set(retry))
        report.examined = len(todo)
        relevant: list[int] = []
        # Ctrl-C stops between messages in every phase; what is left unrecorded the next start takes up.
        unfinished: list[int] = []
        triaged: set[int] = set()
        may_matter = self._may_matter()
        for uid, header_bytes, size in self._progress(self.mailbox.headers(todo), "triage", len(todo)):
            if self.should_stop():
                unfinished = [u for u in todo if u not in triaged]
                break
            triaged.add(uid)
            head = parse(header_bytes, headers_only=True) if may_matter(header_bytes) else None
            why = self._passed_over(head) if head is not None else PASSED_STRANGER
            if head is None or why:
                report.passed_over[why] = report.passed_over.get(why, 0) + 1
                if not self.mailbox.has_uids:
                    # No UIDs to remember a position by (a Maildir): remember the message itself.
                    head = head or parse(header_bytes, headers_only=True)
                    self.store.record_message(
                        (box, uidvalidity, uid),
                        status=DONE,
                        action="ignore",
                        sender=head.sender.email if head.sender else "",
                        subject=head.subject,
                    )
                continue
            if head.message_id and self.store.seen_message_id(head.message_id):
                # Already handled under an earlier UIDVALIDITY: never answered twice.
                self.store.record_message(
                    (box, uidvalidity, uid),
                    status=DONE,
                    action="duplicate",
                    message_id=head.message_id,
                    reason="handled before (same Message-ID)",
                )
                continue
            if size > self.settings.max_message_bytes:
                self._held(
                    report, (box, uidvalidity, uid), head, f"larger than {self.settings.max_message_bytes} bytes"
                )
                continue
            relevant.append(uid)
        if not unfinished:
            # A failed message deleted or moved away by the person's mail client since: done with, not
            # "retried" by every later scan.
            for uid in sorted(set(retry) - triaged):
                report.passed_over[PASSED_GONE] = report.passed_over.get(PASSED_GONE, 0) + 1
                self.store.record_message(
                    (box, uidvalidity, uid), status=DONE, action="ignore", reason="deleted or moved away before a retry"
                )
        parsed: list[tuple[int, Message, Verdict]] = []
        threads: dict[int, CaseRow | None] = {}
        unanswered = set(relevant)
        reading = [] if self.should_stop() else relevant  # no body is fetched once stopped
        for uid, raw in self._progress(self.mailbox.bodies(reading), "reading", len(reading)):
            if self.should_stop():
                break
            unanswered.discard(uid)
            key = (box, uidvalidity, uid)
            try:
                message = parse(raw, max_bytes=self.settings.max_message_bytes)
                del raw  # gone as soon as parsed: one body in memory at a time
                verdict, threads[uid] = self._classify(message)
                parsed.append((uid, message, verdict))
            except Exception as exc:  # one bad message never stops the run
                self._failed(report, key, None, exc)
        if self.should_stop():
            unfinished += unanswered  # not read yet: not a failure
            unanswered = set()
        for uid in sorted(unanswered):
            # Recorded as failed, so that it is fetched again next time rather than passed over.
            self._failed(report, (box, uidvalidity, uid), None, MailboxError("the server returned no body"))
        newer = superseded(parsed, self._controller_of)
        self.delivery.start_batch()
        try:
            for uid, message, verdict in self._progress(parsed, "replies", len(parsed)):
                if self.should_stop():
                    # Stop between messages; the rest stay unrecorded and the next start takes them up.
                    unfinished.append(uid)
                    continue
                key = (box, uidvalidity, uid)
                try:
                    self._process(report, key, message, verdict, superseded=uid in newer, thread=threads[uid])
                except Exception as exc:  # one bad message never stops the run
                    self._failed(report, key, message, exc)
        finally:
            self._flush_drafts(report, final=True)
        report.stopped = bool(unfinished)
        if unfinished:  # "N new" counts the messages finished; the next scan counts the rest
            left = set(unfinished)
            report.examined -= len(left)
            report.retried -= len(left & set(retry))
        if fresh:
            done_up_to = min(unfinished) - 1 if unfinished else max(fresh)
            if done_up_to > last:
                self.store.set_last_uid(box, uidvalidity, done_up_to)
        return report

    # --- one message ---------------------------------------------------------------------------

    def preview(self, message: Message, *, language: str | None = None) -> tuple[Verdict, Action, Reply | None]:
        """What a scan would decide for this one message, and the reply it would write, from what the
        state knows (its cases, the person's lessons). The case is filed as a scan would file it: give
        the pipeline a copy of the state (dry-run mode makes one)."""
        verdict, thread = self._classify(message)
        case, action = self._file_and_decide(message, verdict, superseded=False, thread=thread, language=language)
        if action.kind is not ActionKind.REPLY:
            return verdict, action, None
        return verdict, action, self._compose(action, message, verdict, auto=False, case=case)

    def held(self, message: Message) -> str:
        """Why a scan would hold this message for the person (a sender that failed verification or does not
        write for the case's controller, a message not read in full, no confident rule …); "" when it would
        not. Nothing is filed or written: messages judged one after another never meet in a case."""
        verdict, thread = self._classify(message)
        by_thread, stranger_of = self._thread_case(message, thread)
        case, opens, _, _ = self._find_case(message, verdict, by_thread)
        # What decides a hold is who writes, what was read, and whether a case takes the message; what the
        # case's history says (answered, superseded, sent today) makes a reply a record, never a hold.
        state = CaseState(known=case is not None or opens, stranger_of=stranger_of)
        action = decide(message, verdict, self.ruleset, self.policy(), state)
        return action.reason if action.kind is ActionKind.HOLD else ""

    def _classify(self, message: Message) -> tuple[Verdict, CaseRow | None]:
        """The verdict on a message in its context (the person's lessons, whether it is in a case's thread), and
        the case whose thread it is in, which filing it needs too (None: no case's).
        Only a thread is context: mail that merely comes from a controller with an open case (a newsletter,
        a notice) is judged as a stranger's, by the stricter threshold."""
        thread = self.store.case_for_thread(cases.thread_ids(message))
        verdict = classify(
            message, self.ruleset, own_addresses=self.own, known_thread=thread is not None, learned=self.learned
        )
        return verdict, thread

    def _file_and_decide(
        self,
        message: Message,
        verdict: Verdict,
        *,
        superseded: bool,
        thread: CaseRow | None,
        language: str | None = None,
    ) -> tuple[CaseRow | None, Action]:
        """File the message into its case (a stranger in a case's thread into none) and decide what to do;
        `thread` is the case whose thread it was in when classified."""
        by_thread, stranger_of = self._thread_case(message, thread)
        with self.store.transaction():  # a message is filed whole or not at all (and in one commit)
            case = self._case(message, verdict, by_thread)
        state = replace(self._state(message, verdict, case, superseded), stranger_of=stranger_of)
        return case, decide(message, verdict, self.ruleset, self.policy(), state, language=language)

    def _controller_of(self, message: Message) -> str:
        """Who a message comes from, as a case names its controller (one name for a company's platforms)."""
        domain = message.sender.domain if message.sender else ""
        platform = self.ruleset.platform_for(domain)
        return cases.legal_entity(platform) if platform else cases.controller_for(domain, self.ruleset)

    def _thread_case(self, message: Message, case: CaseRow | None) -> tuple[CaseRow | None, str]:
        """The case whose thread the message is in (`case`, as looked up when it was classified), when its
        sender speaks for that case's controller; else (None, the controller) for a stranger writing in the
        thread, or (None, "") for no thread."""
        ids = cases.thread_ids(message)
        if not self._threads_grown.isdisjoint(ids):
            # An earlier message of this scan joined the thread since (a reply to a message that opened a
            # case in this very scan): the case is that one's.
            case = self.store.case_for_thread(ids)
        if case is None:
            return None, ""
        domain = message.sender.domain if message.sender else ""
        if cases.speaks_for(domain, case.controller, self.ruleset, self.settings.controllers):
            return case, ""
        return None, case.controller

    def _received(self, message: Message) -> date:
        today = self.now().date()
        # A Date in the future is the sender's say-so: it must not push the case's clock out of reach.
        return min(message_date(message) or today, today)

    def _find_case(
        self, message: Message, verdict: Verdict, by_thread: CaseRow | None
    ) -> tuple[CaseRow | None, bool, str, date]:
        """The case a controller's message belongs to (by thread, else the controller's open case); when
        there is none, whether filing the message opens one (a platform's first message when no request is
        known); and the controller and the day of receipt it was judged by. Writes nothing."""
        controller = cases.controller_for(message.sender.domain, self.ruleset) if message.sender else ""
        received = self._received(message)
        threaded = bool(message.in_reply_to or message.references)
        # Only a message that starts a thread of its own can join the controller's open case, and only one
        # the person's request opened (pick_case): the others are not loaded (a first scan opens many).
        alone = controller and not (by_thread or threaded)
        open_cases = self.store.controller_cases(controller, except_basis=cases.BASIS_CONTROLLER) if alone else []
        case = cases.pick_case(by_thread, open_cases, received, threaded=threaded)
        opens = case is None and _filed(verdict) and self._may_open_case(message, verdict)
        return case, opens, controller, received

    def _case(self, message: Message, verdict: Verdict, by_thread: CaseRow | None) -> CaseRow | None:
        """File a controller's message into its case (`_find_case`), opening one for a platform's first message
        when no request is known. A stranger's message in a case's thread (`by_thread` None) is filed only among
        its own sender's cases: it never changes another's."""
        case, opens, controller, received = self._find_case(message, verdict, by_thread)
        if opens:
            new = cases.new_case_for(
                message,
                controller=controller or verdict.platform,
                platform=verdict.platform,
                thread_key=thread_key(message),
                received=received,
                rules=self.ruleset.requests,
                own=self.own,
            )
            case = self.store.open_request_case(
                controller=new.controller,
                platform=new.platform,
                types=[],
                request_date=new.request_date,
                due=due_date(new.request_date),
                basis=new.basis,
                thread_key=new.thread_key,
                subject=new.subject,
            )
            self._threads_grown.add(new.thread_key)
        if case is not None and (_filed(verdict) or verdict.category is Category.UNKNOWN):
            self.store.add_to_case(
                case.id,
                message.message_id,
                str(verdict.category),
                at=received,
                ticket=verdict.ticket,
                closes=verdict.category is Category.ACCEPTANCE,
                sender=message.sender.email if message.sender else "",
                subject=message.subject,
                rule=verdict.rule or "",
            )
            self._threads_grown.add(message.message_id)
            if changes := cases.extension_fields(case, message.new_text, received, self.ruleset):
                self.store.set_case(case.id, **changes)
            case = self.store.case(case.id)
        return case

    def _history(self, case: CaseRow, today: date) -> bool:
        """True for a case whose deadline expired longer ago than [scan] max_age_days: old history, not reminded."""
        limit = self.settings.max_age_days
        return bool(limit) and cases.case_due(case) < today - timedelta(days=limit)

    def _unanswered_request(self, case: CaseRow, today: date) -> ReminderTarget | None:
        """A request the controller never answered, to remind it under: the person's own sent request
        (not when its deadline expired longer ago than [scan] max_age_days: a Sent folder's old history)."""
        if not case.request_message_id or not case.request_to or self._history(case, today):
            return None
        lang, _ = detect(case.request_text)
        return ReminderTarget(case.request_message_id, case.request_to, case.subject, lang)

    def _reminder_target(self, case: CaseRow, today: date) -> ReminderTarget | None:
        """What a reminder is threaded under: the controller's newest message in the case, else the request."""
        last = self.store.last_platform_message(case.id)
        if last is None:
            return self._unanswered_request(case, today)
        sender = last.sender
        platform = self.ruleset.platform(case.platform) or self._controller(case)
        if (
            not takes_replies(sender, platform)
            and takes_replies(case.request_to, platform)
            and not self._history(case, today)
        ):
            # The controller's last word came from a no-reply address: remind it where the request went,
            # threaded under that last word (a reminder used to be dropped: "takes no replies"). Old history
            # stays unreminded, as for a request never answered.
            sender = case.request_to
        return ReminderTarget(
            message_id=last.message_id,
            sender=sender,
            subject=last.subject or case.subject,
            language=last.language,
            category=Category(last.category),
            references=(case.thread_key,) if case.thread_key != last.message_id else (),
        )

    def _controller(self, case: CaseRow | None) -> Platform | None:
        """A case's controller that is no built-in platform, with the authority replies name."""
        if case is None:
            return None
        return cases.controller_platform(
            case.controller,
            self.ruleset,
            self.settings.controllers,
            country=self.settings.country,
            language=self.settings.identity.language,
        )

    def case_info(self, case: CaseRow | None) -> CaseInfo | None:
        """What the reply needs of its case (the account identifier from [identity.accounts])."""
        if case is None:
            return None
        account = self.settings.accounts.get(case.controller) or self.settings.identity.email
        return cases.case_info(case, self.now().date(), account=account)

    def _may_open_case(self, message: Message, verdict: Verdict) -> bool:
        """Only a platform's privacy team, from a sender that did not fail verification, opens a case by
        writing; anyone else is heard only inside a case the person's request opened."""
        platform = self.ruleset.platform(verdict.platform)
        if platform is None or message.sender is None or message.from_problem:
            return False
        if verification(message, self.policy()).check is SenderCheck.FAILED:
            return False
        return platform.is_privacy_team(message.sender.email)

    def remind_overdue(self, today: date | None = None) -> list[Outcome]:
        """One reminder draft (Art. 12(3), 12(4), the authority) per open case past its due date, as
        `decide.remind` chooses: only one is ever drafted per case; a platform reply that arrives later
        is answered on its own merits."""
        today = today or self.now().date()
        quiet_since = today - timedelta(days=QUIET_DAYS)
        outcomes: list[Outcome] = []
        # remind() says no to the others too: spare them the queries below.
        due = [case for case in self.store.cases(today) if cases.overdue(case, today) and not case.reminded]
        for case in self._progress(due, "reminders", len(due), unit="case"):
            # Never right after fresh correspondence: the controller's last word, and the person's.
            days = [date.fromisoformat(case.last_message_at[:10])] if case.last_message_at else []
            days += [d for d in [self.store.last_event_day(case.id)] if d]
            state = Overdue(
                overdue=True,
                reminded=case.reminded,
                refused=case.last_category == Category.REJECTION,
                last_word=max(days, default=None),
                replied_since=self.store.replied_since(case.id, quiet_since),
                target=self._reminder_target(case, today),
            )
            platform = self.ruleset.platform(case.platform) or self._controller(case)
            action = remind(state, platform, self.policy(), today)
            if action.kind is not ActionKind.REPLY or state.target is None:
                continue
            reply = compose_reminder(
                action,
                state.target,
                self.settings.identity,
                platform,
                now=self.now(),
                ticket=case.ticket,
                options=self.settings.options,
                case=self.case_info(case),
            )
            detail = self.delivery.draft(reply, state.target.message_id, case.id)
            self.store.set_case(case.id, reminded=1)
            outcomes.append(
                Outcome(
                    0,
                    state.target.sender,
                    reply.subject,
                    "overdue",
                    "reminder",
                    detail,
                    reply.message_id,
                    reply.to,
                    reply.template,
                    state.target.message_id,
                )
            )
        return outcomes

    def _process(
        self,
        report: ScanReport,
        key: tuple[str, int, int],
        message: Message,
        verdict: Verdict,
        *,
        superseded: bool,
        thread: CaseRow | None,
    ) -> None:
        case, action = self._file_and_decide(message, verdict, superseded=superseded, thread=thread)
        detail = action.reason
        status = HELD if action.kind is ActionKind.HOLD else DONE
        reply_id = None
        self.delivery.queued_in = None
        written: Reply | None = None
        if action.kind is ActionKind.REPLY:
            reply = self._compose(action, message, verdict, auto=action.send, case=case)
            reply_id = reply.message_id
            self._threads_grown.add(reply_id)

            def redraft() -> Reply:
                return self._compose(action, message, verdict, auto=False, case=case)

            try:
                detail, held = self.delivery.deliver(
                    reply, action, message.message_id, case.id if case else None, redraft=redraft
                )
            except DeliveryError as exc:
                from mailbot.retry import MESSAGE_ATTEMPTS

                if exc.permanent or self.store.attempts(key) + 1 < MESSAGE_ATTEMPTS:
                    raise  # tried again later
                # The last try of a send that never reached the server (SMTP down or misconfigured): the
                # message used to be given up without any draft. The person gets the reply to send.
                draft = self.delivery.draft(redraft(), message.message_id, case.id if case else None)
                detail, held = f"{exc}; not sent after {MESSAGE_ATTEMPTS} tries, kept as a draft: {draft}", True
            status = HELD if held else DONE
            written = reply

        def record() -> None:
            self.store.record_message(
                key,
                status=status,
                message_id=message.message_id,
                sender=_sender(message),
                subject=message.subject,
                category=str(verdict.category),
                platform=verdict.platform,
                language=verdict.language,
                confidence=verdict.confidence,
                rule=verdict.rule,
                evidence=verdict.evidence,
                action=str(action.kind),
                reason=detail,
                reply_message_id=reply_id,
                case_id=case.id if case else None,
                error=None,
            )
            report.outcomes.append(
                Outcome(
                    key[2],
                    _sender(message),
                    message.subject,
                    str(verdict.category),
                    str(action.kind),
                    detail,
                    *(
                        (written.message_id, written.to, written.template, message.message_id)
                        if written
                        else ("", "", "", "")
                    ),
                )
            )

        if not self.delivery.defer(key, message, record):
            record()
        elif self.delivery.batch_full():
            self._flush_drafts(report)

    def _flush_drafts(self, report: ScanReport, *, final: bool = False) -> None:
        """Store the queued drafts; a batch that could not be stored leaves each of its messages to retry."""
        for key, message, exc in self.delivery.flush(final=final):
            self._failed(report, key, message, exc)

    def policy(self) -> Policy:
        """The safety policy decide applies, from the settings."""
        s = self.settings
        return Policy(
            mode=s.mode,
            default_language=s.identity.language,
            max_sends_per_case_per_day=s.max_sends_per_case_per_day,
            max_sends_per_day=s.max_sends_per_day,
            max_sends_per_recipient_per_day=s.max_sends_per_recipient_per_day,
            authserv_id=s.authserv_id,
            allow_unverified_send=s.allow_unverified_send,
            person=s.identity.email,
            max_age_days=s.max_age_days,
            quiet_days=QUIET_DAYS,
        )

    def _state(self, message: Message, verdict: Verdict, case: CaseRow | None, newer: bool) -> CaseState:
        """What decide needs from the state: the case, the message's answers, and (in send mode only,
        for the no-relay rules) today's automatic sends."""
        when = cases.message_time(message)
        case_id = case.id if case else None
        state = CaseState(
            known=case is not None,
            answered_by_person=self.store.answered_by_person(
                message.message_id, case_id, when.isoformat() if when else ""
            ),
            replies=self.store.replies_to(message.message_id),
            newer_in_thread=newer,
            first_scan=self._first_scan,
            today=self.now().date(),
            account=self.settings.accounts.get(case.controller if case else verdict.platform, ""),
        )
        if self.settings.mode != "send":
            return state
        today = self.now().date()
        total, by_recipient = self.store.sends_today_all(today)
        return replace(
            state,
            sends_today=self.store.sends_today(case.id, today) if case else 0,
            sent_before=self.store.sent_before(case.id) if case else False,
            sends_today_all=total,
            sends_today_by_recipient=by_recipient,
        )

    def _compose(
        self, action: Action, message: Message, verdict: Verdict, *, auto: bool, case: CaseRow | None = None
    ) -> Reply:
        opts = self.settings.options
        options = replace(opts, auto_submitted=auto)
        info = self.case_info(case)
        if action.fill_in:
            info = replace(info or CaseInfo(), account=action.fill_in)
        return compose(
            action,
            message,
            verdict,
            self.settings.identity,
            self.ruleset.platform(verdict.platform) or self._controller(case),
            now=self.now(),
            options=options,
            case=info,
            form_url=action.form or None,
        )

    # --- failures ------------------------------------------------------------------------------

    def _held(self, report: ScanReport, key: tuple[str, int, int], head: Message, reason: str) -> None:
        self.store.record_message(
            key,
            status=HELD,
            message_id=head.message_id,
            sender=_sender(head),
            subject=head.subject,
            action=str(ActionKind.HOLD),
            reason=reason,
        )
        report.outcomes.append(Outcome(key[2], _sender(head), head.subject, "-", str(ActionKind.HOLD), reason))

    def _failed(self, report: ScanReport, key: tuple[str, int, int], message: Message | None, exc: Exception) -> None:
        """Record a failure and when to try again (a timed backoff); after the last try, say so."""
        if not isinstance(exc, MailbotError):
            # The reason is reported by the caller in one line; the traceback only with --debug.
            log.debug("message %s failed", key[2], exc_info=exc)
        reason = str(exc) if isinstance(exc, MailbotError) else f"{type(exc).__name__}: {exc}"
        self.store.record_message(
            key,
            status=FAILED,
            message_id=message.message_id if message else "",
            sender=_sender(message) if message else "",
            subject=message.subject if message else "",
            action="error",
            error=reason,
        )
        from mailbot.retry import MESSAGE_ATTEMPTS, next_message_attempt  # tenacity: only once a message fails

        failures = self.store.attempts(key)
        retry = next_message_attempt(failures, self.now())
        self.store.retry_at(key, retry)
        if retry is None:
            reason += f" (gave up after {failures} attempts: see 'mailbot cases')"
        else:
            reason += f" (attempt {failures} of {MESSAGE_ATTEMPTS}; next after {retry:%Y-%m-%d %H:%M} UTC)"
        report.errors += 1
        report.outcomes.append(
            Outcome(
                key[2], _sender(message) if message else "?", message.subject if message else "", "-", "error", reason
            )
        )

    # --- the person's teaching folders ---------------------------------------------------------

    def learn_from_folders(self, report: ScanReport) -> None:
        """Learn from what the person filed into the folders Mailbot/<category> since the last scan, and
        answer each filed message as that category (if it was not answered already).

        The folders are created by the first scan that can (not a dry run); one the person deletes
        later is not made again. A filed message is never moved, changed or marked read; its sentences
        become a lesson unless its sender failed verification; it then goes through decide, compose and
        deliver like any message, recorded under its folder so that it is learnt and answered once.
        Folders of other names are never read.
        """
        made = f"{self.mailbox.name}#teach"  # its position 1 (under UIDVALIDITY 0): the folders were made
        create = self.settings.mode != "dry-run" and not self.store.last_uid(made, 0)
        try:
            folders = self.mailbox.teaching_folders(learn.FOLDER_CATEGORIES, create=create)
        except (MailbotError, OSError) as exc:  # the inbox is still answered; tried again next scan
            log.warning("teaching folders not %s: %s", "created" if create else "listed", exc)
            return
        if create:
            self.store.set_last_uid(made, 0, 1)
        for name, folder in folders.items():
            if self.should_stop():
                return
            try:
                self._learn_from(report, Category(name), folder)
            except (MailbotError, OSError) as exc:  # one folder that cannot be read never stops the scan
                log.warning("teaching folder %s not read: %s", folder, exc)

    def _learn_from(self, report: ScanReport, category: Category, folder: str) -> None:
        box = f"{self.mailbox.name}#teach/{category}"

        def pick(uidvalidity: int, present: list[int]) -> list[int]:
            handled = self.store.handled_uids(box, uidvalidity)
            retry = set(self.store.failed_messages(box, uidvalidity, now=self.now()))
            return [u for u in present if u not in handled or u in retry][:TEACH_BATCH]

        uidvalidity, present, raws = self.mailbox.read_folder(
            folder,
            pick,
            above=lambda validity: self.store.last_uid(box, validity),
            max_bytes=self.settings.max_message_bytes,
        )
        for uid in sorted(raws):
            if self.should_stop():
                break
            key = (box, uidvalidity, uid)
            raw = raws.pop(uid)
            if raw is None:
                reason = f"not learnt: larger than {self.settings.max_message_bytes} bytes"
                self.store.record_message(key, status=HELD, action=str(ActionKind.HOLD), reason=reason)
                report.outcomes.append(Outcome(uid, "", "", str(category), str(ActionKind.HOLD), reason))
                continue
            message: Message | None = None
            try:
                message = parse(raw, max_bytes=self.settings.max_message_bytes)
                del raw
                self._learn_one(report, key, message, category, folder)
            except Exception as exc:  # one bad message never stops the run
                self._failed(report, key, message, exc)
        if self.mailbox.has_uids and present:
            # Remember the position below the first message still to do (not read yet, or to retry).
            handled = self.store.handled_uids(box, uidvalidity)
            retry = set(self.store.failed_messages(box, uidvalidity, now=datetime.max.replace(tzinfo=UTC)))
            todo = [u for u in present if u not in handled or u in retry]
            self.store.set_last_uid(box, uidvalidity, min(todo) - 1 if todo else max(present))

    def _learn_one(
        self, report: ScanReport, key: tuple[str, int, int], message: Message, category: Category, folder: str
    ) -> None:
        """Learn one filed message (unless its sender failed verification) and answer it as `category`."""
        lesson_id = ""
        try:
            item = learn.lesson(
                message, category, self.ruleset, authserv_id=self.settings.authserv_id, source=f"folder {folder}"
            )
        except learn.TeachError as exc:
            note = f"not learnt: {exc}"
            log.warning("%s in %s from %s: %s", message.message_id or "a message", folder, _sender(message), note)
        else:
            lesson_id = item.id
            if self._lessons is not None and self.settings.mode != "dry-run":
                learn.add(learn.learned_path(self._lessons), item)
                self.learned = learn.exemplars_for(self._lessons)
            else:  # a dry run learns for this scan only; nothing is written
                self.learned = (*self.learned, *learn.exemplars([item]))
            note = f"learnt from {folder} as lesson {item.id} ({len(item.sentences)} sentences)"
        report.outcomes.append(Outcome(key[2], _sender(message), message.subject, str(category), "learn", note))
        if not self._relevant(message):
            # Never answered: list mail, bounces, the person's own, or a stranger outside any case.
            self.store.record_message(
                key,
                status=DONE,
                message_id=message.message_id,
                sender=_sender(message),
                subject=message.subject,
                category=str(category),
                action="learn",
                reason=f"{note}; not answered: not a platform's or a case's message",
            )
            return
        found, thread = self._classify(message)
        verdict = learn.taught_verdict(found, category, lesson_id)
        self._process(report, key, message, verdict, superseded=False, thread=thread)


def _sender(message: Message | None) -> str:
    return message.sender.email if message and message.sender else ""
