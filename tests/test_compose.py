"""Replies: templates in five languages, the right articles, threading and header safety."""

from __future__ import annotations

import base64
import email
import email.policy
import re
from datetime import UTC, date, datetime

import pytest
from conftest import MESSAGES

from mailbot.checks import SAMPLE_IDENTITY, run_checks, sample_context
from mailbot.classify import classify
from mailbot.compose import (
    ReplyOptions,
    add_one_month,
    compose,
    render,
    reply_subject,
    unflow,
)
from mailbot.decide import SUPPORTED_LANGUAGES, Policy, decide
from mailbot.models import Action, ActionKind
from mailbot.parse import parse
from mailbot.rules import Ruleset

NOW = datetime(2025, 4, 20, 12, 0, tzinfo=UTC)

# Articles DESIGN.md names for each category's reply (acceptance: 17(1)(c) and 19 when configured).
REQUIRED = {
    "request_info": {"21(1)", "12(2)", "18(1)(d)", "12(3)"},
    "clarification": {"21(1)", "12(6)", "12(2)", "12(3)"},
    "acceptance": set(),
    "rejection": {"21(1)", "12(4)", "77"},
    "identity_check": {"12(6)", "5(1)(c)", "12(3)"},
}
# Every provision GDPR.md lists; a reply may cite nothing else.
LISTED = {
    "5(1)(c)",
    "6(1)(f)",
    "11(2)",
    "12(2)",
    "12(3)",
    "12(4)",
    "12(5)",
    "12(6)",
    "17(1)(c)",
    "18(1)(d)",
    "19",
    "21(1)",
    "21(4)",
    "56",
    "77",
    "79",
}
CITATION = {
    "en": r"Art\. (\d+)(?:\((\d+)\))?(?:\(([a-z])\))? GDPR",
    "it": r"art\. (\d+)(?:, par\. (\d+))?(?:, lett\. ([a-z])\))?,? (?:del )?GDPR",
    "de": r"Art\. (\d+)(?: Abs\. (\d+))?(?: lit\. ([a-z]))? DSGVO",
    "fr": r"article (\d+)(?:, paragraphe (\d+))?(?:, point ([a-z])\))?,? du RGPD",
    "es": r"artículo (\d+)(?:, apartado (\d+))?(?:, letra ([a-z])\))?,? del RGPD",
}
ANY_ARTICLE = re.compile(r"\b(?:art\.|artt\.|article|artículo|articolo|Artikel)\s*\d+", re.IGNORECASE)


def citations(text: str, lang: str) -> set[str]:
    """The provisions cited in a text, normalised to the form 21(1)(d)."""
    found = set()
    for number, para, letter in re.findall(CITATION[lang], text):
        found.add(number + (f"({para})" if para else "") + (f"({letter})" if letter else ""))
    return found


def _render(category: str, lang: str, ruleset: Ruleset, *, erasure: bool = False) -> str:
    context = sample_context(category, lang, ruleset.platform("meta"), erasure=erasure, received=date(2025, 4, 18))
    return render(f"{category}.{lang}", context)


def test_check_command_finds_no_problem() -> None:
    """`mailbot check` renders every template in every language without error."""
    assert run_checks() == []


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("category", sorted(REQUIRED))
def test_reply_cites_the_right_articles(category: str, lang: str, ruleset: Ruleset) -> None:
    """Each category's reply cites DESIGN.md's articles for it, in the language's form, and only listed ones."""
    for erasure in (False, True):
        text = _render(category, lang, ruleset, erasure=erasure)
        cited = citations(text, lang)
        required = set(REQUIRED[category])
        if category == "acceptance" and erasure:
            required |= {"17(1)(c)", "19"}
        assert required <= cited, (required - cited, text)
        assert cited <= LISTED, cited - LISTED
        # Every article mention is a well-formed citation that the pattern above recognises.
        assert len(ANY_ARTICLE.findall(text)) == len(re.findall(CITATION[lang], text)), text
        if category == "acceptance" and not erasure:
            assert not {"17(1)(c)", "19"} & cited
        if category == "rejection":
            authority = ruleset.authority("ie-dpc")
            assert authority is not None
            assert authority.lodge_with(lang) in text
            assert "Data Protection Commission (Ireland)" not in text


def test_due_date_is_one_month_clamped() -> None:
    """The Art. 12(3) deadline is the same day next month, clamped to the month's end."""
    assert add_one_month(date(2025, 4, 18)) == date(2025, 5, 18)
    assert add_one_month(date(2025, 1, 31)) == date(2025, 2, 28)
    assert add_one_month(date(2024, 1, 30)) == date(2024, 2, 29)
    assert add_one_month(date(2025, 12, 15)) == date(2026, 1, 15)
    assert add_one_month(date(2025, 3, 31)) == date(2025, 4, 30)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: RE: [#123] Objection", "Re: [#123] Objection"),
        ("AW: Widerspruch", "Re: Widerspruch"),
        ("R: Obiezione", "Re: Obiezione"),
        ("RE[2]: Fwd: Request", "Re: Request"),
        ("Objection", "Re: Objection"),
        ("Return policy", "Re: Return policy"),
    ],
)
def test_reply_subject(subject: str, expected: str) -> None:
    """Reply prefixes in any language are not stacked."""
    assert reply_subject(subject) == expected


def _compose_for(path_name: str, ruleset: Ruleset, raw: bytes | None = None, lang: str | None = None) -> tuple:
    raw = raw or (MESSAGES / path_name).read_bytes()
    message = parse(raw)
    verdict = classify(message, ruleset)
    action = decide(message, verdict, ruleset, Policy(), language=lang)
    assert action.kind is ActionKind.REPLY, action
    reply = compose(action, message, verdict, SAMPLE_IDENTITY, ruleset.platform(verdict.platform), now=NOW)
    return message, reply


def test_reply_parses_strictly_with_threading(ruleset: Ruleset) -> None:
    """The reply parses with policy.strict; To, In-Reply-To, References are right, no X- header tells a bot wrote it."""
    message, reply = _compose_for("request_info/whatsapp-template-en.eml", ruleset)
    parsed = email.message_from_bytes(reply.raw, policy=email.policy.strict)
    assert parsed["In-Reply-To"] == message.message_id
    assert parsed["References"].split() == [*message.references, message.message_id]
    assert parsed["To"] == "noreply@support.whatsapp.com"
    assert parsed["Subject"] == "Re: Objection to processing"
    assert not [name for name in parsed if name.lower().startswith("x-")]
    assert parsed["Auto-Submitted"] is None
    assert parsed["Message-ID"] == reply.message_id
    body = unflow(parsed.get_content())
    assert "Art. 21(1) GDPR" in body
    assert "> Thanks for your message." in body


def test_reply_goes_to_reply_to(ruleset: Ruleset) -> None:
    """When the original has a Reply-To, the reply goes there."""
    raw = (MESSAGES / "rejection/meta-overriding-en.eml").read_bytes()
    raw = raw.replace(b"Subject:", b"Reply-To: Privacy Ops <case-1@support.facebook.com>\nSubject:", 1)
    _, reply = _compose_for("", ruleset, raw)
    assert reply.to == "case-1@support.facebook.com"


def test_message_id_is_deterministic(ruleset: Ruleset) -> None:
    """The same message and template give the same Message-ID; another template another one."""
    _, first = _compose_for("clarification/whatsapp-screenshots-en.eml", ruleset)
    _, second = _compose_for("clarification/whatsapp-screenshots-en.eml", ruleset)
    _, other = _compose_for("clarification/whatsapp-screenshots-en.eml", ruleset, lang="de")
    assert first.message_id == second.message_id
    assert other.message_id != first.message_id


@pytest.mark.parametrize(
    ("path", "lang"),
    [
        ("request_info/whatsapp-template-it.eml", "it"),
        ("clarification/whatsapp-genauer-de.eml", "de"),
        ("rejection/amazon-rejetee-fr.eml", "fr"),
        ("identity_check/microsoft-identidad-es.eml", "es"),
        ("acceptance/meta-honour-en.eml", "en"),
    ],
)
def test_reply_is_in_the_language_of_the_message(path: str, lang: str, ruleset: Ruleset) -> None:
    """The reply is written in the platform's language; --lang overrides it."""
    _, reply = _compose_for(path, ruleset)
    assert reply.language == lang
    assert reply.template.endswith(f".{lang}")
    _, forced = _compose_for(path, ruleset, lang="en")
    assert forced.language == "en"


def test_hostile_subject_cannot_inject_headers_or_templates(ruleset: Ruleset) -> None:
    """An encoded CR/LF + Bcc and template syntax in the subject give one clean line, no Bcc, no 49."""
    evil = "[#123] Objection\r\nBcc: victim@example.com {{ 7*7 }} {% raw %}"
    encoded = base64.b64encode(evil.encode()).decode()
    raw = (MESSAGES / "identity_check/meta-photo-id-en.eml").read_bytes()
    raw = re.sub(rb"Subject: [^\n]*\n", f"Subject: =?utf-8?b?{encoded}?=\n".encode(), raw, count=1)
    raw = raw.replace(b"From: Facebook", b"From: =?utf-8?q?Evil=0D=0ABcc=3A_x=40example=2Ecom_=7B=7B_7*7_=7D=7D?=", 1)
    _, reply = _compose_for("", ruleset, raw)
    parsed = email.message_from_bytes(reply.raw, policy=email.policy.strict)
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Re: [#123] Objection Bcc: victim@example.com {{ 7*7 }} {% raw %}"
    assert b"49" not in reply.raw.split(b"\n\n", 1)[0]
    assert "49" not in parsed.get_content().split(">")[0]
    assert reply.raw.count(b"\nSubject:") == 1


def test_auto_submitted_only_when_sent_by_mailbot(ruleset: Ruleset) -> None:
    """Auto-Submitted: auto-replied is added only for replies mailbot sends itself."""
    message = parse((MESSAGES / "rejection/meta-overriding-en.eml").read_bytes())
    verdict = classify(message, ruleset)
    action = Action(ActionKind.REPLY, "x", template="rejection.en", language="en")
    sent = compose(
        action,
        message,
        verdict,
        SAMPLE_IDENTITY,
        ruleset.platform("facebook"),
        now=NOW,
        options=ReplyOptions(auto_submitted=True),
    )
    assert email.message_from_bytes(sent.raw)["Auto-Submitted"] == "auto-replied"


def test_folding_each_field_once_writes_what_compat32_writes() -> None:
    """The reply policy keeps each folded field for the scan's next replies: the bytes are compat32's,
    for short, long, encoded and repeated fields alike."""
    import email.policy

    from mailbot.compose import _WIRE

    plain = email.policy.compat32.clone(linesep="\r\n")
    references = " ".join(f"<thread-{i}.{'x' * 30}@mail.example.net>" for i in range(20))
    fields = [
        ("From", "=?utf-8?q?Ada_L=C3=BCbeck?= <ada@example.org>"),
        ("Subject", "Re: " + "a long subject " * 12),
        ("References", references),
        ("Date", "Sat, 28 Nov 2026 01:00:00 +0000"),
        ("Subject", "=?utf-8?b?" + "w6TDtsO8" * 30 + "?="),
    ]
    for name, value in [*fields, *fields]:
        assert _WIRE.fold_binary(name, value) == plain.fold_binary(name, value), name
