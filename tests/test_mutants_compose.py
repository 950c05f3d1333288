"""compose, piece by piece: the headers written, the dates and authority named, the quote, format=flowed."""

from __future__ import annotations

import email
import email.header
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mailbot.compose import (
    ReplyOptions,
    compose,
    flowed,
    format_date,
    identifier_placeholder,
    italian_article,
    lcfirst,
    lead_authority,
    render,
    reply_message_id,
    reply_subject,
    template_context,
    template_for,
    unflow,
)
from mailbot.errors import TemplateError
from mailbot.models import Action, ActionKind, CaseInfo, Category, Identity, Message, Reply, RequestType, Verdict
from mailbot.parse import parse
from mailbot.rules import Platform, Ruleset

NOW = datetime(2025, 4, 20, 12, 0, tzinfo=UTC)
ADA = Identity("Ada Lovelace", "ada@example.org")
BANK = "privacy@examplebank.example"
# Every variable the templates get that compose fills in, one per line.
PROBE = (
    "platform={{ platform_name }}\nauthority={{ authority }}\nname={{ authority_name }}\n"
    "request_date={{ request_date }}\ndue={{ due }}\nfirst_due={{ first_due }}\nreceived={{ received }}\n"
    "reply_by={{ reply_by }}\n"
)


def _mail(
    *,
    sender: str = f"Privacy Team <{BANK}>",
    msgid: str = "<m1@examplebank.example>",
    when: str = "Mon, 14 Apr 2025 10:00:00 +0000",
    subject: str = "Your request",
    body: str = "Line one\nLine two",
    extra: str = "",
) -> Message:
    head = "".join(f"{k}: {v}\r\n" for k, v in (("From", sender), ("Message-ID", msgid), ("Date", when)) if v)
    raw = f"{head}To: ada@example.org\r\nSubject: {subject}\r\n{extra}\r\n{body}\r\n"
    return parse(raw.encode())


@pytest.fixture
def probes(tmp_path: Path) -> Path:
    """A templates folder whose templates print the variables compose fills in."""
    for lang in ("en", "de", "nl"):
        (tmp_path / f"probe.{lang}.txt.j2").write_text(PROBE, encoding="utf-8")
    (tmp_path / "blank.en.txt.j2").write_text("\nA\n\n\n\nB\n\n\n", encoding="utf-8")
    (tmp_path / "undefined.en.txt.j2").write_text("{{ nope }}", encoding="utf-8")
    return tmp_path


def _compose(
    probes: Path,
    lang: str = "en",
    *,
    message: Message | None = None,
    platform: Platform | None = None,
    identity: Identity = ADA,
    **kw: object,
) -> Reply:
    action = Action(ActionKind.REPLY, "test", template=f"probe.{lang}", language=lang, to=str(kw.pop("to", "")))
    verdict = Verdict(Category.REQUEST_INFO, "facebook", lang, 0.9, "asks-which-processing")
    return compose(
        action,
        message or _mail(),
        verdict,
        identity,
        platform,
        now=NOW,
        templates=probes,
        **kw,  # type: ignore[arg-type]
    )


def _body(reply: Reply) -> str:
    payload = email.message_from_bytes(reply.raw).get_payload(decode=True)
    assert isinstance(payload, bytes)
    return unflow(payload.decode("utf-8"))


def _lines(reply: Reply) -> dict[str, str]:
    return dict(line.split("=", 1) for line in _body(reply).split("\n") if "=" in line and " " not in line[:3])


def _headers(reply: Reply) -> list[str]:
    return reply.raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")


# --- the variables the reply is written with ---------------------------------------------------


def test_compose_fills_in_platform_authority_and_dates(probes: Path, ruleset: Ruleset) -> None:
    """The platform's name and lead authority, the request's date and deadline, 14 days from now to confirm."""
    reply = _compose(probes, platform=ruleset.platform("facebook"), request_date=date(2025, 4, 10))
    assert _lines(reply) == {
        "platform": "Meta Platforms Ireland Limited (Facebook)",
        "authority": "with the Data Protection Commission in Ireland",
        "name": "Data Protection Commission",
        "request_date": "10 April 2025",
        "due": "10 May 2025",
        "first_due": "10 May 2025",
        "received": "14 April 2025",
        "reply_by": "4 May 2025",
    }


def test_compose_takes_a_due_date_known_better(probes: Path) -> None:
    """A due date given (an extension) is the deadline; the first month still counts from the request."""
    lines = _lines(_compose(probes, request_date=date(2025, 4, 10), due=date(2025, 7, 10)))
    assert (lines["due"], lines["first_due"]) == ("10 July 2025", "10 May 2025")


def test_compose_writes_dates_and_quote_in_the_reply_language(probes: Path, ruleset: Ruleset) -> None:
    """A German reply has German dates, the German authority phrase and a German attribution line."""
    reply = _compose(probes, "de", platform=ruleset.platform("facebook"))
    lines = _lines(reply)
    assert (lines["received"], lines["due"]) == ("14. April 2025", "14. Mai 2025")
    assert lines["authority"] == "bei der irischen Datenschutzaufsichtsbehörde (Data Protection Commission)"
    assert _body(reply).endswith("\n\nAm 14. April 2025 schrieb privacy@examplebank.example:\n> Line one\n> Line two\n")


def test_compose_uses_the_authorities_given(probes: Path, ruleset: Ruleset) -> None:
    """`authorities` replaces the bundled table."""
    dpc = ruleset.authority("ie-dpc")
    assert dpc is not None
    mine = replace(dpc, withs=tuple((lang, "with the test authority") for lang, _ in dpc.withs))
    reply = _compose(probes, platform=ruleset.platform("facebook"), authorities=(mine,))
    assert _lines(reply)["authority"] == "with the test authority"


def test_compose_without_platform_names_the_competent_authority(probes: Path) -> None:
    """No platform: no name, the competent supervisory authority."""
    lines = _lines(_compose(probes, platform=None))
    assert (lines["platform"], lines["authority"], lines["name"]) == (
        "",
        "with the competent supervisory authority",
        "",
    )


def test_a_language_without_phrases_gets_english_ones(probes: Path) -> None:
    """A template in a sixth language: mailbot's own words (dates, attribution, form line, authority) are English."""
    reply = _compose(probes, "nl", form_url="https://examplebank.example/privacy-form")
    body = _body(reply)
    assert body.startswith("Web form: https://examplebank.example/privacy-form\n\n")
    assert _lines(reply)["received"] == "14 April 2025"
    assert _lines(reply)["authority"] == "with the competent supervisory authority"
    assert body.endswith("\n\nOn 14 April 2025, privacy@examplebank.example wrote:\n> Line one\n> Line two\n")


# --- the quote ---------------------------------------------------------------------------------


def test_quote_of_a_message_without_sender_or_readable_date(probes: Path) -> None:
    """The attribution falls back to "?" for the sender and the Date header as written."""
    message = _mail(sender="", when="sometime in April")
    body = _body(_compose(probes, message=message, to=BANK))
    assert body.endswith("\n\nOn sometime in April, ? wrote:\n> Line one\n> Line two\n")


# --- headers -----------------------------------------------------------------------------------


def test_header_block_exactly(probes: Path) -> None:
    """Names as RFC 5322 writes them, threading, Auto-Submitted, format=flowed; the Message-ID at the identity's."""
    reply = _compose(probes, options=ReplyOptions(auto_submitted=True))
    assert reply.message_id.startswith("<mailbot.")
    assert reply.message_id.endswith("@example.org>")
    assert _headers(reply) == [
        "From: Ada Lovelace <ada@example.org>",
        f"To: {BANK}",
        "Subject: Re: Your request",
        "Date: Sun, 20 Apr 2025 12:00:00 +0000",
        f"Message-ID: {reply.message_id}",
        "In-Reply-To: <m1@examplebank.example>",
        "References: <m1@examplebank.example>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        "Content-Transfer-Encoding: quoted-printable",
        'Content-Type: text/plain; charset="utf-8"; format="flowed"; delsp="no"',
    ]
    assert (reply.subject, reply.category, reply.to) == ("Re: Your request", Category.REQUEST_INFO, BANK)


def test_references_keep_the_last_twenty_and_the_original(probes: Path) -> None:
    """A long thread: the 20 newest references and the message answered, each once."""
    refs = [f"<r{i}@examplebank.example>" for i in range(25)]
    message = _mail(extra=f"References: {' '.join(refs)}\r\n")
    headers = _headers(_compose(probes, message=message))
    folded = " ".join(h.strip() for h in headers)
    assert f"References: {' '.join([*refs[-20:], '<m1@examplebank.example>'])}" in folded


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("", "From: ada@example.org"),
        ("Zoë Lovelace", "From: =?utf-8?q?Zo=C3=AB_Lovelace?= <ada@example.org>"),
    ],
)
def test_from_header(probes: Path, name: str, header: str) -> None:
    """No name: the bare address; a name outside ASCII: an RFC 2047 word."""
    assert _headers(_compose(probes, identity=Identity(name, "ada@example.org")))[0] == header


def test_a_name_that_looks_encoded_is_shown_literally(probes: Path) -> None:
    """A display name written like an encoded word is encoded itself, so a reader shows the text, not its decoding."""
    name = "=?utf-8?q?Admin?="
    header = _headers(_compose(probes, identity=Identity(name, "ada@example.org")))[0]
    value = header.removeprefix("From: ").removesuffix(" <ada@example.org>")
    assert value != name
    assert str(email.header.make_header(email.header.decode_header(value))) == name


def test_a_long_name_is_folded_within_the_line_limit(probes: Path) -> None:
    """The header's name counts towards the first line: no line is longer than 76 characters (RFC 2047)."""
    name = "Zoë Ünicode-Lovelace Bartholomew-Smith Fitzwilliam von Ärmelkanal und Übersee"
    headers = _headers(_compose(probes, identity=Identity(name, "ada@example.org")))
    assert headers[0].startswith("From: =?utf-8?q?Zo=C3=AB_")
    assert max(len(line) for line in headers) <= 76  # RFC 2047: a line with encoded words
    value = " ".join(h.strip() for h in headers[:2]).removeprefix("From: ").removesuffix(" <ada@example.org>")
    assert str(email.header.make_header(email.header.decode_header(value))) == name


def test_a_long_subject_outside_ascii_is_folded_within_the_line_limit(probes: Path) -> None:
    """Every line of an encoded Subject is at most 76 characters (RFC 2047); it decodes to "Re: " and the subject."""
    subject = "Datenlöschung " * 12
    headers = _headers(_compose(probes, message=_mail(subject=subject)))
    start = next(i for i, h in enumerate(headers) if h.startswith("Subject: "))
    folded = [headers[start], *(h for h in headers[start + 1 :] if h.startswith(" "))]
    assert len(folded) > 1
    assert max(len(line) for line in folded) <= 76
    value = " ".join(h.strip() for h in folded).removeprefix("Subject: ")
    assert str(email.header.make_header(email.header.decode_header(value))) == "Re: " + subject.strip()


def test_message_id_domain_is_after_the_last_at(probes: Path) -> None:
    """An identity address whose quoted local part holds an "@" still gets its own domain."""
    reply = _compose(probes, identity=Identity("Ada", '"ada@home"@example.org'))
    assert re.fullmatch(r"<mailbot\.[0-9a-f]{32}@example\.org>", reply.message_id)


def test_compose_errors_say_what_is_missing(probes: Path) -> None:
    """No template, or no valid address (shown cut to 80 characters)."""
    verdict = Verdict(Category.REQUEST_INFO, "facebook", "en", 0.9, "r")
    with pytest.raises(TemplateError) as no_template:
        compose(Action(ActionKind.HOLD, "held"), _mail(), verdict, ADA, None, now=NOW)
    assert str(no_template.value) == "action hold has no template to compose"
    with pytest.raises(TemplateError) as bad:
        _compose(probes, to="x" * 100)
    assert str(bad.value) == f"no valid address to reply to ('{'x' * 80}')"


# --- Message-ID and subject ---------------------------------------------------------------------


def test_message_id_without_the_originals_is_fixed() -> None:
    """Derived from sender, subject, date and the first 2,000 characters: the same on every run and release."""
    assert reply_message_id(_mail(msgid=""), "request_info.en", "example.org") == (
        "<mailbot.2da867f085c0e6a421a70f127cc8d0fa@example.org>"
    )
    assert reply_message_id(_mail(msgid="", sender=""), "request_info.en", "") == (
        "<mailbot.cd4755712b704b756e2b6b833f6560b8@mailbot.invalid>"
    )
    long = _mail(msgid="", body="x" * 2001)
    assert reply_message_id(long, "request_info.en", "example.org") == reply_message_id(
        replace(long, new_text="x" * 2000 + "y"), "request_info.en", "example.org"
    )


@pytest.mark.parametrize("subject", ["", "Re:", "RE: AW:  "])
def test_reply_to_an_empty_subject(subject: str) -> None:
    """Nothing left after the prefixes: "Re:" alone."""
    assert reply_subject(subject) == "Re:"


# --- templates ---------------------------------------------------------------------------------


def test_render_from_another_folder_collapses_blank_lines(probes: Path) -> None:
    """At most one blank line in a row, no blank line around, one newline at the end."""
    assert render("blank.en", {}, probes) == "A\n\nB\n"


def test_render_errors_name_the_template(probes: Path) -> None:
    """A missing template or variable is a TemplateError that says which."""
    with pytest.raises(TemplateError) as missing:
        render("missing.en", {}, probes)
    assert str(missing.value) == "template missing.en.txt.j2 not found"
    with pytest.raises(TemplateError) as undefined:
        render("undefined.en", {}, probes)
    assert str(undefined.value) == "template undefined.en: 'nope' is undefined"


def test_template_for_names_the_known_variants() -> None:
    """An unknown variant is an error listing the known ones."""
    with pytest.raises(TemplateError) as exc:
        template_for(Category.REJECTION, "bogus", "en")
    assert str(exc.value) == (
        "unknown variant 'bogus' (known: grounds, legal_basis, medium, no_reasons, already_done, "
        "extension_no_reasons, fee)"
    )


def test_template_context_exactly(ruleset: Ruleset) -> None:
    """Every variable, in German, for an extended case with a known request date and the lead authority."""
    dpc = ruleset.authority("ie-dpc")
    assert dpc is not None
    case = CaseInfo(
        types=(RequestType.ACCESS, RequestType.ERASURE),
        request_date=date(2025, 4, 10),
        due=date(2025, 7, 10),
        extended=True,
        account="ada.bank@example.org",
    )
    verdict = Verdict(Category.REJECTION, "facebook", "de", 0.9, "r", ticket="T-1")
    context = template_context(
        identity=ADA,
        platform=ruleset.platform("facebook"),
        verdict=verdict,
        lang="de",
        received=date(2025, 4, 14),
        options=ReplyOptions(statement="S", objection="O", ask_erasure=True, sent_from_account=True),
        case=case,
        authority=dpc,
        today=date(2025, 4, 20),
    )
    assert context == {
        "identity": {"name": "Ada Lovelace", "email": "ada@example.org"},
        "platform_name": "Meta Platforms Ireland Limited (Facebook)",
        "authority": dpc.lodge_with("de"),
        "authority_name": dpc.name("de"),
        "ticket": "T-1",
        "variant": "grounds",
        "request": "access",
        "requests": ["access", "erasure"],
        "request_date": "10. April 2025",
        "due": "10. Juli 2025",
        "first_due": "10. Mai 2025",
        "received": "14. April 2025",
        "extended": True,
        "expired": False,
        "reply_by": "4. Mai 2025",
        "account": "ada.bank@example.org",
        "sent_from_account": False,  # set, but the account is another address (test_account_claim)
        "statement": "S",
        "objection": "O",
        "ask_erasure": True,
    }


@pytest.mark.parametrize(
    ("platform_authority", "lang", "authority", "name"),
    [
        ("", "fr", "auprès de l'autorité de contrôle compétente", ""),
        ("Datatilsynet", "fr", "auprès de l'autorité de contrôle (Datatilsynet)", "Datatilsynet"),
        ("Datatilsynet", "nl", "with the supervisory authority (Datatilsynet)", "Datatilsynet"),
    ],
)
def test_template_context_without_a_known_authority(
    ruleset: Ruleset, platform_authority: str, lang: str, authority: str, name: str
) -> None:
    """A controller with no table entry: the competent authority, named as the platform gives it."""
    platform = replace(ruleset.platform("facebook"), authority=platform_authority, lead_authority="")  # type: ignore[type-var]
    context = template_context(
        identity=ADA,
        platform=platform,
        verdict=Verdict(Category.REQUEST_INFO, "facebook", lang, 0.9, "r"),
        lang=lang,
        received=date(2025, 4, 14),
        options=ReplyOptions(),
    )
    assert (context["authority"], context["authority_name"]) == (authority, name)


def test_template_context_without_platform_or_case() -> None:
    """No platform: the case's controller by name, no authority name; no request types: an objection."""
    context = template_context(
        identity=ADA,
        platform=None,
        verdict=Verdict(Category.REQUEST_INFO, "", "en", 0.9, "r"),
        lang="en",
        received=date(2025, 4, 14),
        options=ReplyOptions(),
        case=CaseInfo(types=(), controller="examplebank.example"),
    )
    assert (context["platform_name"], context["authority_name"]) == ("examplebank.example", "")
    assert (context["request"], context["requests"], context["request_date"]) == ("objection", ["objection"], "")
    bare = template_context(
        identity=ADA,
        platform=None,
        verdict=Verdict(Category.REQUEST_INFO, "", "en", 0.9, "r"),
        lang="en",
        received=date(2025, 4, 14),
        options=ReplyOptions(),
    )
    assert bare["platform_name"] == ""


def test_lead_authority_unknown_key(ruleset: Ruleset) -> None:
    """A platform whose lead authority the table lacks has none; no platform has none."""
    platform = replace(ruleset.platform("facebook"), lead_authority="xx-none")  # type: ignore[type-var]
    assert lead_authority(platform, ruleset.authorities) is None
    assert lead_authority(None, ruleset.authorities) is None


# --- the identifier placeholder ---------------------------------------------------------------


def test_identifier_placeholder(ruleset: Ruleset) -> None:
    """The kinds asked for, in the reply language (English where it has none); nothing when an e-mail answers it."""
    rules = ruleset.identifiers
    assert identifier_placeholder("What is the PHONE NUMBER of the account?", rules, "en") == (
        "[FILL IN: the phone number linked to your account]"
    )
    assert identifier_placeholder("Il numero di telefono e il nome utente?", rules, "it") == (
        "[DA COMPLETARE: il numero di telefono associato al tuo account / il nome utente del tuo account]"
    )
    assert identifier_placeholder("What is the phone number?", rules, "nl") == (
        "[FILL IN: the phone number linked to your account]"
    )
    assert identifier_placeholder("The e-mail address or phone number, please.", rules, "en") == ""
    assert identifier_placeholder("Which account is it?", rules, "en") == ""
    assert identifier_placeholder("What is the phone number?", None, "en") == ""


# --- small filters ------------------------------------------------------------------------------


def test_format_date_outside_the_five_languages_is_british_english() -> None:
    """Any other language: "1 March 2025"."""
    assert format_date(date(2025, 3, 1), "nl") == "1 March 2025"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2 febbraio", "il 2 febbraio"),
        ("8 marzo", "l'8 marzo"),
        ("11 aprile", "l'11 aprile"),
        ("1º maggio", "il 1º maggio"),
    ],
)
def test_italian_article(written: str, expected: str) -> None:
    """ "l'" before 8 and 11 (otto, undici), "il" otherwise."""
    assert italian_article(written) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("We object", "we object"), ("TVs are devices", "TVs are devices"), ("", ""), ("   ", "")],
)
def test_lcfirst(text: str, expected: str) -> None:
    """A two-letter first word is lower-cased; a word with capitals after its first letter is kept."""
    assert lcfirst(text) == expected


# --- format=flowed ------------------------------------------------------------------------------

X35, Y35 = "x" * 35, "y" * 35


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a", "a\n"),
        ("Ticket ABX", "Ticket ABX\n"),  # the end is cut of newlines only
        ("Ada\u00a0", "Ada\u00a0\n"),  # a no-break space is text, not a soft break
        ("> quoted  \n> more", "> quoted\n> more\n"),  # quote lines lose trailing spaces (no soft break)
        (" indented", "  indented\n"),  # space-stuffed
        (f"{'x' * 70} > y", f"{'x' * 70} \n > y\n"),  # a wrapped line starting with ">" is stuffed
        (f"{X35} {Y35}", f"{X35} {Y35}\n"),  # 71 characters fit
        (f"{X35} {Y35}y", f"{X35} \n{Y35}y\n"),  # 72 do not, in a paragraph
        (f"{X35} {Y35}y\nAda", f"{X35} {Y35}y\nAda\n"),  # but do in a block kept line by line
        ("  Ada\n  example.org", "   Ada\n   example.org\n"),  # kept as written, then stuffed
        ("Ticket:\tA-1", "Ticket: A-1\n"),  # a wrapped paragraph has its tabs expanded
        ("Ada\tLovelace\nexample.org", "Ada\tLovelace\nexample.org\n"),  # a line-by-line block is kept as written
    ],
)
def test_flowed_exactly(text: str, expected: str) -> None:
    """RFC 3676 lines: soft breaks end in a space, quotes and short line-by-line blocks are kept."""
    assert flowed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "See https://examplebank.example/" + "a" * 90,  # a long address is never broken
        "x" * 60 + " Lovelace-Smith-Byron-Example",  # nor a hyphenated name
        "On 14 April 2025, privacy@examplebank.example wrote:\n> " + "q " * 60,  # nor a quoted line
        "  > " + "q " * 60,
    ],
)
def test_flowed_never_breaks_words_or_quotes(text: str) -> None:
    """Wrapping happens at spaces only, and never inside a quote."""
    words = {w for w in text.split() if len(w) > 10}
    out = flowed(text)
    for word in words:
        assert word in out.split()
    if ">" in text:
        assert out.rstrip("\n").count("\n") == text.count("\n")


def test_unflow_joins_soft_breaks_of_crlf_text_but_not_the_signature_marker() -> None:
    """CRLF line ends are read like LF; "-- " ends a line, it does not continue it."""
    assert unflow("a \r\nb") == "a b"
    assert unflow("Thanks.\n-- \nAda") == "Thanks.\n-- \nAda"


def test_blank_lines_between_paragraphs_survive_flowed() -> None:
    """Two blank lines in a row stay two blank lines (an empty paragraph is not dropped)."""
    text = "First\n\n\n\nSecond"
    assert unflow(flowed(text)).rstrip("\n") == text
