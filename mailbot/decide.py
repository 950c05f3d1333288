"""Turns a verdict, the case history and the safety policy into an action (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailbot.models import Action, ActionKind, Category, Message, Verdict
from mailbot.rules import Platform, Ruleset

SUPPORTED_LANGUAGES = ("en", "it", "de", "fr", "es")
_ADDRESS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z0-9-]{2,63}$")
_NOREPLY = re.compile(r"(?:^|[._+-])(?:no-?reply|do-?not-?reply|donotreply|mailer-daemon|bounces?)(?:$|[._+-])", re.I)


@dataclass(frozen=True, slots=True)
class Policy:
    """The safety settings that decide may act on."""

    mode: str = "draft"
    default_language: str = "en"
    max_sends_per_case_per_day: int = 2


@dataclass(frozen=True, slots=True)
class CaseState:
    """What the store knows about the message's case, if anything."""

    known: bool = False
    sends_today: int = 0
    already_answered: bool = False


def reply_address(message: Message) -> str:
    """Where a reply goes: the original's Reply-To, else its From."""
    if message.reply_to and message.reply_to[0].email:
        return message.reply_to[0].email
    return message.sender.email if message.sender else ""


def valid_address(address: str) -> bool:
    """True for a plain ASCII addr-spec a reply can be written to (no spaces, one @, a dotted domain)."""
    return bool(_ADDRESS.match(address))


def takes_replies(address: str, platform: Platform | None) -> bool:
    """False for no-reply style or malformed addresses, unless the platform's privacy team writes from that one."""
    if not valid_address(address):
        return False
    allowed = platform.privacy_senders if platform else ()
    return not _NOREPLY.search(address.partition("@")[0]) or address.lower() in allowed


def reply_language(verdict: Verdict, default: str, override: str | None = None) -> str:
    """The reply's language: the override, else the message's, else the configured default."""
    if override:
        return override
    if verdict.language in SUPPORTED_LANGUAGES:
        return verdict.language
    return default if default in SUPPORTED_LANGUAGES else "en"


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
        ruleset: rules (for the platforms' own no-reply senders).
        policy: mode and safety limits.
        case: the case history; None when unknown.
        language: force the reply language.

    Returns:
        The Action: reply with a template, record, hold for a human or ignore.
    """
    case = case or CaseState()
    lang = reply_language(verdict, policy.default_language, language)
    if verdict.category is Category.UNKNOWN:
        return Action(ActionKind.HOLD, "no rule was confident: left for you to read", language=lang)
    if verdict.category is Category.UNRELATED:
        return Action(ActionKind.IGNORE, f"not a platform's answer ({verdict.rule or 'no rule'})", language=lang)
    if verdict.category is Category.ACKNOWLEDGEMENT:
        return Action(ActionKind.RECORD, "acknowledgement: ticket recorded, the clock runs", language=lang)
    if message.truncated:
        return Action(ActionKind.HOLD, "larger than the size limit: left for you to read", language=lang)
    if case.already_answered:
        return Action(ActionKind.RECORD, "already answered", language=lang)
    if verdict.platform == "none" and not case.known:
        return Action(ActionKind.HOLD, "sender is not a known platform and no case is open", language=lang)
    target = reply_address(message)
    if not takes_replies(target, ruleset.platform(verdict.platform)):
        return Action(ActionKind.HOLD, f"reply address {target or '(none)'} does not take replies", language=lang)
    if policy.mode == "send" and case.sends_today >= policy.max_sends_per_case_per_day:
        return Action(ActionKind.HOLD, "loop guard: daily send limit for this case reached", language=lang)
    return Action(ActionKind.REPLY, f"{verdict.category} reply", template=f"{verdict.category}.{lang}", language=lang)
