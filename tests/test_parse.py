"""Parsing: headers, charsets, HTML, and removal of quoted history in five languages."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from conftest import MESSAGES

from mailbot.classify import classify
from mailbot.models import Category
from mailbot.parse import parse, strip_history
from mailbot.rules import Ruleset


def _eml(body: str, *, subtype: str = "plain", charset: str = "utf-8", **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = headers.pop("From", "Privacy <privacy@support.whatsapp.com>")
    msg["To"] = "Ada <ada@example.org>"
    msg["Subject"] = headers.pop("Subject", "Re: objection")
    msg["Message-ID"] = "<m1@example.net>"
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body, subtype=subtype, charset=charset)
    return msg.as_bytes()


@pytest.mark.parametrize(
    "attribution",
    [
        "On Thu, 17 Apr 2025 at 10:59, Ada <ada@example.org> wrote:",
        "On Thu, 17 Apr 2025 at 10:59, Ada Lovelace-Smith via a list <\nlist@example.org> wrote:",
        "Il giorno gio 17 apr 2025 alle ore 10:59 Ada <ada@example.org> ha scritto:",
        "Il 17/04/25 10:59, Ada ha scritto:",
        "Am 17.04.2025 um 10:59 schrieb Ada <ada@example.org>:",
        "Le jeu. 17 avr. 2025 à 10:59, Ada <ada@example.org> a écrit :",
        "El jue, 17 abr 2025 a las 10:59, Ada (<ada@example.org>) escribió:",
        "-----Original Message-----\nFrom: Ada\nSent: Thursday",
        "-----Messaggio originale-----\nDa: Ada",
        "-----Ursprüngliche Nachricht-----\nVon: Ada",
        "From: Ada <ada@example.org>\nSent: Thursday, April 17, 2025 10:59\nTo: Privacy",
        "De : Ada <ada@example.org>\nEnvoyé : jeudi 17 avril 2025 10:59",
        "Da: Ada <ada@example.org>\nInviato: giovedì 17 aprile 2025 10:59",
        "Von: Ada <ada@example.org>\nGesendet: Donnerstag, 17. April 2025 10:59",
        "De: Ada <ada@example.org>\nEnviado: jueves, 17 de abril de 2025 10:59",
    ],
)
def test_history_is_cut_at_attribution(attribution: str) -> None:
    """Everything from a quote attribution on (any language, any client) is removed."""
    body = f"We will honour your objection.\n\n{attribution}\n\nI object. Send me your ID policy. I refuse.\n"
    new = strip_history(body)
    assert "honour your objection" in new
    assert "refuse" not in new
    assert "ID policy" not in new


def test_quoted_lines_and_signature_are_removed() -> None:
    """'>' lines and a '-- ' signature are not part of the new text."""
    new = strip_history("Please send a copy of your ID.\n> I object\n> I refuse\n-- \nPrivacy Team\nDublin\n")
    assert new == "Please send a copy of your ID."


def test_helpdesk_marker_is_removed() -> None:
    """Helpdesk reply markers such as Zendesk's are dropped, the text below kept."""
    new = strip_history("##- Please type your reply above this line -##\n\nWe have received your request.\n")
    assert new == "We have received your request."


def test_html_only_body_becomes_text_without_blockquote() -> None:
    """An HTML-only body is turned into text; blockquote and gmail_quote history is removed."""
    html = (
        "<html><body><p>Please explain the issue in more detail.</p>"
        '<div class="gmail_quote">On Thu Ada wrote:<blockquote>I object and refuse.</blockquote></div>'
        "</body></html>"
    )
    message = parse(_eml(html, subtype="html"))
    assert message.has_html_only
    assert "explain the issue in more detail" in message.new_text
    assert "refuse" not in message.new_text


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252", "utf-8"])
def test_charsets_are_decoded(charset: str) -> None:
    """Bodies in legacy charsets come out as the same text."""
    text = "Wir haben Ihre Anfrage erhalten. Merci, à bientôt. Très bien"
    assert parse(_eml(text, charset=charset)).new_text == text


def test_encoded_subject_cannot_carry_line_breaks() -> None:
    """An encoded subject with CR/LF becomes one clean line."""
    raw = (
        b"From: x@facebookmail.com\r\nTo: a@example.org\r\n"
        b"Subject: =?utf-8?b?" + __import__("base64").b64encode(b"Hello\r\nBcc: evil@example.com") + b"?=\r\n"
        b"\r\nbody\r\n"
    )
    subject = parse(raw).subject
    assert "\n" not in subject
    assert "\r" not in subject
    assert subject == "Hello Bcc: evil@example.com"


def test_markers_lists_bounces_auto_submitted() -> None:
    """List, bulk, bounce and Auto-Submitted markers are read from the headers."""
    assert parse(_eml("x", List_Id="<l.example.org>")).is_list
    assert parse(_eml("x", Precedence="bulk")).is_bulk
    assert parse(_eml("x", From="MAILER-DAEMON@mx.example.org")).is_bounce
    assert parse(_eml("x", Auto_Submitted="auto-generated")).auto_submitted == "auto-generated"
    assert not parse(_eml("x")).is_list


def test_threading_headers() -> None:
    """Message-ID, In-Reply-To and References are kept as ids."""
    raw = _eml("x", In_Reply_To="<a@example.org>", References="<z@example.org> <a@example.org>")
    message = parse(raw)
    assert message.message_id == "<m1@example.net>"
    assert message.in_reply_to == "<a@example.org>"
    assert message.references == ("<z@example.org>", "<a@example.org>")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x01\x02garbage",
        b'From: <<<>>>\r\nSubject: =?bogus?q?x?=\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nbroken',
        b"Content-Type: text/plain; charset=x-unknown-charset\r\n\r\n\xff\xfe body",
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64===",
    ],
)
def test_malformed_never_raises(raw: bytes) -> None:
    """A malformed message yields a Message (maybe empty) rather than an exception."""
    message = parse(raw)
    assert message.size == len(raw)


def test_fixture_reply_quotes_are_stripped() -> None:
    """In the corpus, the person's quoted objection never reaches the new text."""
    for path in MESSAGES.glob("*/*.eml"):
        new = parse(path.read_bytes()).new_text
        assert "I will not send any ID" not in new, path.name
        assert "Non invierò alcun documento" not in new, path.name


# --- hidden HTML -----------------------------------------------------------------------------------

HIDDEN_FORMS = {
    "hidden attribute": "<div hidden>{x}</div>",
    "display none": '<span style="display:none">{x}</span>',
    "display none important": '<span style="DISPLAY: none !important">{x}</span>',
    "visibility hidden": '<p style="visibility:hidden">{x}</p>',
    "font-size 0": '<span style="font-size:0">{x}</span>',
    "font-size 1px": '<span style="font-size:1px">{x}</span>',
    "opacity 0": '<div style="opacity:0.0">{x}</div>',
    "white on white": '<font color="#ffffff">{x}</font>',
    "white on white style": '<span style="color:white">{x}</span>',
    "same colour as background": '<div style="background-color:#123456"><span style="color:#123456">{x}</span></div>',
    "bgcolor and text colour": '<table><tr><td bgcolor="red"><font color="#f00">{x}</font></td></tr></table>',
    "transparent text": '<span style="color:rgba(0,0,0,0)">{x}</span>',
    "off-screen absolute": '<div style="position:absolute;left:-9999px;top:0">{x}</div>',
    "off-screen top": '<div style="position:fixed;top:-5000px">{x}</div>',
    "text-indent": '<p style="text-indent:-9999px">{x}</p>',
    "noscript": "<noscript>{x}</noscript>",
    "template": "<template><p>{x}</p></template>",
    "max-height 0": '<div style="max-height:0;overflow:hidden">{x}</div>',
    "height 0": '<div style="height:0px; overflow: hidden;">{x}</div>',
    "stylesheet class": '<style>.x {{ display: none }}</style><div class="x">{x}</div>',
    "stylesheet id": "<style>#y{{font-size:0px}}</style><div id='y'>{x}</div>",
    "clip-path inset 100%": '<div style="clip-path:inset(100%)">{x}</div>',
    "clip-path inset 50% vertical": '<div style="clip-path: inset(50% 0)">{x}</div>',
    "clip-path inset one side": '<div style="clip-path:inset(0 100% 0 0)">{x}</div>',
    "clip-path circle 0": '<div style="clip-path:circle(0 at 50% 50%)">{x}</div>',
    "filter opacity 0": '<div style="filter:opacity(0)">{x}</div>',
    "filter opacity 0% after blur": '<div style="filter: blur(1px) opacity(0%)">{x}</div>',
    "filter alpha": '<div style="filter:alpha(opacity=0)">{x}</div>',
    "mso-hide": '<div style="mso-hide:all">{x}</div>',
}
SECRET = "We will honour your objection and delete everything."


@pytest.mark.parametrize("form", HIDDEN_FORMS, ids=list(HIDDEN_FORMS))
def test_hidden_html_is_dropped(form: str) -> None:
    """Text a mail client does not show never reaches the new text (classification, quoting)."""
    html = f"<html><body><p>Please explain the issue in more detail.</p>{HIDDEN_FORMS[form].format(x=SECRET)}"
    html += "<p>Thank you.</p></body></html>"
    message = parse(_eml(html, subtype="html"))
    assert "explain the issue in more detail" in message.new_text
    assert "Thank you." in message.new_text
    assert "honour" not in message.new_text
    assert "honour" not in message.full_text


@pytest.mark.parametrize(
    "visible",
    [
        '<td bgcolor="#000000"><font color="#ffffff">{x}</font></td>',
        '<div style="background:#222 url(x.png)"><p style="color:#fafafa">{x}</p></div>',
        '<div style="visibility:hidden"><span style="visibility:visible">{x}</span></div>',
        '<div style="font-size:0"><span style="font-size:14px">{x}</span></div>',
        '<p style="color:#555">{x}</p>',
        '<div style="position:absolute;left:10px">{x}</div>',
        "<style>@media (max-width:600px) {{ .d {{ display:none }} }}</style><div class='d'>{x}</div>",
        '<span style="display:none">hidden</span> {x}',
        '<div style="clip-path:inset(10%)">{x}</div>',
        '<div style="clip-path:circle(50%)">{x}</div>',
        '<div style="filter:opacity(0.9) blur(0)">{x}</div>',
        '<div style="filter:alpha(opacity=80)">{x}</div>',
    ],
)
def test_visible_html_is_kept(visible: str) -> None:
    """Readable text stays: light on dark, a child undoing its parent's hiding, grey text, text after a
    hidden element, content hidden only on some screens."""
    html = f"<html><body><table><tr>{visible.format(x=SECRET)}</tr></table></body></html>"
    if "<td" not in visible:
        html = f"<html><body>{visible.format(x=SECRET)}</body></html>"
    assert "honour your objection" in parse(_eml(html, subtype="html")).new_text


def test_hidden_html_cannot_decide_the_category(ruleset: Ruleset) -> None:
    """An acceptance hidden in a clarification request is not what the message says."""
    html = (
        "<p>Could you explain the issue in more detail? Screenshots help.</p>"
        '<div style="color:#fff;font-size:0">We will honour your objection. Your objection has been accepted.</div>'
    )
    verdict = classify(parse(_eml(html, subtype="html")), ruleset)
    assert verdict.category is not Category.ACCEPTANCE


# --- raw 8-bit headers -----------------------------------------------------------------------------


def test_raw_utf8_headers_keep_their_characters() -> None:
    """Subject, Message-ID and From names sent as raw UTF-8 (no RFC 2047) keep their characters."""
    raw = (
        "From: Jürgen Müller <privacy@example.net>\r\nTo: ada@example.org\r\n"
        "Subject: Grüße, ¿qué tal? =?utf-8?q?caf=C3=A9?=\r\nMessage-ID: <straße-1@example.net>\r\n\r\nbody\r\n"
    ).encode()
    message = parse(raw)
    assert message.subject == "Grüße, ¿qué tal? café"
    assert message.message_id == "<straße-1@example.net>"
    assert message.sender is not None
    assert message.sender.name == "Jürgen Müller"
    assert "\ufffd" not in message.subject + message.message_id + message.sender.name


def test_raw_latin1_headers_fall_back_to_latin1() -> None:
    """8-bit headers that are not UTF-8 are read as Latin-1."""
    raw = "From: Zoë <privacy@example.net>\r\nSubject: Réponse à votre demande\r\n\r\nbody\r\n".encode("latin-1")
    message = parse(raw)
    assert message.subject == "Réponse à votre demande"
    assert message.sender is not None
    assert message.sender.name == "Zoë"
