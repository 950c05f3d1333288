"""Builds the complete, threaded reply message from an action, a message and an identity (pure)."""

from __future__ import annotations

import calendar
import email.charset
import email.header
import email.message
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from mailbot.decide import reply_address, valid_address
from mailbot.errors import TemplateError
from mailbot.models import Action, Category, Identity, Message, Reply, Verdict
from mailbot.parse import clean_header
from mailbot.resources import data_dir
from mailbot.rules import Platform

_PREFIX = re.compile(
    r"^(?:\s*(?:re|aw|r|rif|sv|vs|antw|antwort|res|rv|réf|ref|wg|fw|fwd|tr|enc)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
}
_QUOTE_LIMIT = 20_000
_UTF8_QP = email.charset.Charset("utf-8")
_UTF8_QP.body_encoding = email.charset.QP
_WIRE = email.policy.compat32.clone(linesep="\r\n")
_ATTRIBUTION = {
    "en": "On {date}, {sender} wrote:",
    "it": "Il {date}, {sender} ha scritto:",
    "de": "Am {date} schrieb {sender}:",
    "fr": "Le {date}, {sender} a écrit :",
    "es": "El {date}, {sender} escribió:",
}


def add_months(day: date, months: int) -> date:
    """The same day number `months` later, clamped to that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_one_month(day: date) -> date:
    """The Art. 12(3) deadline: the same day number next month, clamped to that month's end."""
    return add_months(day, 1)


def format_date(day: date, lang: str) -> str:
    """A date written out the way the language writes it."""
    month = _MONTHS.get(lang, _MONTHS["en"]).split()[day.month - 1]
    if lang == "de":
        return f"{day.day}. {month} {day.year}"
    if lang == "es":
        return f"{day.day} de {month} de {day.year}"
    if lang == "en":
        return f"{day.day} {month} {day.year}"
    return f"{day.day} {month} {day.year}"


def message_date(message: Message) -> date | None:
    """The date of the message from its Date header, if readable."""
    try:
        parsed = email.utils.parsedate_to_datetime(message.date) if message.date else None
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed else None


def _encoded(value: str) -> str:
    """RFC 2047-encode a header value unless it is plain ASCII text.

    Text that looks like an encoded word is encoded too, so that a reader shows it literally
    instead of decoding a second time (a double-encoded CR/LF would otherwise reappear).
    """
    if value.isascii() and "=?" not in value:
        return value
    return email.header.Header(value, "utf-8", maxlinelen=76).encode()


def _address(name: str, address: str) -> str:
    name = clean_header(name)
    if not name:
        return address
    if name.isascii() and "=?" not in name:
        return email.utils.formataddr((name, address))
    return f"{_encoded(name)} <{address}>"


def reply_subject(subject: str) -> str:
    """'Re: ' plus the subject without any stacked reply or forward prefixes."""
    rest = _PREFIX.sub("", clean_header(subject)).strip()
    return f"Re: {rest}" if rest else "Re:"


def reply_message_id(message: Message, template: str, domain: str) -> str:
    """A Message-ID derived from the original and the template, so re-runs find what was written."""
    basis = message.message_id or "|".join(
        [message.sender.email if message.sender else "", message.subject, message.date, message.new_text[:2000]]
    )
    digest = hashlib.sha256(f"{basis}\0{template}".encode()).hexdigest()[:32]
    return f"<mailbot.{digest}@{domain or 'mailbot.invalid'}>"


@cache
def template_environment(root: Path | None = None) -> SandboxedEnvironment:
    """The sandboxed Jinja2 environment over templates/; undefined variables are errors."""
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(root or data_dir("templates"))),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )


@dataclass(frozen=True, slots=True)
class ReplyOptions:
    """The person's choices that shape the reply text."""

    statement: str = ""
    objection: str = ""
    ask_erasure: bool = False
    quote_original: bool = True
    auto_submitted: bool = False


def template_context(
    *,
    identity: Identity,
    platform: Platform | None,
    verdict: Verdict,
    lang: str,
    received: date,
    options: ReplyOptions,
    request_date: date | None = None,
    due: date | None = None,
) -> dict[str, Any]:
    """The variables every template may use."""
    due = due or add_one_month(request_date or received)
    return {
        "identity": {"name": identity.name, "email": identity.email},
        "platform_name": platform.name if platform else "",
        "authority": platform.authority if platform else "",
        "ticket": verdict.ticket,
        "request_date": format_date(request_date, lang) if request_date else "",
        "due": format_date(due, lang),
        "statement": options.statement,
        "objection": options.objection,
        "ask_erasure": options.ask_erasure,
    }


def render(template: str, context: dict[str, Any], root: Path | None = None) -> str:
    """Render `<template>.txt.j2`; a missing template or variable is a TemplateError."""
    try:
        text = template_environment(root).get_template(f"{template}.txt.j2").render(context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template {exc.name} not found") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template {template}: {exc}") from None
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _quote(message: Message, lang: str) -> str:
    when = message_date(message)
    sender = message.sender.email if message.sender else "?"
    head = _ATTRIBUTION.get(lang, _ATTRIBUTION["en"]).format(
        date=format_date(when, lang) if when else message.date, sender=sender
    )
    body = message.full_text[:_QUOTE_LIMIT]
    return head + "\n" + "\n".join("> " + line for line in body.splitlines()) + "\n"


def compose(
    action: Action,
    message: Message,
    verdict: Verdict,
    identity: Identity,
    platform: Platform | None,
    *,
    now: datetime,
    options: ReplyOptions | None = None,
    request_date: date | None = None,
    due: date | None = None,
    templates: Path | None = None,
) -> Reply:
    """Compose the reply for an action of kind REPLY.

    Args:
        action: the decision (its template names the file in templates/).
        message: the platform's message being answered.
        verdict: its verdict (category, rule, ticket).
        identity: the person the reply is written for.
        platform: the platform, for its name and supervisory authority.
        now: the reply's Date.
        options: statement, erasure request, quoting, Auto-Submitted.
        request_date: when the person's request was received, if known.
        due: the Art. 12(3) due date, when known better than one month from receipt (an extension).
        templates: another templates folder (tests).

    Returns:
        The Reply with its RFC 5322 bytes.
    """
    if action.template is None:
        raise TemplateError(f"action {action.kind} has no template to compose")
    options = options or ReplyOptions()
    received = message_date(message) or now.date()
    context = template_context(
        identity=identity,
        platform=platform,
        verdict=verdict,
        lang=action.language,
        received=received,
        options=options,
        request_date=request_date,
        due=due,
    )
    text = render(action.template, context, templates)
    # A reply sent by itself never quotes a stranger's text back (it could carry anything, to anyone).
    if options.quote_original and not options.auto_submitted and message.full_text.strip():
        text += "\n" + _quote(message, action.language)
    to = action.to or reply_address(message)
    if not valid_address(to):
        raise TemplateError(f"no valid address to reply to ({to[:80]!r})")
    domain = identity.email.rpartition("@")[2]
    msgid = reply_message_id(message, action.template, domain)
    subject = reply_subject(message.subject)
    headers = [
        ("From", _address(identity.name, identity.email)),
        ("To", to),
        ("Subject", _encoded(subject)),
        ("Date", email.utils.format_datetime(now)),
        ("Message-ID", msgid),
    ]
    if message.message_id:
        refs = [*message.references[-20:], message.message_id]
        headers += [("In-Reply-To", message.message_id), ("References", " ".join(dict.fromkeys(refs)))]
    if options.auto_submitted:
        headers.append(("Auto-Submitted", "auto-replied"))
    # compat32 builds the message several times faster than the modern policy; every value was
    # cleaned of line breaks above (clean_header, ids from regexes), so none can add a header.
    reply = email.message.Message()
    for name, value in [*headers, ("MIME-Version", "1.0")]:
        reply[name] = value
    reply.set_payload(text, _UTF8_QP)
    return Reply(
        message_id=msgid,
        to=to,
        subject=subject,
        raw=reply.as_bytes(policy=_WIRE),
        category=Category(verdict.category),
        template=action.template,
        language=action.language,
    )
