"""Turns a verdict, the case history and the safety policy into an action (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from mailbot.auth import SenderCheck, Verification, verify_sender
from mailbot.models import Action, ActionKind, Category, Message, Verdict
from mailbot.recipients import asks_email_reply, recipient, reply_address, reply_target, takes_replies, valid_address
from mailbot.rules import Platform, Ruleset

__all__ = ["CaseState", "Policy", "decide", "recipient", "reply_address", "takes_replies", "valid_address"]

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


@dataclass(frozen=True, slots=True)
class CaseState:
    """What the store knows about the message's case and today's automatic sends."""

    known: bool = False
    sends_today: int = 0
    already_answered: bool = False
    sent_before: bool = False
    controller_domains: tuple[str, ...] = ()
    sends_today_all: int = 0
    sends_today_by_recipient: Mapping[str, int] = field(default_factory=dict)


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
    if check.check is not SenderCheck.VERIFIED and not (
        policy.allow_unverified_send and check.check is SenderCheck.UNVERIFIED
    ):
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
        ruleset: rules (the platforms' privacy teams and domains).
        policy: mode and safety limits.
        case: the case history and today's sends; None when unknown.
        language: force the reply language.

    Returns:
        The Action: reply (drafted, or sent when every no-relay rule allows), record, hold or ignore.
    """
    case = case or CaseState()
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
    if verdict.category is Category.UNKNOWN:
        return Action(ActionKind.HOLD, "no rule was confident: left for you to read", language=lang)
    if verdict.category is Category.ACKNOWLEDGEMENT and verdict.variant != "extension_no_reasons":
        return Action(ActionKind.RECORD, "acknowledgement: ticket recorded, the clock runs", language=lang)
    if case.already_answered:
        return Action(ActionKind.RECORD, "already answered", language=lang)
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
