"""Turns the bytes of an e-mail into a Message with the new text of its body (pure)."""

from __future__ import annotations

import email
import email.errors
import email.feedparser
import email.parser
import email.policy
import email.utils
import re
from collections.abc import Iterable
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from typing import Any

from mailbot.auth import from_problem
from mailbot.hidden import drop_hidden
from mailbot.models import Address, Message

# Beyond these sizes nothing is left to learn, only time to lose: headers are cut (RFC 5322 lines
# are at most 998 characters), and only the start of a body is read for its new text.
MAX_MESSAGE = 10_000_000
MAX_HEADER = 8_192
MAX_TEXT = 100_000
MAX_HTML = 1_000_000
MAX_RECOVER = 1_000_000
# More MIME parts than this and the body is not parsed: the message is held for a human.
MAX_PARTS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
_FOLD = re.compile(r"[\r\n\t]")
# One RFC 2047 encoded word, with the space before an adjacent one (that space is not text).
_ENCODED_WORD = re.compile(r"=\?[^?\s]{1,75}\?[bBqQ]\?[^?\s]{0,998}\?=(?:[ \t]{1,20}(?==\?))?")
_MSGID = re.compile(r"<[^<>\s]{1,998}>")
_TAG = re.compile(r"<[^<>]{0,10000}>")

# Lines that open quoted history, in the five languages and the usual clients. Every quantifier
# that can backtrack is bounded and confined to one or two lines, so a search is linear in the text
# (tests/test_bounds.py checks it).
_HEADER_NAMES = r"From|Da|Von|De"
_HEADER_NEXT = (
    r"Sent|Inviato|Gesendet|Envoyé|Enviado|Date|Data|Datum|Fecha|To|An|A|À|Para|Subject|Oggetto|Betreff"
    r"|Objet|Asunto|Cc"
)
_HISTORY_HEADERS = [
    r"On\b[^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bwrote\s?:",
    r"Il (?:giorno )?[^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bha scritto\s?:",
    r"Am [^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bschrieb[^\n]{0,120}:",
    r"Le [^\n]{0,300}?(?:\n[^\n]{0,200}?)?\ba [ée]crit\s?:",
    r"El [^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bescribi[óo]\s?:",
    r"-{2,20}\s{0,5}(?:Original Message|Messaggio originale|Ursprüngliche Nachricht|Originalnachricht"
    r"|Message d'origine|Message original|Mensaje original|Forwarded message"
    r"|Messaggio inoltrato|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado)\s{0,5}-{2,}",
    rf"_{{8,}}[ \t]{{0,20}}\n\s{{0,20}}(?:{_HEADER_NAMES})\s?:",
    # An Outlook-style header block: a From line followed by Sent/Date/To/Subject (any language).
    rf"\*?(?:{_HEADER_NAMES})[ \t]?:\*?[^\n]{{0,1000}}\n\s{{0,20}}\*?(?:{_HEADER_NEXT})[ \t]?:",
]
_HISTORY = re.compile(r"^[ \t]{0,20}(?:" + "|".join(_HISTORY_HEADERS) + ")", re.MULTILINE | re.IGNORECASE)
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
        try:
            text = str(make_header(decode_header(text)))
        except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
            # Raw 8-bit text next to encoded words: decode the words one by one.
            text = _ENCODED_WORD.sub(_decode_word, text)
    return clean_header(text)


def _decode_word(match: re.Match[str]) -> str:
    try:
        return str(make_header(decode_header(match.group(0))))
    except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        return match.group(0)


def _addresses(values: Iterable[str]) -> tuple[Address, ...]:
    found = []
    # Split the raw header first and decode names after, so an encoded word cannot add addresses.
    # Line breaks of folded headers are spaces; any other invisible character (a zero-width space
    # in a raw UTF-8 domain) is kept visible as U+FFFD, so "whats\u200bapp.com" never reads as whatsapp.com.
    raw = [_CONTROL.sub("\ufffd", _FOLD.sub(" ", str(v)[:MAX_HEADER])) for v in values][:50]
    for name, addr in email.utils.getaddresses(raw):
        addr = clean_header(addr)
        if addr or name:
            found.append(Address(name=decode_header_value(name), email=addr))
    return tuple(found)


def _msgids(value: str) -> tuple[str, ...]:
    return tuple(_MSGID.findall(value))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body: hidden text and quoted history (blockquote, gmail_quote) removed."""
    markup = markup[:MAX_HTML]
    if not markup.strip():
        return ""
    # Imported here: many scans meet no HTML at all; inscriptis (below) is slow to import too.
    from lxml import etree, html

    try:
        tree = html.fromstring(markup)
    except (etree.ParserError, ValueError):
        return _TAG.sub(" ", markup)
    drop_hidden(tree, markup)
    for node in tree.xpath(_HTML_QUOTES):
        if node.getparent() is not None:
            node.drop_tree()
    from inscriptis import Inscriptis
    from inscriptis.model.config import ParserConfig

    return str(Inscriptis(tree, ParserConfig(display_links=False, display_images=False)).get_text())


def strip_history(text: str) -> str:
    """The newly written part of a plain-text body: no quotes, history or signature."""
    text = text[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")
    text = _HELPDESK_MARKER.sub("", text)
    match = _HISTORY.search(text)
    if match:
        text = text[: match.start()]
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


def _mime_headers(raw: bytes) -> bytes:
    """Only the MIME headers of a message (Content-*, MIME-Version), each cut to MAX_HEADER."""
    end = _HEADER_END.search(raw)
    head = raw[: end.start()] if end else raw
    kept: list[bytes] = []
    keep = False
    for line in head[:MAX_RECOVER].splitlines()[:1000]:
        if line[:1] in (b" ", b"\t"):
            if keep:
                kept.append(line[:MAX_HEADER])
            continue
        keep = _MIME_HEADER.match(line) is not None
        if keep:
            kept.append(line[:MAX_HEADER])
    return b"\r\n".join(kept)


def _recover_with_mailparser(raw: bytes, defects: list[str]) -> tuple[str, str, bool]:
    """Second chance for a body the stdlib did not find: mail-parser recovers epilogues and broken parts.

    It is given only the MIME headers and the first MAX_RECOVER bytes of the body: it parses
    other headers (Received, addresses) with regexes of its own that a stranger must not feed.
    """
    end = _HEADER_END.search(raw)
    body = raw[end.end() : end.end() + MAX_RECOVER] if end else b""
    try:
        import mailparser  # only broken MIME gets here: not worth its import on every start

        parsed = mailparser.parse_from_bytes(_mime_headers(raw) + b"\r\n\r\n" + body)
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


def _has_body(raw: bytes) -> bool:
    end = _HEADER_END.search(raw)
    return bool(end and _NON_SPACE.search(raw, end.end()))


def count_parts(raw: bytes, cap: int = MAX_PARTS) -> int:
    """How many MIME parts the raw message declares, counted up to cap + 1 (stops there).

    Read from the bytes before any tree is built: multipart boundaries declared, delimiter lines
    of those boundaries, and Content-Type headers; the largest of the three counts.
    """
    boundaries: set[bytes] = set()
    for match in _BOUNDARY_PARAM.finditer(raw):
        boundaries.add(match.group(1) or match.group(2))
        if len(boundaries) > cap:
            return cap + 1
    delimiters = types = 0
    for match in _PART_START.finditer(raw):
        if match.group(1) is None:
            types += 1
        else:
            line = match.group(1).rstrip(b" \t\r")
            if line in boundaries or line.removesuffix(b"--") in boundaries:
                delimiters += 1
        if max(delimiters, types) > cap:
            break
    return max(len(boundaries), delimiters, types)


_HEADER_PARSER = email.parser.BytesHeaderParser(policy=email.policy.compat32)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_NON_SPACE = re.compile(rb"\S")
_MIME_HEADER = re.compile(rb"(?:content-|mime-version)[^:\r\n]{0,40}:", re.IGNORECASE)
_BOUNDARY_PARAM = re.compile(rb'boundary[ \t]{0,20}=[ \t]{0,20}(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.IGNORECASE)
_PART_START = re.compile(rb"^--([^\r\n]{1,250})|^[ \t]{0,20}content-type[ \t]{0,20}:", re.MULTILINE | re.IGNORECASE)
_SURROGATES = re.compile(r"[\udc80-\udcff]")


def _header_text(value: Any) -> str:
    """A raw header value as text: 8-bit bytes sent without RFC 2047 are read as UTF-8, else Latin-1."""
    text = str(value)
    if _SURROGATES.search(text):
        data = text.encode("utf-8", "surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return text


def _parse_in_chunks(raw: bytes) -> EmailMessage:
    """The stdlib parser fed 64 KB at a time: message_from_bytes first decodes the whole message into
    one string (and a StringIO copy), about 5x its size in memory; this keeps it near 2x."""
    parser = email.feedparser.BytesFeedParser(policy=email.policy.compat32)
    view = memoryview(raw)
    for start in range(0, len(raw), 65536):
        parser.feed(bytes(view[start : start + 65536]))
    return parser.close()


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
    if not headers_only:
        parts = count_parts(raw)
        if parts > MAX_PARTS:
            # The stdlib would build the whole tree first (a million empty parts take 500 MB).
            headers_only = truncated = True
            defects.append(f"too many MIME parts: more than {MAX_PARTS}, body not parsed")
    try:
        if headers_only:
            # Only the header block: the header parser would still read the body into memory.
            end = _HEADER_END.search(raw)
            msg: EmailMessage = _HEADER_PARSER.parsebytes(raw[: end.end()] if end else raw)
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
        for name, value in msg.raw_items():
            headers.setdefault(str(name).lower(), []).append(_header_text(value))
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
        if not full.strip() and defects and _has_body(raw):
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
        auth_results=tuple(header_all("Authentication-Results")[:20]),
        from_problem=from_problem(header_all("From")),
        precedence=precedence,
        auto_response_suppress=header("X-Auto-Response-Suppress"),
    )
