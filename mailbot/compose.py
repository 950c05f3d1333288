"""Builds the complete, threaded reply message from an action, a message and an identity (pure)."""

from __future__ import annotations

import email.charset
import email.header
import email.message
import email.policy
import email.utils
import hashlib
import os
import re
import textwrap
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
import platformdirs
from jinja2.sandbox import SandboxedEnvironment

from mailbot import startcache
from mailbot.cases import ONE_MONTH
from mailbot.errors import TemplateError
from mailbot.models import (
    Action,
    CaseInfo,
    Category,
    Identity,
    Message,
    ReminderTarget,
    Reply,
    RequestType,
    Verdict,
)
from mailbot.parse import clean_header
from mailbot.recipients import reply_address, valid_address
from mailbot.resources import data_dir
from mailbot.rules import Authority, IdentifierRules, Platform, bundled_rules

_PREFIX = re.compile(
    r"^(?:\s*(?:re|aw|r|rif|sv|vs|antw|antwort|res|rv|réf|ref|wg|fw|fwd|tr|enc)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
# Babel locales for dates: British English writes "1 March 2025", as a European letter does.
_LOCALES = {"en": "en_GB", "it": "it_IT", "de": "de_DE", "fr": "fr_FR", "es": "es_ES"}
# After a refusal the controller gets no new month: 14 days to confirm, then the complaint.
CONFIRM_DAYS = 14
WIDTH = 72
# The controller's argument (Verdict.variant) → the template that answers it, whatever the category.
_VARIANT_TEMPLATES = {"already_done": "already_done", "extension_no_reasons": "extension", "fee": "fee"}
VARIANTS = ("", "grounds", "legal_basis", "medium", "no_reasons", "already_done", "extension_no_reasons", "fee")
_FIRST = {"fr": "1er", "it": "1º"}
_LODGE_FALLBACK = {
    "en": ("with the competent supervisory authority", "with the supervisory authority ({name})"),
    "it": ("presso l'autorità di controllo competente", "presso l'autorità di controllo ({name})"),
    "de": ("bei der zuständigen Aufsichtsbehörde", "bei der Aufsichtsbehörde ({name})"),
    "fr": ("auprès de l'autorité de contrôle compétente", "auprès de l'autorité de contrôle ({name})"),
    "es": ("ante la autoridad de control competente", "ante la autoridad de control ({name})"),
}
_FORM_LINE = {
    "en": "Web form: {url}",
    "it": "Modulo web: {url}",
    "de": "Webformular: {url}",
    "fr": "Formulaire en ligne : {url}",
    "es": "Formulario web: {url}",
}
_QUOTE_LIMIT = 20_000
_UTF8_QP = email.charset.Charset("utf-8")
_UTF8_QP.body_encoding = email.charset.QP
# What set_payload(text, _UTF8_QP) and set_param("format", …), set_param("delsp", …) write, set at once.
_BODY_HEADERS = (
    ("Content-Transfer-Encoding", "quoted-printable"),
    ("Content-Type", 'text/plain; charset="utf-8"; format="flowed"; delsp="no"'),
)


class _Wire(email.policy.Compat32):
    """compat32 with CRLF; a scan's replies share most header fields (From, Date, the MIME fields),
    so each field is folded once."""

    @lru_cache(maxsize=256)  # noqa: B019 - one policy object, kept for the process
    def fold_binary(self, name: str, value: str) -> bytes:
        """The field as the generator writes it (folded once per name and value)."""
        return super().fold_binary(name, value)


_WIRE = _Wire(linesep="\r\n")
_ATTRIBUTION = {
    "en": "On {date}, {sender} wrote:",
    "it": "Il {date}, {sender} ha scritto:",
    "de": "Am {date} schrieb {sender}:",
    "fr": "Le {date}, {sender} a écrit :",
    "es": "El {date}, {sender} escribió:",
}


# A message without a Date header (or with an empty one): the attribution names the sender alone.
_ATTRIBUTION_UNDATED = {
    "en": "{sender} wrote:",
    "it": "{sender} ha scritto:",
    "de": "{sender} schrieb:",
    "fr": "{sender} a écrit :",
    "es": "{sender} escribió:",
}


def add_one_month(day: date) -> date:
    """The Art. 12(3) deadline: the same day number next month, clamped to that month's end (dateutil)."""
    return day + ONE_MONTH


def format_date(day: date, lang: str) -> str:
    """A date written out the way the language writes it ("1 March 2025", "1. März 2025", "1 de marzo de 2025")."""
    month = _long_dates(_LOCALES.get(lang, "en_GB"))[day.month - 1]
    text = month.replace("{day}", str(day.day)).replace("{year}", str(day.year))
    if day.day == 1 and lang in _FIRST:  # "1er mars", "1º marzo": the first of the month is an ordinal there
        text = _FIRST[lang] + text[1:]
    return text


def italian_article(written_date: str) -> str:
    """An Italian date with its article: "il 2 febbraio", "l'8 febbraio", "l'11 febbraio"."""
    return ("l'" if written_date.startswith(("8 ", "11 ")) else "il ") + written_date


def message_date(message: Message) -> date | None:
    """The date of the message from its Date header, if readable."""
    try:
        parsed = email.utils.parsedate_to_datetime(message.date) if message.date else None
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed else None


def _encoded(value: str, header_name: str = "Subject") -> str:
    """RFC 2047-encode a header value unless it is plain ASCII text.

    Text that looks like an encoded word is encoded too, so that a reader shows it literally
    instead of decoding a second time (a double-encoded CR/LF would otherwise reappear).
    The header's name counts towards the first line, so the value starts on it (no empty first line).
    """
    if value.isascii() and "=?" not in value:
        return value
    return email.header.Header(value, "utf-8", maxlinelen=76, header_name=header_name).encode()


def _address(name: str, address: str) -> str:
    name = clean_header(name)
    if not name:
        return address
    if name.isascii() and "=?" not in name:
        return email.utils.formataddr((name, address))
    return f"{_encoded(name, 'From')} <{address}>"


def reply_subject(subject: str) -> str:
    """'Re: ' plus the subject without any stacked reply or forward prefixes."""
    rest = _PREFIX.sub("", clean_header(subject)).strip()
    return f"Re: {rest}" if rest else "Re:"


def reply_message_id(message: Message, template: str, domain: str) -> str:
    """A Message-ID derived from the original and the template, so re-runs find what was written."""
    basis = message.message_id or "|".join(
        [message.sender.email if message.sender else "", message.subject, message.date, message.new_text[:2000]]
    )
    return _derived_id(basis, template, domain)


def _derived_id(basis: str, template: str, domain: str) -> str:
    digest = hashlib.sha256(f"{basis}\0{template}".encode()).hexdigest()[:32]
    return f"<mailbot.{digest}@{domain or 'mailbot.invalid'}>"


@cache
def template_environment(root: Path | None = None) -> SandboxedEnvironment:
    """The sandboxed Jinja2 environment over templates/; undefined variables are errors."""
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(root or data_dir("templates"))),
        bytecode_cache=_bytecode_cache(),
        auto_reload=False,  # templates do not change while mailbot runs: no stat() on every use
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
    )
    env.filters["lcfirst"] = lcfirst
    env.filters["il"] = italian_article
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs in the user's cache folder, private to the user
    (compiling them was a fifth of a first scan); no cache when the folder cannot be made."""
    folder = platformdirs.user_cache_path("mailbot") / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.is_symlink() or folder.stat().st_uid != os.getuid():
            return None
    except OSError:
        return None
    # Jinja checks each cached entry against the template's source and the Python version.
    return jinja2.FileSystemBytecodeCache(str(folder))


@cache
def _long_dates(locale: str) -> tuple[str, ...]:
    """Babel's long date of each month in the locale, with {day} and {year} for the numbers (loading
    Babel's locale data takes a tenth of a second: kept between runs)."""
    return tuple(startcache.value(f"long-dates:{locale}", lambda: _babel_long_dates(locale)))


def _babel_long_dates(locale: str) -> list[str]:
    import babel.dates

    # Day 28 and year 2001 appear nowhere else in a long date: each is replaced by its placeholder.
    return [
        babel.dates.format_date(date(2001, month, 28), format="long", locale=locale)
        .replace("28", "{day}")
        .replace("2001", "{year}")
        for month in range(1, 13)
    ]


def lcfirst(text: str) -> str:
    """The text with a lower-case first letter (it follows a colon), unless its first word is "I" or an acronym."""
    text = text.strip()
    first = text.split(maxsplit=1)[0] if text else ""
    if len(first) < 2 or not first[1:].islower():
        return text
    return text[:1].lower() + text[1:]


@dataclass(frozen=True, slots=True)
class ReplyOptions:
    """The person's choices that shape the reply text.

    `sent_from_account` says the person's requests go out from the address registered with their accounts
    (config); an identity reply claims it for a case only where the case's facts agree (see `claims_account`).
    """

    statement: str = ""
    objection: str = ""
    ask_erasure: bool = False
    quote_original: bool = True
    auto_submitted: bool = False
    sent_from_account: bool = False


def template_for(category: Category | str, variant: str, lang: str) -> str:
    """The template that answers a category and the controller's argument (`Verdict.variant`), in a language.

    "already_done", "extension_no_reasons" and "fee" have their own replies whatever the category;
    the rejection variants ("grounds", "legal_basis", "medium", "no_reasons") pick the rebuttal inside
    `rejection`; every other category is answered by its own template.
    """
    if variant not in VARIANTS:
        raise TemplateError(f"unknown variant {variant!r} (known: {', '.join(v for v in VARIANTS if v)})")
    return f"{_VARIANT_TEMPLATES.get(variant, str(category))}.{lang}"


def lead_authority(platform: Platform | None, authorities: tuple[Authority, ...]) -> Authority | None:
    """The platform's lead supervisory authority (Art. 56 GDPR) from rules/authorities.toml, if known."""
    if platform is None or not platform.lead_authority:
        return None
    return next((a for a in authorities if a.key == platform.lead_authority), None)


def asked_identifiers(text: str, rules: IdentifierRules) -> frozenset[str]:
    """The kinds of identifier (rules/identifiers.toml) a controller's message asks for."""
    low = text.lower()
    return frozenset(k.id for k in rules.kinds if k.pattern.search(low))


def identifier_placeholder(text: str, rules: IdentifierRules | None, lang: str) -> str:
    """A marked placeholder for an identifier mailbot does not know ("[FILL IN: the phone number …]"),
    or "" when the message asks for none, or for an e-mail address (the identity e-mail answers that)."""
    asked = asked_identifiers(text, rules) if rules else frozenset()
    if rules is None or not asked or "email" in asked:
        return ""
    marker = dict(rules.fill_in).get(lang) or dict(rules.fill_in)["en"]
    whats = [dict(k.what).get(lang) or dict(k.what)["en"] for k in rules.kinds if k.id in asked]
    return f"[{marker}: {' / '.join(whats)}]"


def template_context(
    *,
    identity: Identity,
    platform: Platform | None,
    verdict: Verdict | None,
    lang: str,
    received: date,
    options: ReplyOptions,
    request_date: date | None = None,
    due: date | None = None,
    case: CaseInfo | None = None,
    authority: Authority | None = None,
    today: date | None = None,
    ticket: str = "",
) -> dict[str, Any]:
    """The variables every template may use.

    `case` brings the request's types, date and deadline; without it the request is an Art. 21(1)
    objection whose date is unknown, answered one month from the message's receipt.
    """
    case = case or CaseInfo()
    request_date = case.request_date or request_date
    due = case.due or due or add_one_month(request_date or received)
    first_due = add_one_month(request_date) if request_date else due
    types = [str(t) for t in case.types] or [str(RequestType.OBJECTION)]
    if authority is not None:
        authority_with, authority_name = authority.lodge_with(lang), authority.name(lang)
    else:
        # A controller without a table entry: the competent authority, named as rules/platforms gives it.
        authority_name = platform.authority if platform else ""
        phrases = _LODGE_FALLBACK.get(lang, _LODGE_FALLBACK["en"])
        authority_with = phrases[1].format(name=authority_name) if authority_name else phrases[0]
    return {
        "identity": {"name": identity.name, "email": identity.email},
        "platform_name": platform.name if platform else (case.controller or ""),
        "authority": authority_with,
        "authority_name": authority_name,
        "ticket": verdict.ticket if verdict else ticket,
        "variant": (verdict.variant if verdict else "") or "grounds",
        "request": types[0],
        "requests": types,
        "request_date": format_date(request_date, lang) if request_date else "",
        "received": format_date(received, lang),
        "due": format_date(due, lang),
        "first_due": format_date(first_due, lang),
        "extended": case.extended,
        "expired": case.expired,
        "reply_by": format_date((today or received) + timedelta(days=CONFIRM_DAYS), lang),
        "account": case.account,
        "sent_from_account": claims_account(options, identity, case),
        "statement": options.statement,
        "objection": options.objection,
        "ask_erasure": options.ask_erasure,
    }


def claims_account(options: ReplyOptions, identity: Identity, case: CaseInfo) -> bool:
    """Whether a reply may say "my request was sent from <identity e-mail>, the address registered with my
    account": the person says so (`sent_from_account`), the case's request was e-mailed (not made through a web
    form, nor of unknown origin), and the account the controller knows is that address (not a phone number or
    another address configured in [identity.accounts])."""
    account = case.account.strip().lower()
    registered = not account or account == identity.email.strip().lower()
    return options.sent_from_account and case.request_channel == "email" and registered


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
    written = format_date(when, lang) if when else message.date.strip()
    forms = _ATTRIBUTION if written else _ATTRIBUTION_UNDATED  # never "On , x wrote:"
    head = forms.get(lang, forms["en"]).format(date=written, sender=sender)
    body = message.full_text[:_QUOTE_LIMIT]
    return head + "\n" + "\n".join("> " + line for line in body.splitlines()) + "\n"


@lru_cache(maxsize=512)  # a scan's replies share most of their paragraphs (the templates' own)
def _wrap_paragraph(paragraph: str) -> tuple[str, ...]:
    """One paragraph as format=flowed lines: soft breaks end in a space, hard ones (line by line text) do not."""
    lines = paragraph.split("\n")
    if len(lines) > 1 and all(len(line) <= WIDTH for line in lines):
        return tuple(line.rstrip() for line in lines)  # signatures, addresses: kept line by line
    out: list[str] = []
    for line in lines:
        wrapped = textwrap.wrap(line, width=WIDTH - 1, break_long_words=False, break_on_hyphens=False)
        out += [w + " " for w in wrapped[:-1]] + (wrapped[-1:] or [""])  # an empty line stays
    return tuple(out)


def flowed(text: str) -> str:
    """Text as RFC 3676 format=flowed (DelSp=No): paragraphs wrapped under 72 columns, quotes kept as lines.

    A line that begins with a space, "From " or ">" outside a quote is space-stuffed, as the RFC asks.
    """
    out: list[str] = []
    for block in text.split("\n\n"):
        if block.lstrip().startswith(">") or "\n>" in block:
            out += [line.rstrip() for line in block.split("\n")]
        else:
            out += [(" " + line if line.startswith((" ", "From ", ">")) else line) for line in _wrap_paragraph(block)]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def unflow(text: str) -> str:
    """The inverse of `flowed` (for readers and tests): soft line breaks joined, stuffing removed."""
    out: list[str] = []
    joining = False
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.removeprefix(" ")
        if joining:
            out[-1] += line
        else:
            out.append(line)
        joining = line.endswith(" ") and line != "-- "
    return "\n".join(out)


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
    case: CaseInfo | None = None,
    authorities: tuple[Authority, ...] | None = None,
    form_url: str | None = None,
) -> Reply:
    """Compose the reply for an action of kind REPLY.

    Args:
        action: the decision (its template names the file in templates/; the category's default template
            is refined by the verdict's variant, see `template_for`).
        message: the controller's message being answered.
        verdict: its verdict (category, rule, ticket, variant).
        identity: the person the reply is written for.
        platform: the platform, for its name and lead supervisory authority.
        now: the reply's Date.
        options: statement, erasure request, quoting, Auto-Submitted.
        request_date: when the person's request was received, if known (superseded by `case`).
        due: the Art. 12(3) due date, when known better than one month from receipt (superseded by `case`).
        templates: another templates folder (tests).
        case: the case: request types, date, deadline, account; None = an Art. 21(1) objection of unknown date.
        authorities: the supervisory authorities (Ruleset.authorities), for the authority's name; None: the bundled.
        form_url: the controller takes requests only by this web form: the draft is addressed to the person
            (`action.to`) and its first line gives the form's address.

    Returns:
        The Reply with its RFC 5322 bytes (text/plain; format=flowed).
    """
    if action.template is None:
        raise TemplateError(f"action {action.kind} has no template to compose")
    options = options or ReplyOptions()
    template = action.template
    if template == f"{verdict.category}.{action.language}":
        template = template_for(verdict.category, verdict.variant, action.language)
    # A Date in the future is the sender's say-so, not a fact: never later than today.
    received = min(message_date(message) or now.date(), now.date())
    context = template_context(
        identity=identity,
        platform=platform,
        verdict=verdict,
        lang=action.language,
        received=received,
        options=options,
        request_date=request_date,
        due=due,
        case=case,
        authority=lead_authority(platform, bundled_rules().authorities if authorities is None else authorities),
        today=now.date(),
    )
    text = render(template, context, templates)
    if form_url:
        text = _FORM_LINE.get(action.language, _FORM_LINE["en"]).format(url=form_url) + "\n\n" + text
    # A reply sent by itself never quotes a stranger's text back (it could carry anything, to anyone).
    if options.quote_original and not options.auto_submitted and message.full_text.strip():
        text += "\n" + _quote(message, action.language)
    to = action.to or reply_address(message)
    msgid = reply_message_id(message, template, identity.email.rpartition("@")[2])
    thread = (message.message_id, message.references)
    return _write(text, to, message.subject, msgid, thread, identity, now, options, verdict.category, template, action)


def compose_reminder(
    action: Action,
    target: ReminderTarget,
    identity: Identity,
    platform: Platform | None,
    *,
    now: datetime,
    ticket: str = "",
    options: ReplyOptions | None = None,
    case: CaseInfo | None = None,
    templates: Path | None = None,
    authorities: tuple[Authority, ...] | None = None,
) -> Reply:
    """Compose the deadline reminder `decide.remind` chose, threaded under `target`, which it never quotes.

    Args:
        action: the reminder decision (its template, language and recipient).
        target: the message reminded under: the controller's last, or the person's request.
        identity: the person the reminder is written for.
        platform: the controller, for its name and supervisory authority.
        now: the reminder's Date.
        ticket: the controller's ticket number, when known.
        options: statement and Auto-Submitted (quoting and the erasure request never apply).
        case: the case: request types, date, deadline, account.
        templates: another templates folder (tests).
        authorities: the supervisory authorities; None: the bundled.
    """
    if action.template is None:
        raise TemplateError(f"action {action.kind} has no template to compose")
    options = replace(options or ReplyOptions(), quote_original=False, ask_erasure=False)
    context = template_context(
        identity=identity,
        platform=platform,
        verdict=None,
        ticket=ticket,
        lang=action.language,
        received=now.date(),
        options=options,
        case=case,
        authority=lead_authority(platform, bundled_rules().authorities if authorities is None else authorities),
        today=now.date(),
    )
    text = render(action.template, context, templates)
    msgid = _derived_id(target.message_id, action.template, identity.email.rpartition("@")[2])
    thread = (target.message_id, target.references)
    return _write(
        text, action.to, target.subject, msgid, thread, identity, now, options, target.category, action.template, action
    )


def _write(
    text: str,
    to: str,
    subject: str,
    msgid: str,
    thread: tuple[str, tuple[str, ...]],
    identity: Identity,
    now: datetime,
    options: ReplyOptions,
    category: Category | str,
    template: str,
    action: Action,
) -> Reply:
    """The reply message: headers (threaded under `thread`: the answered Message-ID and its References) and
    the flowed body."""
    if not valid_address(to):
        raise TemplateError(f"no valid address to reply to ({to[:80]!r})")
    subject = reply_subject(subject)
    headers = [
        ("From", _address(identity.name, identity.email)),
        ("To", to),
        ("Subject", _encoded(subject)),
        ("Date", email.utils.format_datetime(now)),
        ("Message-ID", msgid),
    ]
    answered, references = thread
    if answered:
        refs = [*references[-20:], answered]
        headers += [("In-Reply-To", answered), ("References", " ".join(dict.fromkeys(refs)))]
    if options.auto_submitted:
        headers.append(("Auto-Submitted", "auto-replied"))
    # compat32 builds the message several times faster than the modern policy; every value was
    # cleaned of line breaks above (clean_header, ids from regexes), so none can add a header.
    reply = email.message.Message()
    for name, value in [*headers, ("MIME-Version", "1.0"), *_BODY_HEADERS]:
        reply[name] = value
    reply.set_payload(_UTF8_QP.body_encode(flowed(text)))
    return Reply(
        message_id=msgid,
        to=to,
        subject=subject,
        raw=reply.as_bytes(policy=_WIRE),
        category=Category(category),
        template=template,
        language=action.language,
    )
