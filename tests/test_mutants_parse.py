"""parse.py field by field: every header it reads, every body path, and each cut at its exact size."""

from __future__ import annotations

from typing import Any

import pytest

from mailbot import parse as parse_module
from mailbot.models import Address
from mailbot.parse import MAX_PARTS, count_parts, decode_header_value, html_to_text, parse, strip_history

HEAD = "From: Privacy <privacy@example.org>\r\nSubject: Your objection\r\n"


def _mail(headers: str = "", body: str = "Hello.\r\n", content_type: str = "text/plain; charset=utf-8") -> bytes:
    return f"{HEAD}{headers}Content-Type: {content_type}\r\n\r\n{body}".encode()


def test_every_header_field() -> None:
    auth = "".join(f"Authentication-Results: mx{i}.example.net; none\r\n" for i in range(21))
    message = parse(
        _mail(
            "To: Ada\r\n Lovelace <ada@example.org>, b@example.org\r\n"
            "Cc: c@example.org\r\nReply-To: privacy-team@example.org\r\n"
            "Date: Mon, 14 Apr 2025 10:00:00 +0000\r\nMessage-ID: <m1@example.org>\r\n"
            "In-Reply-To: <m0@example.org>\r\nReferences: <a@example.org>\r\n <m0@example.org>\r\n"
            "List-Post: <mailto:list@example.org>\r\nPrecedence: Junk\r\nAuto-Submitted: auto-replied\r\n"
            "X-Auto-Response-Suppress: All\r\nReturn-Path: <>\r\n" + auth,
            "Line one\r\n\r\n\r\n\r\nLine two\r\n",
        )
    )
    assert message.sender == Address("Privacy", "privacy@example.org")
    assert message.to == (Address("Ada Lovelace", "ada@example.org"), Address("", "b@example.org"))
    assert message.cc == (Address("", "c@example.org"),)
    assert message.reply_to == (Address("", "privacy-team@example.org"),)
    assert message.date == "Mon, 14 Apr 2025 10:00:00 +0000"
    assert (message.message_id, message.in_reply_to) == ("<m1@example.org>", "<m0@example.org>")
    assert message.references == ("<a@example.org>", "<m0@example.org>")
    assert (message.is_list, message.is_bulk, message.is_bounce) == (True, True, True)
    assert (message.precedence, message.auto_submitted, message.auto_response_suppress) == (
        "junk",
        "auto-replied",
        "All",
    )
    assert len(message.auth_results) == 20
    assert message.auth_results[0] == "mx0.example.net; none"
    assert message.full_text == "Line one\n\n\n\nLine two\n"
    assert message.new_text == "Line one\n\nLine two"
    assert message.defects == ()
    assert message.from_problem == ""


def test_absent_headers_are_empty() -> None:
    message = parse(_mail())
    assert (message.message_id, message.in_reply_to, message.date, message.auto_submitted) == ("", "", "", "")
    assert message.to == message.cc == message.reply_to == ()
    assert (message.is_list, message.is_bulk, message.is_bounce, message.has_html_only) == (False, False, False, False)


@pytest.mark.parametrize(
    ("headers", "is_list", "is_bulk"),
    [
        ("List-Id: <news.example.org>\r\n", True, False),
        ("Precedence: list\r\n", False, True),
        ("Precedence: bulk\r\n", False, True),
        ("Precedence: first-class\r\n", False, False),
        ("List-Unsubscribe: <mailto:u@example.org>\r\n", False, True),
    ],
)
def test_list_and_bulk_markers(headers: str, is_list: bool, is_bulk: bool) -> None:
    message = parse(_mail(headers))
    assert (message.is_list, message.is_bulk) == (is_list, is_bulk)


def test_bounces() -> None:
    assert parse(_mail(content_type="multipart/report; report-type=delivery-status; boundary=b")).is_bounce
    report = b"Subject: Undeliverable: your objection\r\nContent-Type: text/plain\r\n\r\nx\r\n"
    assert parse(report).is_bounce  # no sender and a bounce subject
    assert not parse(b"From: privacy@example.org\r\nSubject: Undeliverable mail is a topic\r\n\r\nx\r\n").is_bounce
    assert not parse(b"Subject: hello\r\n\r\nx\r\n").is_bounce  # no sender alone is no bounce
    assert parse(b"From: MAILER-DAEMON@example.net\r\nSubject: x\r\n\r\nx\r\n").is_bounce
    assert not parse(_mail("Return-Path: <privacy@example.org>\r\n")).is_bounce


def test_many_recipients_headers_are_read_up_to_fifty() -> None:
    to = "".join(f"To: r{i}@example.org\r\n" for i in range(51))
    assert len(parse(_mail(to)).to) == 50


def test_an_invisible_character_in_an_address_stays_visible() -> None:
    message = parse(_mail("To: b@whats\u200bapp.com\r\n"))
    assert message.to == (Address("", "b@whats\ufffdapp.com"),)


MULTI = (
    'multipart/mixed; boundary="b"',
    "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nFirst part.\r\n"
    "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\n"
    "Attached text.\r\n"
    "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSecond part.\r\n--b--\r\n",
)


def test_inline_text_parts_are_joined_and_attachments_skipped() -> None:
    message = parse(_mail(body=MULTI[1], content_type=MULTI[0]))
    assert message.new_text == "First part."
    assert message.full_text == "First part.\nSecond part."
    assert message.defects == ()
    assert not message.has_html_only


def test_html_only_message() -> None:
    body = (
        "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>First <b>html</b></p>\r\n"
        "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Second html</p>\r\n--b--\r\n"
    )
    message = parse(_mail(body=body, content_type='multipart/alternative; boundary="b"'))
    assert message.has_html_only
    assert message.new_text == "First html"
    assert message.defects == ()


def test_no_text_part() -> None:
    body = "--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n--b--\r\n"
    message = parse(_mail(body=body, content_type='multipart/mixed; boundary="b"'))
    assert (message.new_text, message.full_text, message.has_html_only, message.defects) == ("", "", False, ())


@pytest.mark.parametrize(
    ("content_type", "payload", "text"),
    [
        ("text/plain; charset=utf-8", "café \u20ac".encode(), "café \u20ac"),
        ("text/plain", "café".encode(), "café"),  # no charset: UTF-8
        ("text/plain; charset=iso-8859-1", b"caf\xe9", "café"),
        ("text/plain; charset=us-ascii", "café".encode(), "caf\ufffd\ufffd"),
        ("text/plain; charset=x-made-up", "café".encode() + b"\xff", "café\ufffd"),
        ("text/plain; charset=utf-8", b"caf\xff", "caf\ufffd"),
    ],
)
def test_body_charsets(content_type: str, payload: bytes, text: str) -> None:
    raw = f"{HEAD}Content-Type: {content_type}\r\n\r\n".encode() + payload
    message = parse(raw)
    assert message.full_text == text
    assert message.defects == ()


def test_a_text_part_is_read_up_to_four_times_the_text_cap() -> None:
    message = parse(_mail(body="a" * (parse_module.MAX_TEXT * 4 + 100)))
    assert len(message.full_text) == parse_module.MAX_TEXT * 4


def test_a_large_html_part_is_read() -> None:
    body = "<p>" + "x " * 150_000 + "</p><p>the end</p>"
    assert "the end" in parse(_mail(body=body, content_type="text/html")).full_text


def test_defects_are_recorded_by_name() -> None:
    raw = (
        HEAD.encode() + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nHi'
    )
    message = parse(raw)
    assert "CloseBoundaryNotFoundDefect" in message.defects
    assert message.full_text.startswith("Hi")


@pytest.mark.parametrize("extra", [0, 1])
def test_truncation_only_beyond_the_limit(extra: int) -> None:
    raw = _mail()
    message = parse(raw + b"x" * extra, max_bytes=len(raw))
    assert message.truncated is bool(extra)
    size = len(raw) + extra
    assert message.defects == ((f"truncated: {size} bytes, only the first {len(raw)} parsed",) if extra else ())


def _parts(count: int) -> bytes:
    return (
        HEAD.encode()
        + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        + b"--b\r\n\r\nx\r\n" * count
        + b"--b--\r\n"
    )


def test_exactly_the_part_cap_is_read() -> None:
    assert count_parts(_parts(MAX_PARTS - 1)) == MAX_PARTS  # the closing delimiter counts
    message = parse(_parts(MAX_PARTS - 1))
    assert not message.truncated
    assert parse(_parts(MAX_PARTS)).truncated


def test_headers_only() -> None:
    message = parse(_mail("Message-ID: <m1@example.org>\r\n"), headers_only=True)
    assert (message.message_id, message.new_text, message.full_text) == ("<m1@example.org>", "", "")
    assert not message.has_html_only
    no_body = parse(b"From: a@example.org\r\nSubject: only headers", headers_only=True)
    assert no_body.subject == "only headers"
    assert no_body.defects == ()


@pytest.mark.parametrize(
    ("raw", "cap", "count"),
    [
        (b"boundary=a; boundary=b; boundary=c", 10, 3),
        (b"boundary=a; boundary=b; boundary=c", 3, 3),
        (b"boundary=a; boundary=b; boundary=c; boundary=d", 3, 4),
        (b"Content-Type: text/plain\r\nContent-Type: text/plain\r\n  content-type: text/html\r\n", 10, 3),
        (b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\nx\r\n--b \t\r\n\r\ny\r\n--b--\r\n', 10, 3),
        (b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\nx\r\n--other\r\n--b--\r\n', 10, 2),
        (b"Content-Type: a\r\n" * 5, 3, 4),  # counting stops past the cap
        (b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--bX\r\n--b\x0c\r\n--b\r\n--b--\r\n', 10, 2),
    ],
)
def test_count_parts(raw: bytes, cap: int, count: int) -> None:
    assert count_parts(raw, cap) == count


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("Hello\r\nBye", "Hello\nBye"),
        ("Hello\r> quoted\rBye", "Hello\nBye"),
        ("One\n\n\n\nTwo", "One\n\nTwo"),
        ("Thanks.\n> quoted without attribution\n>> deeper\n   > indented\nRegards", "Thanks.\nRegards"),
    ],
)
def test_strip_history_line_endings_and_quotes(text: str, new: str) -> None:
    assert strip_history(text) == new


def test_html_to_text() -> None:
    assert html_to_text("  ") == ""
    assert html_to_text("<!-- c -->") == " "  # lxml finds no document: tags become spaces
    assert html_to_text("<p>New</p><blockquote>old quoted</blockquote>").strip() == "New"


def test_decode_header_value() -> None:
    assert decode_header_value(None) == ""
    assert decode_header_value("=?utf-8?q?caf=C3=A9?= ok") == "café ok"


def test_mime_headers_keep_only_content_headers() -> None:
    raw = (
        b" stray continuation\r\nReceived: from a\r\n by b\r\n"
        b"Content-Type: text/plain;\r\n\tcharset=utf-8;\r\n format=flowed\r\n"
        b"From: x@example.org\r\nMIME-Version: 1.0\r\n\r\nContent-Type: text/html\r\n"
    )
    assert (
        parse_module._mime_headers(raw)
        == b"Content-Type: text/plain;\r\n\tcharset=utf-8;\r\n format=flowed\r\nMIME-Version: 1.0"
    )
    many = b"X-A: 1\r\n" * 1000 + b"Content-Type: text/plain\r\n\r\n"
    assert parse_module._mime_headers(many) == b""


def test_recovery_reads_what_mail_parser_finds() -> None:
    recover = parse_module._recover_with_mailparser
    defects: list[str] = []
    assert recover(_mail(body="Recovered text.\r\n"), defects) == ("Recovered text.\r\n", "Recovered text.\r\n", False)
    two = recover(_mail(body=MULTI[1], content_type=MULTI[0]), defects)
    assert two == ("First part.", "First part.\nSecond part.", False)
    html = recover(_mail(body="<p>Only html</p>", content_type="text/html"), defects)
    assert html[2] is True
    assert html[0].strip() == "Only html"
    image = "--b\r\nContent-Type: image/png\r\n\r\nxx\r\n--b--\r\n"
    assert recover(_mail(body=image, content_type='multipart/mixed; boundary="b"'), defects) == ("", "", False)
    assert not recover(b"Subject: no body at all", defects)[1].strip()
    assert defects == []


def test_has_body() -> None:
    assert parse_module._has_body(b"Subject: x\r\n\r\nHi")
    assert not parse_module._has_body(b"Subject: x\r\n\r\n  \r\n")
    assert not parse_module._has_body(b"Subject: x")


def test_a_message_of_headers_only_has_no_text() -> None:
    message = parse(b"From: privacy@example.org\r\nSubject: only headers")
    assert (message.new_text, message.full_text, message.defects) == ("", "", ())


def _raises(*_: object, **__: object) -> object:
    raise ValueError("broken")


def test_mail_parser_failing_is_a_defect_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import mailparser  # imported by parse only when needed (broken MIME)

    monkeypatch.setattr(mailparser, "parse_from_bytes", _raises)
    defects: list[str] = []
    assert parse_module._recover_with_mailparser(_mail(), defects) == ("", "", False)
    assert defects == ["mail-parser failed: ValueError"]
    broken = HEAD.encode() + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\nno delimiter at all\r\n'
    assert parse(broken).defects[-1] == "mail-parser failed: ValueError"


def test_a_parser_failure_leaves_an_empty_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "_parse_in_chunks", _raises)
    message = parse(_mail())
    assert message.defects == ("parser failed: ValueError",)
    assert message.sender is None
    assert message.full_text == "Hello.\n"  # mail-parser's second chance read the body


def test_unreadable_headers_are_missing_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unreadable(parse_module.EmailMessage):
        def raw_items(self) -> Any:
            raise ValueError("unreadable")

    monkeypatch.setattr(parse_module, "_parse_in_chunks", lambda _: Unreadable())
    message = parse(_mail())
    assert message.defects[0] == "unreadable headers"
    assert message.subject == ""


def test_an_unreadable_body_is_a_defect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "_body_texts", _raises)
    message = parse(_mail())
    assert message.defects[0] == "body unreadable: ValueError"
    assert message.subject == "Your objection"


def test_a_message_larger_than_one_parser_chunk_is_read_byte_for_byte() -> None:
    body = "".join(f"line {i:06d}\n" for i in range(8_000))  # 96 KB: the parser is fed 64 KB at a time
    assert parse(_mail(body=body)).full_text == body
