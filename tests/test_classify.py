"""The classifier against the labelled .eml corpus, and its safety property."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ALL_EML, MESSAGES

from mailbot.classify import classify, find_ticket
from mailbot.models import Category
from mailbot.parse import parse
from mailbot.rules import Ruleset


def test_corpus_is_large_and_covers_every_category() -> None:
    """The corpus holds at least 80 messages and every category, unknown included."""
    assert len(ALL_EML) >= 80
    folders = {p.parent.name for p in ALL_EML}
    assert folders == {c.value for c in Category}


@pytest.mark.parametrize("path", ALL_EML, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_is_classified_as_labelled(path: Path, ruleset: Ruleset) -> None:
    """Each fixture gets the category named by its folder."""
    verdict = classify(parse(path.read_bytes()), ruleset)
    assert verdict.category == path.parent.name, verdict.evidence


@pytest.mark.parametrize(
    "path",
    sorted(MESSAGES.glob("unrelated/*.eml")) + sorted(MESSAGES.glob("acknowledgement/*.eml")),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_no_reply_category_for_unrelated_or_acknowledgement(path: Path, ruleset: Ruleset) -> None:
    """Safety: a message labelled unrelated or acknowledgement never lands in a category that gets a reply."""
    verdict = classify(parse(path.read_bytes()), ruleset)
    assert not verdict.category.gets_reply, verdict.evidence


def test_language_follows_the_message(ruleset: Ruleset) -> None:
    """The language reported is the one the fixture was written in (its name ends in -xx)."""
    for path in ALL_EML:
        if path.parent.name in {"unrelated", "unknown"}:
            continue
        expected = path.stem.rsplit("-", 1)[1]
        assert classify(parse(path.read_bytes()), ruleset).language == expected, path.name


def test_platform_from_sender_domain(ruleset: Ruleset) -> None:
    """The platform comes from the sender's domain, subdomains included."""
    verdict = classify(parse((MESSAGES / "clarification/whatsapp-screenshots-en.eml").read_bytes()), ruleset)
    assert verdict.platform == "whatsapp"
    verdict = classify(parse((MESSAGES / "identity_check/amazon-proof-en.eml").read_bytes()), ruleset)
    assert verdict.platform == "amazon"


def test_lookalike_domain_is_not_the_platform(ruleset: Ruleset) -> None:
    """support.whatsapp.com.evil.example is not WhatsApp, and gets no reply category."""
    raw = (MESSAGES / "request_info/whatsapp-template-en.eml").read_bytes()
    raw = raw.replace(b"noreply@support.whatsapp.com", b"noreply@support.whatsapp.com.evil.example")
    verdict = classify(parse(raw), ruleset)
    assert verdict.platform == "none"


def test_unknown_sender_personal_domain_is_unrelated(ruleset: Ruleset) -> None:
    """A platform template sent from a personal mailbox is not a platform's message."""
    raw = (MESSAGES / "acceptance/meta-honour-en.eml").read_bytes()
    raw = raw.replace(b"noreply@facebookmail.com", b"someone@gmail.com")
    assert classify(parse(raw), ruleset).category == Category.UNRELATED


def test_own_message_is_unrelated(ruleset: Ruleset) -> None:
    """The person's own messages are never classified as a platform's."""
    message = parse((MESSAGES / "rejection/meta-overriding-en.eml").read_bytes())
    own = frozenset({message.sender.email.lower()}) if message.sender else frozenset()
    assert classify(message, ruleset, own_addresses=own).rule == "gate-own-message"


def test_negated_acceptance_is_not_acceptance(ruleset: Ruleset) -> None:
    """ "We will not honour your objection" is never read as an acceptance."""
    message = parse((MESSAGES / "acceptance/meta-honour-en.eml").read_bytes())
    negated = replace(message, new_text="We have reviewed your request and we will not honour your objection.")
    verdict = classify(negated, ruleset)
    assert verdict.category != Category.ACCEPTANCE


def test_conditional_promise_is_not_acceptance(ruleset: Ruleset) -> None:
    """ "If you object, we will confirm…" from a platform is not an acceptance."""
    message = parse((MESSAGES / "acceptance/meta-honour-en.eml").read_bytes())
    conditional = replace(
        message,
        new_text="If you object, we'll send you an email confirming that we will honour your objection.",
    )
    assert classify(conditional, ruleset).category != Category.ACCEPTANCE


def test_evidence_names_the_deciding_rule(ruleset: Ruleset) -> None:
    """The verdict names its deciding rule and shows the phrase that matched."""
    verdict = classify(parse((MESSAGES / "identity_check/meta-photo-id-en.eml").read_bytes()), ruleset)
    assert verdict.rule in {"asks-identity-document", "asks-identity-verification"}
    assert any(verdict.rule in line for line in verdict.evidence)
    assert 0 < verdict.confidence <= 1


@pytest.mark.parametrize(
    ("subject", "text", "expected"),
    [
        ("Your data protection request [#G-4471]", "", "G-4471"),
        ("Re: Oposición [Caso 90817]", "", "90817"),
        ("Hello", "Your case number is LI-77331.", "LI-77331"),
        ("Richiesta", "registrata con numero di pratica 33-88120.", "33-88120"),
        ("Hello", "Nothing here", ""),
    ],
)
def test_find_ticket(subject: str, text: str, expected: str) -> None:
    """Ticket and case numbers are found in subjects and bodies, in several languages."""
    assert find_ticket(subject, text) == expected
