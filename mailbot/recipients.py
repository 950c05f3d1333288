"""Where a reply goes when the sender takes no replies: the mail itself, the privacy contact, or a web form (pure)."""

from __future__ import annotations

import re

from mailbot.models import Message
from mailbot.rules import Platform

_ADDRESS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z0-9-]{2,63}$")
_NOREPLY = re.compile(r"(?:^|[._+-])(?:no-?reply|do-?not-?reply|donotreply|mailer-daemon|bounces?)(?:$|[._+-])", re.I)


def reply_address(message: Message) -> str:
    """Where a reply goes when nothing restricts it: the original's Reply-To, else its From."""
    if message.reply_to and message.reply_to[0].email:
        return message.reply_to[0].email
    return message.sender.email if message.sender else ""


def _within(address: str, domains: tuple[str, ...]) -> bool:
    domain = address.rpartition("@")[2].lower().rstrip(".")
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def recipient(message: Message, domains: tuple[str, ...]) -> tuple[str, str]:
    """The one address a reply goes to, and a note when the Reply-To was set aside.

    Reply-To is honoured only when it is a single address within the controller's own domains;
    otherwise the reply goes to the From (a stranger must never choose where the person's mail goes).
    """
    sender = message.sender.email if message.sender else ""
    targets = [a.email for a in message.reply_to if a.email]
    if not targets:
        return sender, ""
    if len(targets) == 1 and _within(targets[0], domains):
        return targets[0], ""
    return sender, f"Reply-To {targets[0][:80]} set aside (outside the controller's domains)"


def valid_address(address: str) -> bool:
    """True for a plain ASCII addr-spec a reply can be written to (no spaces, one @, a dotted domain)."""
    return bool(_ADDRESS.match(address))


def takes_replies(address: str, platform: Platform | None) -> bool:
    """False for no-reply style or malformed addresses, unless the platform's privacy team writes from that one."""
    if not valid_address(address):
        return False
    allowed = platform.privacy_senders if platform else ()
    return not _NOREPLY.search(address.partition("@")[0]) or address.lower() in allowed


# A no-reply sender that asks to be answered by e-mail, in the five languages ("reply directly to this e-mail").
_ASKS_EMAIL_REPLY = re.compile(
    r"\b(?:"
    r"(?:simply |just |please )?reply (?:directly )?to this (?:e-?mail|message)"
    r"|rispond(?:i|ete) direttamente a questa (?:e-?mail|mail|comunicazione)"
    r"|antworten sie (?:bitte )?direkt auf diese (?:e-?mail|nachricht)"
    r"|antworte (?:bitte )?direkt auf diese (?:e-?mail|nachricht)"
    r"|r[ée]pondez directement (?:à|a) cet (?:e-?mail|courriel)"
    r"|r[ée]ponds directement (?:à|a) cet (?:e-?mail|courriel)"
    r"|respond(?:e|a|an) directamente a este (?:correo|e-?mail|mensaje)"
    r")",
    re.IGNORECASE,
)


# "Please do not reply to this e-mail" is the opposite of an ask: a negation just before the match.
_NOT_BEFORE = re.compile(
    r"(?:\bnot|n't|\bnever|\bnon|\bnicht|\bkeine?|\bne|\bpas|\bno|\bnunca)(?: \w+){0,2} ?$", re.IGNORECASE
)


def asks_email_reply(text: str) -> bool:
    """True when the message asks to be answered by replying to it ("Rispondi direttamente a questa e-mail"),
    not when it says not to ("Please do not reply to this e-mail", "Non rispondere a questa e-mail")."""
    flat = " ".join(text.split())
    for match in _ASKS_EMAIL_REPLY.finditer(flat):
        if not _NOT_BEFORE.search(flat[max(0, match.start() - 30) : match.start()]):
            return True
    return False


def reply_target(
    message: Message, platform: Platform | None, asks_email_reply: bool, *, person: str = ""
) -> tuple[str, str | None]:
    """The address a reply-worthy message's draft goes to, and the web form to paste it into, if any.

    1. A sender (or a Reply-To within the controller's domains) that takes replies, or a no-reply sender
       that asks to be answered by e-mail, is answered there.
    2. Otherwise the controller's documented privacy contact address (rules/platforms: privacy_contact).
    3. Where the controller only takes a web form (privacy_form), the draft goes to the person (`person`),
       with the form's address, which compose writes on its first line.
    4. With neither, the draft goes to the person to send on; ("", None) when no person is given.

    Args:
        message: the controller's message.
        platform: its platform from rules/, if known.
        asks_email_reply: the message asks to be answered by replying to it (see `asks_email_reply`).
        person: the person's own address (the identity e-mail).
    """
    # Reply-To counts only within the controller's own domains (decide.recipient), as for every reply.
    sender, _ = recipient(message, platform.domains if platform else ())
    if takes_replies(sender, platform) or (asks_email_reply and valid_address(sender)):
        return sender, None
    if platform is not None and platform.privacy_contact:
        return platform.privacy_contact, None
    if platform is not None and platform.privacy_form:
        return person, platform.privacy_form
    return person, None
