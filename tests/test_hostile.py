"""Hostile and broken input: nothing a stranger writes can crash mailbot, inject a header or run a template."""

from __future__ import annotations

import base64
import email
import email.policy
import tracemalloc
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import FIXTURES, MESSAGES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailbot.checks import SAMPLE_IDENTITY
from mailbot.classify import classify, find_ticket
from mailbot.compose import compose
from mailbot.decide import Policy, decide, reply_address, valid_address
from mailbot.errors import StateError, TemplateError
from mailbot.models import Action, ActionKind, Category
from mailbot.parse import MAX_HEADER, parse
from mailbot.rules import Ruleset, bundled_rules
from mailbot.store import Store

CPYTHON = sorted((FIXTURES / "cpython_email").glob("msg_*.txt"))
NOW = datetime(2025, 5, 1, tzinfo=UTC)
FORCED = Action(ActionKind.REPLY, "forced for the test", template="rejection.en", language="en")


def through_pipeline(raw: bytes, ruleset: Ruleset) -> bytes:
    """parse → classify → decide → compose (a reply is composed even when decide says no).

    Returns the reply, or b"" when compose refused (only for a sender with no valid address,
    which decide also holds back).
    """
    message = parse(raw)
    verdict = classify(message, ruleset)
    action = decide(message, verdict, ruleset, Policy())
    try:
        reply = compose(FORCED, message, verdict, SAMPLE_IDENTITY, ruleset.platform("meta"), now=NOW)
    except TemplateError:
        assert not valid_address(reply_address(message))
        assert action.kind is not ActionKind.REPLY
        return b""
    parsed = email.message_from_bytes(reply.raw, policy=email.policy.strict)
    for name in ("From", "To", "Subject", "Message-ID", "Date"):
        assert len(parsed.get_all(name) or []) <= 1, name
    assert parsed["Bcc"] is None
    return reply.raw


def test_cpython_corpus_is_complete() -> None:
    """All of CPython's msg_*.txt test messages are here (with their licence)."""
    assert len(CPYTHON) >= 45
    assert (FIXTURES / "cpython_email" / "PSF-LICENSE.txt").exists()


@pytest.mark.parametrize("path", CPYTHON, ids=lambda p: p.name)
def test_cpython_email_corpus_never_breaks_the_pipeline(path: Path, ruleset: Ruleset) -> None:
    """Every message of CPython's email test corpus goes through parse → classify → compose."""
    through_pipeline(path.read_bytes(), ruleset)


# --- generated MIME trees ------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)  # any character, surrogates excepted
FILENAME = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
CHARSET = st.sampled_from(["utf-8", "iso-8859-1", "windows-1252", "koi8-r", "utf-16"])


@st.composite
def mime_tree(draw: st.DrawFn, depth: int = 0) -> EmailMessage:
    """A random MIME tree: text/plain, text/html, attachments, multipart containers."""
    kind = draw(st.sampled_from(["plain", "html", "attachment", "multi"] if depth < 4 else ["plain", "html"]))
    msg = EmailMessage()
    if kind == "multi":
        msg.make_mixed() if draw(st.booleans()) else msg.make_alternative()
        for _ in range(draw(st.integers(0, 3))):
            msg.attach(draw(mime_tree(depth + 1)))
        return msg
    if kind == "attachment":
        msg.set_content(
            draw(st.binary(max_size=500)),
            maintype="application",
            subtype="octet-stream",
            filename=draw(FILENAME) or "x.bin",
        )
        return msg
    text = draw(TEXT)
    charset = draw(CHARSET)
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    body = f"<p>{text}</p>" if kind == "html" else text
    msg.set_content(body, subtype=kind, charset=charset, cte=draw(st.sampled_from(["base64", "quoted-printable"])))
    return msg


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["nul", "bare-cr", "truncate", "drop-boundary", "charset", "garbage-header", "b64"]),
        st.floats(0, 1),
    ),
    max_size=4,
)


def mutate(raw: bytes, mutations: list[tuple[str, float]]) -> bytes:
    """Damage a message the ways real mail is damaged."""
    for kind, where in mutations:
        at = int(len(raw) * where)
        if kind == "nul":
            raw = raw[:at] + b"\x00" + raw[at:]
        elif kind == "bare-cr":
            raw = raw[:at] + b"\r" + raw[at:]
        elif kind == "truncate":
            raw = raw[: max(at, 1)]
        elif kind == "drop-boundary":
            raw = raw.replace(b"--=====", b"--xxxx", 1)
        elif kind == "charset":
            raw = raw.replace(b'charset="utf-8"', b'charset="x-no-such-charset"')
        elif kind == "garbage-header":
            raw = b"Subject: =?utf-8?b?!!!?= =?bogus?q?=ZZ?=\r\nFrom: <<<@@@>>>\r\n" + raw
        elif kind == "b64":
            raw = raw.replace(b"base64\n\n", b"base64\n\n!!notb64", 1)
    return raw


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(tree=mime_tree(), subject=TEXT, sender=TEXT, mutations=MUTATIONS)
def test_random_mime_trees_never_break_the_pipeline(
    tree: EmailMessage, subject: str, sender: str, mutations: list[tuple[str, float]]
) -> None:
    """Random MIME trees with broken headers, boundaries, charsets, NULs, bare CRs and truncated
    base64 go through parse → classify → compose without an exception."""
    ruleset = bundled_rules()
    header = f"From: {sender} <x@facebookmail.com>\nSubject: {subject}\nMessage-ID: <r@x>\n".encode(
        "utf-8", "surrogateescape"
    )
    raw = header + tree.as_bytes(policy=email.policy.compat32)
    through_pipeline(mutate(raw, mutations), ruleset)


# --- extremes --------------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_sixty_levels_of_nesting(ruleset: Ruleset) -> None:
    """A 60-level deep multipart still yields its text."""
    inner = EmailMessage()
    inner.set_content("Please send a copy of your passport.")
    for _ in range(60):
        outer = EmailMessage()
        outer.make_mixed()
        outer.attach(inner)
        inner = outer
    inner["From"] = "Privacy <privacy@facebookmail.com>"
    inner["Subject"] = "deep"
    raw = inner.as_bytes()
    assert "passport" in parse(raw).new_text
    through_pipeline(raw, ruleset)


@pytest.mark.timeout(60)
def test_two_megabyte_header_lines(ruleset: Ruleset) -> None:
    """2 MB header lines are cut, not choked on."""
    huge = "A" * 2_000_000
    raw = (
        f"From: {huge} <privacy@facebookmail.com>\r\nSubject: {huge}\r\nReferences: <{huge}@x>\r\n"
        f"X-Junk: {huge}\r\n\r\nPlease send a copy of your passport.\r\n"
    ).encode()
    message = parse(raw)
    assert len(message.subject) <= MAX_HEADER
    assert message.new_text == "Please send a copy of your passport."
    through_pipeline(raw, ruleset)


@pytest.mark.timeout(120)
def test_twenty_megabyte_attachment_in_bounded_memory(ruleset: Ruleset) -> None:
    """A 20 MB attachment is skipped, not decoded: the text is found and memory stays bounded."""
    msg = EmailMessage()
    msg["From"] = "Privacy <privacy@facebookmail.com>"
    msg["Subject"] = "Your objection"
    msg.set_content("We are unable to action your objection.")
    msg.add_attachment(b"\x00" * 20_000_000, maintype="application", subtype="octet-stream", filename="x.bin")
    raw = msg.as_bytes()
    tracemalloc.start()
    try:
        message = parse(raw)
        verdict = classify(message, ruleset)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert verdict.category == Category.REJECTION
    assert peak < 150_000_000, f"peak {peak / 1e6:.0f} MB for a {len(raw) / 1e6:.0f} MB message"
    # Beyond the size cap the message is flagged for a human, not answered and not dropped.
    assert message.truncated
    assert decide(message, verdict, ruleset, Policy()).kind is ActionKind.HOLD


@pytest.mark.timeout(60)
def test_hundred_kilobyte_lines_in_body(ruleset: Ruleset) -> None:
    """100 KB lines (and a megabyte of them) in the body are handled."""
    line = "x" * 100_000
    raw = f"From: p@facebookmail.com\r\nSubject: s\r\n\r\nWe will honour your objection.\r\n{line}\r\n".encode()
    raw += (line + "\r\n").encode() * 10
    assert classify(parse(raw), ruleset).category == Category.ACCEPTANCE
    through_pipeline(raw, ruleset)


# --- injection -------------------------------------------------------------------------------------

NASTY = st.lists(
    st.sampled_from(
        [
            "\r\n",
            "\n",
            "\r",
            "Bcc: victim@example.com",
            "{{ 7*7 }}",
            "{% raw %}",
            "{{ config }}",
            "\u202e",
            "\u200b",
            "\ufeff",
            "=?utf-8?q?=0D=0ABcc:_x@example.com?=",
            "é",
            "\x00",
            ":",
            "<",
            ">",
            '"',
            "x",
        ]
    ),
    max_size=12,
).map("".join)


@settings()
@given(subject=NASTY, name=NASTY, body=NASTY)
def test_crafted_subjects_names_and_bodies_cannot_inject(subject: str, name: str, body: str) -> None:
    """CR/LF (raw or in encoded words), template syntax, bidi and zero-width characters in subjects,
    display names and bodies never add a header, never evaluate, never break the reply."""
    ruleset = bundled_rules()
    enc_subject = "=?utf-8?b?" + base64.b64encode(subject.encode()).decode() + "?="
    enc_name = "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="
    raw = (
        f"From: {enc_name} <privacy@facebookmail.com>\r\nSubject: {enc_subject}\r\nMessage-ID: <n@x>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\nWe are unable to action your objection. {body}\r\n"
    ).encode("utf-8", "replace")
    reply = through_pipeline(raw, ruleset)
    assert reply, "a valid platform address must get a reply"
    parsed = email.message_from_bytes(reply, policy=email.policy.strict)
    assert "\n" not in str(parsed["Subject"]) and "\r" not in str(parsed["Subject"])  # noqa: PT018
    head = reply.split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc:" not in head
    assert "49" not in parsed.get_content().split("\n> ")[0].replace("2025", "")


@pytest.mark.parametrize(
    "sender",
    [
        "privacy@support.whatsapp.com.evil.example",
        "privacy@whatsapp-com.example",
        "privacy@facebookmail.com.example.net",
        "privacy@xn--whtsapp-9za.com",
        "privacy@whаtsapp.com",  # Cyrillic a
        "privacy@whats\u200bapp.com",
        "privacy@notwhatsapp.com",
    ],
)
def test_lookalike_domains_are_never_the_platform(sender: str, ruleset: Ruleset) -> None:
    """Look-alike domains are not the platform and get no reply."""
    raw = (MESSAGES / "request_info/whatsapp-template-en.eml").read_bytes()
    raw = raw.replace(b"noreply@support.whatsapp.com", sender.encode(), 1)
    message = parse(raw)
    verdict = classify(message, ruleset)
    assert verdict.platform == "none"
    assert decide(message, verdict, ruleset, Policy()).kind is not ActionKind.REPLY


# --- ticket and reference numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "body", "ticket"),
    [
        ("Re: objection [ref:https://evil.example/verify?u=ada]", "", ""),
        ("[ref:evil.example/verify]", "", ""),
        ("Re: objection", "Your case number is https://evil.example/x?id=12345.", ""),
        ("Re: objection", "Ticket: <script>alert(1)</script>", ""),
        ("Re: objection", "Reference: 12345678901234567890123456789012345678901", ""),  # 41 characters
        ("Re: objection", "Ticket #ABCDEF", ""),  # no digit
        ("Re: objection", "Ticket #ab", ""),
        ("Re: objection [#ABC-12345]", "", "ABC-12345"),
        ("[ref:00D1234]", "", "00D1234"),
        ("Re: objection", "Your case number is 1234-5678.", "1234-5678"),
        ("Re: objection", "Ticket#12345678, thanks", "12345678"),
        ("Re: objection", "pratica n. 98765", "98765"),
        ("Re: objection", "Ihre Fall-Nr.: 20250417-001", "20250417-001"),
        ("Re: [ref:https://evil.example/]", "Ticket: ZX-2025-77", "ZX-2025-77"),
    ],
)
def test_tickets_are_plain_ids_only(subject: str, body: str, ticket: str) -> None:
    """Ticket and reference numbers are letters, digits and dashes (3-40, with a digit); nothing
    URL-like or markup-like is taken from a stranger's mail."""
    assert find_ticket(subject, body) == ticket


def test_url_in_ref_tag_never_reaches_the_reply(ruleset: Ruleset) -> None:
    """A subject tag carrying a URL gives no ticket, and the URL is not in the reply's new text."""
    url = "https://evil.example/verify?u=ada"
    raw = (MESSAGES / "request_info/whatsapp-template-en.eml").read_bytes()
    raw = raw.replace(b"Subject: ", f"Subject: [ref:{url}] ".encode(), 1)
    message = parse(raw)
    verdict = classify(message, ruleset)
    assert verdict.ticket == ""
    reply = compose(FORCED, message, verdict, SAMPLE_IDENTITY, ruleset.platform("whatsapp"), now=NOW)
    body = email.message_from_bytes(reply.raw, policy=email.policy.default).get_body()
    assert body is not None
    text = body.get_content()
    assert f"ref. {url}" not in text and f"({url}" not in text  # noqa: PT018


# --- the state path ------------------------------------------------------------------------------


def test_symlinked_state_file_is_refused(tmp_path: Path) -> None:
    """A state path that is a symbolic link is refused with one line; the target is not touched."""
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    target.chmod(0o644)
    link = tmp_path / "state.sqlite3"
    link.symlink_to(target)
    with pytest.raises(StateError, match="symbolic link") as info:
        Store(link)
    assert "\n" not in str(info.value)
    assert target.read_text() == "keep me"
    assert target.stat().st_mode & 0o777 == 0o644
    dangling = tmp_path / "dangling.sqlite3"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(StateError, match="symbolic link"):
        Store(dangling)
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_symlinked_wal_or_shm_is_refused(tmp_path: Path, suffix: str) -> None:
    """SQLite's WAL and SHM files beside the state must not be links either."""
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / f"state.sqlite3{suffix}").symlink_to(target)
    with pytest.raises(StateError, match="symbolic link"):
        Store(tmp_path / "state.sqlite3")
    assert target.read_text() == "keep me"


def test_state_in_a_linked_folder_works(tmp_path: Path) -> None:
    """A folder on the way that is a link (a moved home directory) is fine; the file is private."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real)
    store = Store(tmp_path / "linked" / "state.sqlite3")
    store.close()
    assert (real / "state.sqlite3").stat().st_mode & 0o777 == 0o600


# --- what the SMTP server learns -----------------------------------------------------------------


@pytest.mark.integration
def test_ehlo_names_the_sender_domain_not_the_machine() -> None:
    """EHLO carries the sender's domain (or localhost), never this machine's hostname."""
    import socket

    from aiosmtpd.controller import Controller
    from servers import free_port

    from mailbot.config import ServerSettings
    from mailbot.smtp import ehlo_name, send

    greetings: list[str] = []

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            greetings.append(str(getattr(session, "host_name", "")))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        raw = b"From: ada@example.org\r\nTo: privacy@example.net\r\nSubject: x\r\n\r\nbody\r\n"
        server = ServerSettings(host="127.0.0.1", port=port, security="none", timeout=10)
        send(raw, "privacy@example.net", server, sender="ada@example.org", attempts=1)
    finally:
        controller.stop()
    assert greetings == ["example.org"]
    assert socket.gethostname() not in greetings
    assert socket.getfqdn() not in greetings
    assert ehlo_name("bogus") == "localhost"
    assert ehlo_name("x@[127.0.0.1]") == "localhost"
