"""The complaint states no date, order or grammatical gender the case did not establish."""

from __future__ import annotations

from datetime import date

import pytest

from mailbot.checks import SAMPLE_IDENTITY
from mailbot.complaint import CaseFacts, Event, build_complaint
from mailbot.rules import Ruleset

# How each language said the refusal came after the deadline, or on an empty date, when it had no date.
UNESTABLISHED = {
    "en": ("On  the controller", "On the controller"),
    "de": ("Später hat", "Am  hat"),
    "fr": ("Ensuite, le responsable", "Le , le responsable"),
    "it": ("In seguito il titolare",),
    "es": ("Después, el responsable", "El , el responsable"),
}
REFUSED = {
    "en": "The controller refused my request.",
    "de": "Der Verantwortliche hat mein Anliegen abgelehnt.",
    "fr": "Le responsable du traitement a refusé ma demande.",
    "it": "Il titolare ha rifiutato la mia richiesta.",
    "es": "El responsable rechazó mi solicitud.",
}


def _complaint(lang: str, ruleset: Ruleset, refused_on: date | None) -> str:
    facts = CaseFacts(
        case_id=1,
        controller="WhatsApp Ireland Limited",
        request_date=date(2025, 1, 2),
        due=date(2025, 2, 2),
        events=(Event(date(2025, 1, 2), True, "request"), Event(refused_on, False, "rejection")),
        remedy_named=False,
    )
    authority = next(a for a in ruleset.authorities if a.language == lang)
    return " ".join(build_complaint(facts, SAMPLE_IDENTITY, authority, today=date(2025, 3, 1)).text.split())


@pytest.mark.parametrize("lang", sorted(REFUSED))
def test_an_undated_refusal_is_told_without_a_date_or_an_order(lang: str, ruleset: Ruleset) -> None:
    """The English complaint read "On  the controller refused my request." for a refusal without a Date;
    the others said "later" (Später, Ensuite, In seguito, Después), an order nothing established."""
    text = _complaint(lang, ruleset, None)
    assert REFUSED[lang] in text, text
    for wrong in UNESTABLISHED[lang]:
        assert wrong not in text, text
    assert REFUSED[lang] not in _complaint(lang, ruleset, date(2025, 2, 20))  # a dated refusal keeps its date


def test_the_french_complaint_agrees_with_no_gender_of_the_complainant(ruleset: Ruleset) -> None:
    """ "ne m'a pas informé" is wrong for a complainant who is a woman; the claims use verbs that do not agree."""
    text = _complaint("fr", ruleset, date(2025, 2, 20))
    assert "article 12, paragraphe 4, du RGPD" in text, text
    assert "article 12, paragraphe 3, du RGPD" in text, text
    assert "informé " not in text, text
    assert "informé." not in text, text
