"""Classifier round 8: the families behind blind-h's and heldout-real-5's wrong replies (precision first)."""

from __future__ import annotations

import pytest
from conftest import team_reply

from mailbot.classify import classify, own_words
from mailbot.models import Category, Message
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


def _reply(text: str, subject: str, in_case: bool = True) -> Message:
    """A team's reply under a subject that names a request; inside a case when `in_case`."""
    return team_reply(text, subject, "privacy@shop.example", "Shop Privacy", in_case=in_case)


def test_a_quotation_wrapped_over_lines_is_someone_elses(ruleset: Ruleset) -> None:
    """A quotation wrapped over two lines of one paragraph is removed like a one-line one."""
    text = 'Meta wrote back:\n  "We have reviewed your request and will\n   honour your objection."\nAnyone else?'
    kept = own_words(ruleset, text)
    assert "honour" not in kept
    assert "Anyone else?" in kept


def test_a_quotation_does_not_run_over_a_blank_line(ruleset: Ruleset) -> None:
    """An opening quotation mark never swallows the next paragraph: a stray quote keeps the decision."""
    text = 'You wrote "please delete my account\n\nWe have deleted your account and all data linked to it today.'
    assert "deleted your account" in own_words(ruleset, text)


QUOTING_DIGESTS = [
    "Posted by tomasz_k:\nJust got this back from Meta:\n  \"We've reviewed your request and will honour your\n"
    '   objection. It will be applied going forward."\nDoes this cover old photos?',
    "Bei mir kam heute Folgendes zurück:\n„Wir haben Ihren Widerspruch geprüft und werden Ihre Daten künftig nicht\n"
    'mehr für das Training unserer Modelle verwenden."\nGilt das rückwirkend?',
]


@pytest.mark.parametrize("text", QUOTING_DIGESTS, ids=["en", "de"])
def test_a_forum_post_quoting_a_decision_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    """A digest quoting a platform's decision over several lines is not the sender's decision."""
    verdict = classify(_reply(text, "[privacy-forum] Digest", in_case=False), ruleset)
    assert verdict.category != Category.ACCEPTANCE, verdict.evidence


LEGITIMATE_INTEREST = [
    "Simply put, we need to know which shop you are on so that we can show you the right coupon. "
    "We believe this is a legitimate interest for this kind of processing.",
    "Abbiamo bisogno di sapere su quale negozio ti trovi per poterti offrire il coupon giusto. "
    "Crediamo che questo costituisca un legittimo interesse per questo trattamento.",
    "Wir müssen wissen, auf welcher Händler-Webseite du bist, damit wir dir einen Deal zur Verfügung stellen können. "
    "Wir glauben, dass dies ein berechtigtes Interesse für diese Verarbeitung darstellt.",
    "Nous avons besoin de savoir sur quel site vous êtes afin de vous proposer le bon code promo. "
    "Nous croyons que cela constitue un intérêt légitime pour ce traitement.",
    "Necesitamos saber en qué tienda estás para poder ofrecerte el cupón adecuado. "
    "Creemos que esto constituye un interés legítimo para este tratamiento.",
]


@pytest.mark.parametrize("text", LEGITIMATE_INTEREST, ids=["en", "it", "de", "fr", "es"])
def test_need_to_know_to_serve_beside_a_legal_position_is_a_refusal(text: str, ruleset: Ruleset) -> None:
    """ "We need to know X so that we can show you Y" explains the processing; the legal position decides."""
    verdict = classify(_reply(text, "Re: Objection to tracking"), ruleset, known_thread=True)
    assert verdict.category == Category.REJECTION, verdict.evidence


NEED_TO_KNOW_TO_PROCESS = [
    "We need to know which username you registered with so that we can find your account and process your request.",
    "Wir müssen wissen, unter welcher E-Mail-Adresse Sie registriert sind, damit wir Ihre Anfrage bearbeiten können.",
]


@pytest.mark.parametrize("text", NEED_TO_KNOW_TO_PROCESS, ids=["en", "de"])
def test_need_to_know_to_process_the_request_is_still_an_ask(text: str, ruleset: Ruleset) -> None:
    """A purpose clause about handling the request leaves the ask an ask."""
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset, known_thread=True)
    assert verdict.category == Category.REQUEST_INFO, verdict.evidence


PROCESS_COMPLETED = [
    "You requested to have your account deleted. This process has been completed and you can no longer log on.",
    "Hai chiesto la cancellazione del tuo account. Il processo è stato completato e non potrai più accedere.",
    "Du hast die Löschung deines Kontos beantragt. Dieser Vorgang wurde nun abgeschlossen.",
    "Vous avez demandé une exportation des données. Cette exportation a été générée avec succès et est disponible.",
    "Solicitaste la eliminación de tu cuenta. Este proceso se ha completado y ya no podrás iniciar sesión.",
]


@pytest.mark.parametrize("text", PROCESS_COMPLETED, ids=["en", "it", "de", "fr", "es"])
def test_a_completed_process_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    """A template that names the process ("this process has been completed") confirms the outcome."""
    verdict = classify(_reply(text, "Data request processing results"), ruleset, known_thread=True)
    assert verdict.category == Category.ACCEPTANCE, verdict.evidence


def test_a_process_completed_only_later_is_no_acceptance(ruleset: Ruleset) -> None:
    """ "The process is completed once you confirm" waits for the person: no outcome yet."""
    text = "This process is completed once you confirm the link we sent you."
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset, known_thread=True)
    assert verdict.category != Category.ACCEPTANCE, verdict.evidence


def test_no_data_of_yours_is_present_is_an_acceptance(ruleset: Ruleset) -> None:
    """ "Nessun tuo dato personale è presente" answers the request: nothing is held."""
    text = "Qualcuno ha richiesto i tuoi dati personali. Nessun tuo dato personale è presente su Sito di esempio."
    verdict = classify(_reply(text, "Richiesta dati personali"), ruleset, known_thread=True)
    assert verdict.category == Category.ACCEPTANCE, verdict.evidence


CONFIRM_BY_LINK = [
    "Um diese Aktion zu bestätigen, folge bitte dem folgenden Link. Danach wird dein Antrag bearbeitet.",
    "Per confermare questa richiesta, segui il link qui sotto. Poi il team la elaborerà.",
    "Pour confirmer cette demande, cliquez sur le lien ci-dessous. Ensuite notre équipe la traitera.",
    "Para confirmar esta solicitud, sigue el enlace de abajo. Después nuestro equipo la tramitará.",
]


@pytest.mark.parametrize("text", CONFIRM_BY_LINK, ids=["de", "it", "fr", "es"])
def test_confirming_the_action_by_a_link_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    """ "To confirm this action, follow the link" asks the person to prove the request before acting."""
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset, known_thread=True)
    assert verdict.category == Category.IDENTITY_CHECK, verdict.evidence


NOT_SURE_WHAT = [
    "We are not sure what exactly you request to remove. Can you clarify and fill in the details?",
    "Non siamo sicuri di cosa esattamente chiedi di rimuovere. Puoi chiarire?",
    "Wir sind uns nicht sicher, was genau du entfernt haben möchtest. Kannst du das präzisieren?",
    "Nous ne sommes pas sûrs de ce que vous demandez exactement. Pouvez-vous préciser ?",
    "No estamos seguros de qué exactamente solicitas eliminar. ¿Puedes aclararlo?",
]


@pytest.mark.parametrize("text", NOT_SURE_WHAT, ids=["en", "it", "de", "fr", "es"])
def test_not_sure_what_you_request_is_a_clarification(text: str, ruleset: Ruleset) -> None:
    """ "We are not sure what exactly you request" asks the person to say what they want."""
    verdict = classify(_reply(text, "Re: Remove my data"), ruleset, known_thread=True)
    assert verdict.category == Category.CLARIFICATION, verdict.evidence
