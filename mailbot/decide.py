"""Turns a verdict, the case history and the safety policy into an action (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from mailbot.auth import SenderCheck, Verification, verify_sender
from mailbot.cases import message_time
from mailbot.compose import identifier_placeholder, message_date, reply_message_id, template_for
from mailbot.models import Action, ActionKind, Category, Message, ReminderTarget, Verdict
from mailbot.recipients import asks_email_reply, recipient, reply_address, reply_target, takes_replies, valid_address
from mailbot.rules import Platform, Ruleset

__all__ = [
    "CaseState",
    "Overdue",
    "Policy",
    "decide",
    "recipient",
    "remind",
    "reply_address",
    "superseded",
    "takes_replies",
    "thread_key",
    "valid_address",
]

SUPPORTED_LANGUAGES = ("en", "it", "de", "fr", "es")
# The form of every Message-ID mailbot writes (compose.reply_message_id), whoever's instance wrote it.
_MAILBOT_ID = re.compile(r"^<mailbot\.[0-9a-f]{32}@", re.I)
_AUTOMATIC_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk", "list"})


@dataclass(frozen=True, slots=True)
class Policy:
    """The safety settings that decide may act on."""

    mode: str = "draft"
    default_language: str = "en"
    max_sends_per_case_per_day: int = 2
    max_sends_per_day: int = 10
    max_sends_per_recipient_per_day: int = 2
    authserv_id: str = ""
    allow_unverified_send: bool = False
    person: str = ""
    max_age_days: int = 60  # on a first scan, older reply-worthy messages are filed, not answered (0: no limit)
    quiet_days: int = 7  # no reminder within this many days of the case's last message or reply


@dataclass(frozen=True, slots=True)
class CaseState:
    """What the state knows of the message before deciding: its case, its answers, today's automatic sends.

    The pipeline fills it from the store; decide reads nothing else.
    """

    known: bool = False
    sends_today: int = 0
    # The person answered it: a reply of theirs in Sent, or a later message of theirs in its case.
    answered_by_person: bool = False
    # Message-IDs of mailbot's replies to it that were written, or may have been (pending, interrupted).
    replies: tuple[str, ...] = ()
    # A newer reply-worthy message of the same thread arrived in the same scan: that one is answered.
    newer_in_thread: bool = False
    first_scan: bool = False
    today: date | None = None
    # The identifier configured for the controller ([identity.accounts]); "" when none is.
    account: str = ""
    sent_before: bool = False
    # The controller whose case's thread the message is in, when its sender does not speak for it.
    stranger_of: str = ""
    controller_domains: tuple[str, ...] = ()
    sends_today_all: int = 0
    sends_today_by_recipient: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Overdue:
    """What decide needs of a case to choose its deadline reminder; the pipeline fills it from the store."""

    overdue: bool  # open, and its Art. 12(3) deadline has passed
    reminded: bool  # it already had its one reminder
    refused: bool  # the controller's last word was a rejection (whose reply announced a complaint)
    last_word: date | None  # the day of the case's newest message, the controller's or the person's
    replied_since: bool  # mailbot delivered a reply in it within the quiet days
    target: ReminderTarget | None  # what to remind under: the controller's last message, or the request


def automatic(message: Message) -> str:
    """Why the message is automatic mail that must never get an automatic answer (RFC 3834), or ""."""
    if message.auto_submitted and message.auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {message.auto_submitted[:40]}"
    if message.precedence in _AUTOMATIC_PRECEDENCE:
        return f"Precedence: {message.precedence}"
    if message.auto_response_suppress:
        return "X-Auto-Response-Suppress"
    if _MAILBOT_ID.match(message.message_id):
        return "written by mailbot"
    if message.is_list or message.is_bulk:
        return "list or bulk mail"
    return ""


def verification(message: Message, policy: Policy) -> Verification:
    """The sender check of the person's own server for the message's From."""
    domain = message.sender.domain if message.sender else ""
    return verify_sender(message.auth_results, domain, policy.authserv_id)


def reply_language(verdict: Verdict, default: str, override: str | None = None) -> str:
    """The reply's language: the override, else the message's, else the configured default."""
    if override:
        return override
    if verdict.language in SUPPORTED_LANGUAGES:
        return verdict.language
    return default if default in SUPPORTED_LANGUAGES else "en"


def _send_refusal(
    message: Message, to: str, platform: Platform | None, policy: Policy, case: CaseState, check: Verification
) -> str:
    """Why this reply must not go out by itself ("" when it may): the no-relay rules."""
    # Without the server pinned, the topmost Authentication-Results may be the sender's own forgery:
    # a pass then counts no more than no result at all.
    trusted = check.check is SenderCheck.VERIFIED and bool(policy.authserv_id)
    if not trusted and not (policy.allow_unverified_send and check.check is not SenderCheck.FAILED):
        if check.check is SenderCheck.VERIFIED:
            return "sender not verified: [imap] authserv_id is not set, so its authentication results could be forged"
        return f"sender not verified ({check.reason})"
    why = automatic(message)
    if why:
        return f"automatic mail ({why})"
    if not case.sent_before and not (platform and platform.is_privacy_team(to)):
        return f"a case's first automatic send goes only to a privacy team's address, not {to}"
    if case.sends_today >= policy.max_sends_per_case_per_day:
        return "loop guard: daily send limit for this case reached"
    if case.sends_today_all >= policy.max_sends_per_day:
        return "daily send limit reached"
    if case.sends_today_by_recipient.get(to.lower(), 0) >= policy.max_sends_per_recipient_per_day:
        return f"daily send limit for {to} reached"
    return ""


def decide(
    message: Message,
    verdict: Verdict,
    ruleset: Ruleset,
    policy: Policy,
    case: CaseState | None = None,
    *,
    language: str | None = None,
) -> Action:
    """Decide what to do with one classified message.

    Args:
        message: the parsed message.
        verdict: the classifier's verdict.
        ruleset: rules (the platforms' privacy teams and domains, the identifiers controllers ask for).
        policy: mode and safety limits.
        case: what the state knows: the case, the message's answers, today's sends; None when unknown.
        language: force the reply language.

    Returns:
        The Action: reply (drafted, or sent when every no-relay rule allows), record (answered already,
        too old, an acknowledgement), superseded, hold or ignore.
    """
    case = case or CaseState()
    action = _reply(message, verdict, ruleset, policy, case, language)
    if action.kind is not ActionKind.REPLY:
        return action
    if why := _not_to_answer(message, case, policy):
        return Action(ActionKind.RECORD, why, language=action.language)
    if case.newer_in_thread:
        return Action(ActionKind.SUPERSEDED, "a newer message in this thread is answered instead")
    if verdict.category is Category.REQUEST_INFO and not case.account:
        placeholder = identifier_placeholder(message.new_text, ruleset.identifiers, action.language)
        if placeholder:
            action = to_fill_in(action, placeholder)
    if set(case.replies) - {_reply_id(message, verdict, action, policy)}:
        return Action(ActionKind.RECORD, "already answered by another reply", language=action.language)
    return action


def _reply(
    message: Message, verdict: Verdict, ruleset: Ruleset, policy: Policy, case: CaseState, language: str | None
) -> Action:
    """The answer the message and its sender call for, before what the state says of its answers."""
    lang = reply_language(verdict, policy.default_language, language)
    if message.truncated:
        why = message.defects[-1] if message.defects else "larger than the size limit"
        return Action(ActionKind.HOLD, f"not read in full ({why}): left for you to read", language=lang)
    if verdict.category is Category.UNRELATED:
        why = f"gate {verdict.gate}" if verdict.gate else verdict.rule or "no rule"
        return Action(ActionKind.IGNORE, f"not a controller's answer ({why})", language=lang)
    if message.from_problem:
        return Action(ActionKind.HOLD, f"sender cannot be trusted: {message.from_problem}", language=lang)
    check = verification(message, policy)
    if check.check is SenderCheck.FAILED:
        return Action(ActionKind.HOLD, f"sender failed verification: {check.reason}", language=lang)
    if case.stranger_of:
        # Writing in a case's thread makes no one its controller: never an answer (and what it would
        # quote back: the person's statement, the account) to whoever replies to the person's mail.
        who = message.sender.email if message.sender else "the sender"
        return Action(
            ActionKind.HOLD,
            f"{who} does not write for {case.stranger_of}, whose case this thread is: not answered",
            language=lang,
        )
    if verdict.category is Category.UNKNOWN:
        return Action(ActionKind.HOLD, "no rule was confident: left for you to read", language=lang)
    if verdict.category is Category.ACKNOWLEDGEMENT and verdict.variant != "extension_no_reasons":
        return Action(ActionKind.RECORD, "acknowledgement: ticket recorded, the clock runs", language=lang)
    platform = ruleset.platform(verdict.platform)
    sender = message.sender.email if message.sender else ""
    if not case.known:
        if platform is None:
            return Action(ActionKind.HOLD, "sender is not a known platform and no case is open", language=lang)
        if not platform.is_privacy_team(sender):
            return Action(
                ActionKind.HOLD, f"{sender} is not {platform.id}'s privacy team and no case is open", language=lang
            )
    domains = (platform.domains if platform else ()) + case.controller_domains
    to, note = recipient(message, domains)
    template = f"{verdict.category}.{lang}"
    form = ""
    if not takes_replies(to, platform):
        # Every reply-worthy message ends with a draft: the privacy contact, or the person with the form.
        target, form_url = reply_target(message, platform, asks_email_reply(message.new_text), person=policy.person)
        if not valid_address(target):
            return Action(ActionKind.HOLD, f"reply address {to or '(none)'} does not take replies", language=lang)
        note = f"{to or 'the sender'} takes no replies; " + (
            f"draft to you for the web form {form_url}" if form_url else f"written to {target}"
        )
        to, form = target, form_url or ""
    reason = f"{verdict.category} reply" + (f"; {note}" if note else "")
    if policy.mode != "send" or form:
        # A draft addressed to the person, for a web form, is never sent by itself.
        return Action(ActionKind.REPLY, reason, template=template, language=lang, to=to, form=form)
    refusal = _send_refusal(message, to, platform, policy, case, check)
    if refusal:
        return Action(ActionKind.REPLY, f"{reason}; drafted, not sent: {refusal}", template, lang, to=to, send=False)
    return Action(ActionKind.REPLY, reason, template=template, language=lang, to=to, send=True)


def _not_to_answer(message: Message, case: CaseState, policy: Policy) -> str:
    """Why a reply-worthy message is filed into its case without a reply ("" when it is answered): the
    person answered it already, or, on the first scan of a mailbox with history, it is too old."""
    if case.answered_by_person:
        return "you already answered it (a later message of yours is in Sent)"
    when = message_time(message)
    received = when.date() if when else None
    limit = policy.max_age_days
    if case.first_scan and limit > 0 and received and case.today and received < case.today - timedelta(days=limit):
        return f"older than {limit} days on the first scan: filed into its case, not answered"
    return ""


def _reply_id(message: Message, verdict: Verdict, action: Action, policy: Policy) -> str:
    """The Message-ID compose gives this reply (deterministic), to tell it from other replies to the message."""
    template = action.template or ""
    if template == f"{verdict.category}.{action.language}":
        template = template_for(verdict.category, verdict.variant, action.language)
    return reply_message_id(message, template, policy.person.rpartition("@")[2])


def thread_key(message: Message) -> str:
    """The id of the thread's first message: the root of References, else In-Reply-To, else its own."""
    return (message.references[0] if message.references else "") or message.in_reply_to or message.message_id


def superseded(
    batch: Iterable[tuple[int, Message, Verdict]], controller: Callable[[Message], str] | None = None
) -> set[int]:
    """Of the messages that arrived together, the UIDs of reply-worthy ones with a newer reply-worthy
    message in the same thread from the same controller (by Date, then UID): only the newest of a
    thread is answered. `controller` names who a message comes from, so that someone else writing
    into the thread never silences the controller's own message."""
    newest: dict[tuple[str, str], tuple[tuple[date, int], int]] = {}
    replyable = [(uid, m) for uid, m, v in batch if v.category.gets_reply]
    for uid, message in replyable:
        order = (message_date(message) or date.min, uid)
        key = (thread_key(message), controller(message) if controller else "")
        if key not in newest or order > newest[key][0]:
            newest[key] = (order, uid)
    keep = {uid for _, uid in newest.values()}
    return {uid for uid, _ in replyable if uid not in keep}


def remind(case: Overdue, platform: Platform | None, policy: Policy, today: date) -> Action:
    """Whether an overdue case gets its one reminder (Art. 12(3), 12(4), the authority), and to whom.

    A case closed or answered with a rejection (whose reply already announced a complaint) gets none,
    nor one already reminded, nor one with fresh correspondence (a message or a reply of mailbot's
    within `policy.quiet_days`); an acknowledgement does not stop the clock.
    """
    quiet_since = today - timedelta(days=policy.quiet_days)
    if not case.overdue:
        return Action(ActionKind.IGNORE, "not overdue")
    if case.reminded:
        return Action(ActionKind.IGNORE, "already reminded")
    if case.refused:
        return Action(ActionKind.IGNORE, "refused: the complaint is the next step")
    if (case.last_word is not None and case.last_word > quiet_since) or case.replied_since:
        return Action(ActionKind.IGNORE, f"correspondence within the last {policy.quiet_days} days")
    target = case.target
    if target is None:
        return Action(ActionKind.IGNORE, "nothing to remind under")
    if platform is None:
        return Action(ActionKind.IGNORE, "the controller is unknown")
    if not takes_replies(target.sender, platform):
        return Action(ActionKind.IGNORE, f"{target.sender} takes no replies")
    lang = target.language if target.language in SUPPORTED_LANGUAGES else policy.default_language
    lang = lang if lang in SUPPORTED_LANGUAGES else "en"
    return Action(
        ActionKind.REPLY, "Art. 12(3) deadline passed", template=f"reminder.{lang}", language=lang, to=target.sender
    )


def to_fill_in(action: Action, placeholder: str) -> Action:
    """A reply whose draft carries a placeholder for the person to fill in: drafted, never sent by itself."""
    return replace(
        action, reason=f"{action.reason}; drafted, not sent: fill in {placeholder}", send=False, fill_in=placeholder
    )
