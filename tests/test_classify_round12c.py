"""Classifier round 12c: red team of rounds 12a/12b: what the new in-case rules must not read as done or refused."""

from __future__ import annotations

import pytest
from conftest import store_reply

from mailbot.classify import classify
from mailbot.models import Category, Message
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


LANGS = ["en", "it", "de", "fr", "es"]


def _reply(text: str, subject: str = "Re: Delete my account") -> Message:
    """A team's reply inside a case, under a subject that names a request."""
    return store_reply(text, subject)


DONE_AND_FORWARDED = [
    "Done, and we have passed your message on to the data protection officer, who will answer within a month.",
    "Fatto e girato all'ufficio legale: ti risponderanno entro un mese.",
    "Erledigt und an die Rechtsabteilung übergeben, die sich innerhalb eines Monats meldet.",
    "C'est fait et remonté au service juridique, qui vous répondra sous un mois.",
    "Hecho y derivado al departamento legal, que le responderá en un mes.",
]


@pytest.mark.parametrize("text", DONE_AND_FORWARDED, ids=LANGS)
def test_done_and_forwarded_is_no_outcome(text: str, ruleset: Ruleset) -> None:
    """'Done' is the forwarding: the request is passed on, not carried out."""
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_done_but_sorry_is_still_done(ruleset: Ruleset) -> None:
    """The forwarding cue leaves the terse confirmation it narrows alone."""
    verdict = classify(_reply("Done, sorry for the delay!"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


DEACTIVATED_NOT_DELETED = [
    "Your account has been closed rather than deleted: we keep invoices for ten years under tax law.",
    "Il tuo profilo è stato chiuso, non eliminato: conserviamo le fatture per dieci anni.",
    "Ihr Konto wurde geschlossen, aber nicht gelöscht: Rechnungen bewahren wir zehn Jahre auf.",
    "Votre compte a été fermé, mais pas effacé : nous conservons les factures dix ans.",
    "Tu perfil ha sido cerrado, no borrado: conservamos las facturas durante seis años.",
]


@pytest.mark.parametrize("text", DEACTIVATED_NOT_DELETED, ids=LANGS)
def test_deactivated_not_deleted_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    """What was done (closed, suspended) is not what was asked (deleted): no reply of thanks."""
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_posts_that_stay_visible_leave_the_request_undone(ruleset: Ruleset) -> None:
    text = "Your account has been closed. Your reviews will remain public, as they belong to the shops you rated."
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_messages_that_may_remain_with_their_recipients_are_the_usual_caveat(ruleset: Ruleset) -> None:
    """Copies others received stay with them after every deletion: that caveat refuses nothing."""
    text = (
        "Your account has been closed and your personal data deleted. Photos you sent to friends may remain "
        "visible to them."
    )
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


RETOLD = [
    "You wrote that it is done. Yet the account is still open here. Could you send us the confirmation you got?",
    "Our previous agent told you everything is done. That was wrong: the request is still open and being handled.",
]


@pytest.mark.parametrize("text", RETOLD, ids=["person", "colleague"])
def test_done_retold_is_not_the_senders_outcome(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_a_moderators_removal_is_no_answer(ruleset: Ruleset) -> None:
    text = "The post has been removed by a moderator.\nYou are receiving this because you follow this thread."
    verdict = classify(_reply(text, "Re: Please delete my posts"), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_a_link_to_follow_the_status_is_no_redirect(ruleset: Ruleset) -> None:
    text = "Thanks, your request is logged. Here's the link to the page where you can track its progress."
    verdict = classify(_reply(text, "Re: Data access request"), ruleset, known_thread=True)
    assert verdict.category is not Category.REJECTION, verdict.evidence


def test_please_confirm_the_deletion_asks_rather_than_confirms(ruleset: Ruleset) -> None:
    text = "Bitte bestätigen Sie die Löschung über den Link in dieser E-Mail, sonst bleibt Ihr Konto bestehen."
    verdict = classify(_reply(text, "AW: Konto löschen"), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_a_deleted_branch_is_housekeeping(ruleset: Ruleset) -> None:
    text = (
        "The stale branch has been deleted during the release cleanup. Your question about the author name is "
        "on my list for next week."
    )
    verdict = classify(_reply(text, "Re: Remove my name from the repo"), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence
