"""Parsing: headers, charsets, HTML, and removal of quoted history in five languages."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from conftest import MESSAGES

from mailbot.parse import parse, strip_history


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
