"""Turns the bytes of an e-mail into a Message with the new text of its body (pure)."""

from __future__ import annotations

import contextlib
import email
import email.feedparser
import email.parser
import email.policy
import email.utils
import re
from collections.abc import Iterable
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from typing import Any

import mailparser
from inscriptis import Inscriptis
from inscriptis.model.config import ParserConfig
from lxml import etree, html
from mailparser_reply import EmailReplyParser

from mailbot.models import Address, Message

# Beyond these sizes nothing is left to learn, only time to lose: headers are cut (RFC 5322 lines
# are at most 998 characters), and only the start of a body is read for its new text.
MAX_MESSAGE = 10_000_000
MAX_HEADER = 8_192
MAX_TEXT = 100_000
MAX_HTML = 1_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")

# Lines that open quoted history, in the five languages and the usual clients.
_HISTORY_HEADERS = [
    r"On\b[^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bwrote\s?:",
    r"Il (?:giorno )?[^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bha scritto\s?:",
    r"Am [^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bschrieb[^\n]{0,120}:",
    r"Le [^\n]{0,300}?(?:\n[^\n]{0,200}?)?\ba [ée]crit\s?:",
    r"El [^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bescribi[óo]\s?:",
    r"-{2,}\s*(?:Original Message|Messaggio originale|Ursprüngliche Nachricht|Originalnachricht"
    r"|Message d'origine|Message original|Mensaje original|Forwarded message"
    r"|Messaggio inoltrato|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado)\s*-{2,}",
    r"_{8,}\s*\n\s*(?:From|Da|Von|De)\s?:",
    r"\*?(?:From|Da|Von|De)\s?:\*?[^\n]*\n\s*\*?(?:Sent|Inviato|Gesendet|Envoyé|Enviado|Date|Data"
    r"|Datum|Fecha)\s?:",
]
_HISTORY = re.compile(r"^[ \t]*(?:" + "|".join(_HISTORY_HEADERS) + ")", re.MULTILINE | re.IGNORECASE)
_HISTORY_HINT = re.compile(
    r"wrote|schrieb|scritto|[ée]crit|escribi|^\s*(?:from|von|da|de|sent|inviato|envoy[ée]|gesendet|enviado)\s?:"
    r"|sent from|inviato da|envoy[ée] de|gesendet von|enviado desde|^\s*>|-----|_____",
    re.IGNORECASE | re.MULTILINE,
)
_HELPDESK_MARKER = re.compile(r"^[ \t]*##-[^\n]*-##[ \t]*$", re.MULTILINE)
_SIGNATURE = re.compile(r"^-- ?$", re.MULTILINE)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$\n?", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")
_HTML_QUOTES = (
    "//blockquote | //div[contains(concat(' ', @class, ' '), ' gmail_quote ')]"
    " | //div[@id='divRplyFwdMsg'] | //div[@id='appendonsend']"
    " | //div[contains(@class, 'moz-cite-prefix')] | //div[@class='yahoo_quoted']"
    " | //script | //style | //head"
)
_REPLY_PARSER = EmailReplyParser(languages=["en", "de", "fr", "it", "es"])
_INSCRIPTIS_CONFIG = ParserConfig(display_links=False, display_images=False)
_BOUNCE_SENDERS = re.compile(r"^(?:mailer-daemon|postmaster)@", re.IGNORECASE)
_BOUNCE_SUBJECTS = re.compile(
    r"undeliver|delivery status notification|returned mail|delivery failure|mail delivery failed"
    r"|non recapitabile|unzustellbar|non remis|no se puede entregar|échec de la remise",
    re.IGNORECASE,
)


def clean_header(value: str) -> str:
    """One line of text: encoded words decoded, control characters and line breaks removed."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def decode_header_value(raw: Any) -> str:
    """Decode RFC 2047 words in a raw header value (cut at MAX_HEADER characters); never raises."""
    if raw is None:
        return ""
    text = str(raw)[:MAX_HEADER]
    if "=?" in text:
        with contextlib.suppress(ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
            text = str(make_header(decode_header(text)))
    return clean_header(text)


def _addresses(values: Iterable[str]) -> tuple[Address, ...]:
    found = []
    # Split the raw header first and decode names after, so an encoded word cannot add addresses.
    raw = [_CONTROL.sub(" ", str(v)[:MAX_HEADER]) for v in values][:50]
    for name, addr in email.utils.getaddresses(raw):
        addr = clean_header(addr)
        if addr or name:
            found.append(Address(name=decode_header_value(name), email=addr))
    return tuple(found)


def _msgids(value: str) -> tuple[str, ...]:
    return tuple(re.findall(r"<[^<>\s]+>", value))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body with quoted history (blockquotes, gmail_quote) removed."""
    markup = markup[:MAX_HTML]
    if not markup.strip():
        return ""
    try:
        tree = html.fromstring(markup)
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]*>", " ", markup)
    for node in tree.xpath(_HTML_QUOTES):
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
    return str(Inscriptis(tree, _INSCRIPTIS_CONFIG).get_text())


def strip_history(text: str) -> str:
    """The newly written part of a plain-text body: no quotes, history or signature."""
    text = text[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")
    text = _HELPDESK_MARKER.sub("", text)
    match = _HISTORY.search(text)
    if match:
        text = text[: match.start()]
    elif _HISTORY_HINT.search(text):
        # The library knows more clients' history markers than our own list; it is only a
        # refinement (and the costliest step of parsing), so it runs only where a marker may be,
        # and a failure in it leaves the text as it is.
        with contextlib.suppress(Exception):
            text = str(_REPLY_PARSER.parse_reply(text=text))
    sig = _SIGNATURE.search(text)
    if sig:
        text = text[: sig.start()]
    text = _QUOTED_LINE.sub("", text)
    return _BLANK_RUNS.sub("\n\n", text).strip()


def _is_bounce(msg: EmailMessage, return_path: str, sender: Address | None, subject: str) -> bool:
    if return_path.strip() == "<>":
        return True
    if sender is not None and _BOUNCE_SENDERS.match(sender.email):
        return True
    if msg.get_content_type() == "multipart/report":
        return True
    return bool(sender is None and _BOUNCE_SUBJECTS.search(subject))


def _decode_part(part: EmailMessage, limit: int) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    payload = payload[:limit]
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _body_texts(msg: EmailMessage) -> tuple[str, str, bool]:
    """(first text, all text, html-only) from the inline text parts; attachments are skipped."""
    plain: list[str] = []
    htmls: list[str] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain":
            plain.append(_decode_part(part, MAX_TEXT * 4))
        elif ctype == "text/html":
            htmls.append(_decode_part(part, MAX_HTML * 4))
    if plain:
        return plain[0], "\n".join(plain), False
    if htmls:
        first = html_to_text(htmls[0])
        return first, first, True
    return "", "", False


def _recover_with_mailparser(raw: bytes, defects: list[str]) -> tuple[str, str, bool]:
    """Second chance for a body the stdlib did not find: mail-parser recovers epilogues and broken parts."""
    try:
        parsed = mailparser.parse_from_bytes(raw)
    except Exception as exc:  # any failure here only means there is nothing to recover
        defects.append(f"mail-parser failed: {type(exc).__name__}")
        return "", "", False
    plain = [str(p) for p in (parsed.text_plain or [])]
    if plain:
        return plain[0], "\n".join(plain), False
    htmls = [str(p) for p in (parsed.text_html or [])]
    if htmls:
        first = html_to_text(htmls[0])
        return first, first, True
    return "", "", False


_HEADER_PARSER = email.parser.BytesHeaderParser(policy=email.policy.compat32)


def _parse_in_chunks(raw: bytes) -> EmailMessage:
    """The stdlib parser fed 64 KB at a time: message_from_bytes first decodes the whole message into
    one string (and a StringIO copy), about 5x its size in memory; this keeps it near 2x."""
    parser = email.feedparser.BytesFeedParser(policy=email.policy.compat32)
    view = memoryview(raw)
    for start in range(0, len(raw), 65536):
        parser.feed(bytes(view[start : start + 65536]))
    return parser.close()


_BODY_START = re.compile(rb"\r?\n\r?\n\s*\S")


def parse(raw: bytes, *, headers_only: bool = False, max_bytes: int = MAX_MESSAGE) -> Message:
    """Parse raw message bytes; a malformed message yields what can be read plus its defects.

    Args:
        raw: the message as received (RFC 5322 bytes).
        headers_only: read the header block only (triage); the body texts stay empty.
        max_bytes: only this much is parsed; a longer message is marked `truncated` (and is then
            left for a human rather than answered).

    Returns:
        The Message; never raises on bad input.
    """
    defects: list[str] = []
    size = len(raw)
    truncated = size > max_bytes
    if truncated:
        raw = raw[:max_bytes]
        defects.append(f"truncated: {size} bytes, only the first {max_bytes} parsed")
    try:
        if headers_only:
            msg: EmailMessage = _HEADER_PARSER.parsebytes(raw)
        else:
            msg = _parse_in_chunks(raw)
    except Exception as exc:  # the last resort is an empty message
        defects.append(f"parser failed: {type(exc).__name__}")
        msg = EmailMessage()
    for defect in getattr(msg, "defects", []) or []:
        defects.append(type(defect).__name__)

    # One pass over the headers instead of one per lookup (Message.get scans them all each time).
    headers: dict[str, list[str]] = {}
    try:
        for name, value in msg.items():
            headers.setdefault(str(name).lower(), []).append(str(value))
    except Exception:  # headers that cannot be read are missing headers
        defects.append("unreadable headers")

    def header(name: str) -> str:
        values = headers.get(name.lower())
        return decode_header_value(values[0]) if values else ""

    def header_all(name: str) -> list[str]:
        return headers.get(name.lower(), [])

    senders = _addresses(header_all("From"))
    sender = senders[0] if senders else None
    subject = header("Subject")
    new_source, full, html_only = "", "", False
    if not headers_only:
        try:
            new_source, full, html_only = _body_texts(msg)
        except Exception as exc:  # an unreadable body still leaves the headers
            defects.append(f"body unreadable: {type(exc).__name__}")
        if not full.strip() and defects and _BODY_START.search(raw):
            new_source, full, html_only = _recover_with_mailparser(raw, defects)
    new_text = strip_history(new_source) if new_source else ""
    precedence = header("Precedence").lower()
    return Message(
        sender=sender,
        reply_to=_addresses(header_all("Reply-To")),
        to=_addresses(header_all("To")),
        cc=_addresses(header_all("Cc")),
        subject=subject,
        message_id=(_msgids(header("Message-ID")) or ("",))[0],
        in_reply_to=(_msgids(header("In-Reply-To")) or ("",))[0],
        references=_msgids(header("References")),
        date=header("Date"),
        new_text=new_text,
        full_text=full.replace("\r\n", "\n"),
        is_list=bool(header("List-Id") or header("List-Post")),
        is_bulk=precedence in {"bulk", "list", "junk"} or bool(header("List-Unsubscribe")),
        is_bounce=_is_bounce(msg, header("Return-Path"), sender, subject),
        auto_submitted=header("Auto-Submitted").lower(),
        has_html_only=html_only,
        defects=tuple(defects),
        size=size,
        truncated=truncated,
    )
