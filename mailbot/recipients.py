"""Where a reply goes when the sender takes no replies: the mail itself, the privacy contact, or a web form (pure)."""

from __future__ import annotations

import re

from mailbot.decide import recipient, takes_replies, valid_address
from mailbot.models import Message
from mailbot.rules import Platform

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


def asks_email_reply(text: str) -> bool:
    """True when the message asks to be answered by replying to it ("Rispondi direttamente a questa e-mail")."""
    return bool(_ASKS_EMAIL_REPLY.search(" ".join(text.split())))


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
