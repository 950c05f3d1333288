"""Classifier red team 17: confusions between reply-worthy categories, and self-service lookalikes (issue 11)."""

from __future__ import annotations

import pytest
from conftest import store_reply, team_reply

from mailbot.classify import classify, second_opinion
from mailbot.models import Category, Message, Verdict
from mailbot.rules import Ruleset
from mailbot.textmodel import Opinion


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


LANGS = ["en", "it", "de", "fr", "es"]


def _reply(text: str, subject: str = "Re: Delete my account") -> Message:
    """A team's reply inside a case, under a subject that names a request."""
    return store_reply(text, subject)


def _notice(text: str, subject: str) -> Message:
    """A support team's mail that replies to nothing (no case, no request named)."""
    return team_reply(text, subject, in_case=False)


# --- identity checks for another purpose ---------------------------------------------------------------

OTHER_PURPOSE_ID = [
    "Your payouts are paused. To receive your next payout, please upload a copy of your passport or ID card in "
    "the Seller Centre.",
    "Per completare la tua richiesta di carta di credito dobbiamo verificare la tua identità: carica una copia del "
    "documento d'identità.",
    "Ihre Auszahlungen sind pausiert. Bitte laden Sie eine Kopie Ihres Personalausweises hoch, damit wir Ihre "
    "Identität prüfen können.",
    "Vos versements sont suspendus : merci de télécharger une copie de votre pièce d'identité dans votre espace "
    "vendeur.",
    "Para continuar con su solicitud de préstamo necesitamos verificar su identidad: envíenos una copia de su DNI.",
]


@pytest.mark.parametrize("text", OTHER_PURPOSE_ID, ids=LANGS)
def test_an_id_for_payouts_or_a_card_application_is_unrelated(text: str, ruleset: Ruleset) -> None:
    """A seller's payouts or a bank's card or loan application verify no data-protection request."""
    verdict = classify(_notice(text, "Action needed on your account"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


AGE_CHECK = [
    "To keep using the app, please verify your age by uploading a photo of your ID card.",
    "Per continuare devi confermare la tua età: carica una foto del tuo documento d'identità.",
    "Bitte bestätigen Sie Ihr Alter, indem Sie eine Kopie Ihres Ausweises hochladen.",
    "Pour accéder à ce contenu, veuillez vérifier votre âge en envoyant une photo de votre pièce d'identité.",
    "Para acceder a este contenido, verifica tu edad subiendo una foto de tu documento de identidad.",
]


@pytest.mark.parametrize("text", AGE_CHECK, ids=LANGS)
def test_an_age_check_is_unrelated(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Confirm your age"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_the_id_asked_for_the_request_itself_stays_an_identity_check(ruleset: Ruleset) -> None:
    """Control: the same ask in a reply to the person's erasure request."""
    text = "To process your erasure request, please send us a copy of your ID card."
    verdict = classify(_reply(text, "Re: Erasure request"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_a_bank_s_refusal_citing_money_laundering_rules_stays_a_refusal(ruleset: Ruleset) -> None:
    """Control: anti-money-laundering duties named in a refusal make no notice of it."""
    text = "We are unable to delete your data: anti-money-laundering law requires us to keep it for five years."
    verdict = classify(_reply(text, "Re: Erasure request"), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_a_deletion_that_names_the_age_check_s_data_stays_a_grant(ruleset: Ruleset) -> None:
    """Control: the data of an earlier age check, deleted on request, is part of the grant."""
    text = "Your account has been deleted, including the data from your age verification."
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


# --- removals the service made on its own ------------------------------------------------------------------

INACTIVITY_OR_VIOLATION = [
    "Your account was inactive for three years, so we have deleted it and all your data.",
    "Il tuo account, inattivo da due anni, è stato eliminato insieme ai tuoi dati.",
    "Da Sie sich seit mehr als zwei Jahren nicht angemeldet haben, wurde Ihr Konto gelöscht.",
    "Votre compte, inactif depuis trois ans, a été supprimé avec toutes vos données.",
    "Hemos eliminado tu cuenta por incumplir nuestras Normas de la comunidad.",
]


@pytest.mark.parametrize("text", INACTIVITY_OR_VIOLATION, ids=LANGS)
def test_a_removal_for_inactivity_or_a_violation_is_no_grant(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Your account"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


DOCUMENT_EXPORT = [
    "The CSV export of your invoices is ready to download.",
    "L'esportazione delle fatture di marzo è pronta: scaricala dal link qui sotto.",
    "Der Export Ihrer Rechnungen steht jetzt zum Download bereit.",
    "L'export de vos factures est prêt : téléchargez-le depuis votre espace.",
    "La exportación de tus facturas está lista para descargar.",
]


@pytest.mark.parametrize("text", DOCUMENT_EXPORT, ids=LANGS)
def test_an_app_s_export_of_invoices_is_no_copy_of_the_data(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Your export"), ruleset)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_a_copy_of_the_data_asked_for_is_still_a_grant(ruleset: Ruleset) -> None:
    """Control: the copy of the person's data is ready."""
    verdict = classify(_reply("The copy of your personal data is ready to download."), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_a_new_address_confirmation_asks_nothing(ruleset: Ruleset) -> None:
    text = (
        "You recently changed the email address on your account. Please confirm your new email address by clicking "
        "the link below."
    )
    verdict = classify(_notice(text, "Confirm your new email address"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


# --- request_info or identity_check ------------------------------------------------------------------------

VERIFY_IT_IS_YOU = [
    "So that we can be sure the request really comes from you, please tell us your customer number and date of birth.",
    "Per essere certi che la richiesta provenga davvero da lei, ci comunichi il codice cliente e la data di nascita.",
    "Damit wir sicher sind, dass die Anfrage tatsächlich von Ihnen stammt, nennen Sie uns bitte Ihre Kundennummer "
    "und Ihr Geburtsdatum.",
    "Afin de vérifier qu'il s'agit bien de vous, merci de nous indiquer votre numéro de client et votre date de "
    "naissance.",
    "Para comprobar que la solicitud procede realmente de usted, indíquenos su número de cliente y su fecha de "
    "nacimiento.",
]


@pytest.mark.parametrize("text", VERIFY_IT_IS_YOU, ids=LANGS)
def test_details_asked_to_be_sure_it_is_you_are_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Access request"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_details_asked_to_find_the_records_stay_an_ask(ruleset: Ruleset) -> None:
    """Control: the same details asked to find the person's records."""
    text = "So that we can find your records, please tell us your customer number."
    verdict = classify(_reply(text, "Re: Access request"), ruleset, known_thread=True)
    assert verdict.category is Category.REQUEST_INFO, verdict.evidence


ID_NOT_NEEDED = [
    "We have deleted your data. There was no need to send a copy of your ID, as you wrote from your registered "
    "address.",
    "Abbiamo cancellato i suoi dati. Non è stato necessario inviarci una copia del documento d'identità.",
    "Wir haben Ihre Daten gelöscht. Eine Kopie Ihres Personalausweises war nicht nötig, Sie müssen uns keinen "
    "Ausweis senden.",
    "Nous avons supprimé vos données. Il n'a pas été nécessaire de nous envoyer une copie de votre pièce d'identité.",
    "Hemos suprimido sus datos. No ha sido necesario que nos envíe copia de su DNI.",
]


@pytest.mark.parametrize("text", ID_NOT_NEEDED, ids=LANGS)
def test_an_id_said_not_to_be_needed_asks_for_none(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.IDENTITY_CHECK, verdict.evidence


RETOLD_REQUEST = [
    "You asked us to stop using your data and not to ask you for a copy of your ID. We are unable to honour your "
    "objection, as the processing is necessary for your contract.",
    "Sie haben uns gebeten, Ihre Daten zu löschen, ohne eine Kopie Ihres Ausweises zu senden. Ihrem Antrag kann "
    "leider nicht entsprochen werden.",
    "Vous nous avez demandé de supprimer vos données sans fournir de copie de votre pièce d'identité. Nous ne sommes "
    "pas en mesure de donner suite à votre demande.",
    "Usted nos pidió que no le solicitáramos una copia de su DNI. No podemos atender su solicitud de supresión.",
]


@pytest.mark.parametrize("text", RETOLD_REQUEST, ids=["en", "de", "fr", "es"])
def test_a_refusal_retelling_the_request_is_no_identity_check(text: str, ruleset: Ruleset) -> None:
    """The ID named in the person's request, retold, is not asked for: the refusal decides."""
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_a_refusal_with_a_split_verb_refuses(ruleset: Ruleset) -> None:
    text = "Die Löschung Ihres Kundenkontos lehnen wir jedoch ab, da noch offene Forderungen bestehen."
    verdict = classify(_reply(text, "AW: Löschung meines Kundenkontos"), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


# --- the text model beside an identity document ---------------------------------------------------------


def _verdict(rule: str) -> Verdict:
    return Verdict(Category.IDENTITY_CHECK, "meta", "en", 1.0, rule, ("rules said so",), variant="medium")


@pytest.mark.parametrize("model_says", [Category.REQUEST_INFO, Category.CLARIFICATION])
def test_an_identity_document_asked_outranks_the_model_s_ask(model_says: Category, ruleset: Ruleset) -> None:
    """An ID copy asked beside "which product?": the ID step comes first, however sure the model is of the ask."""
    evidence = {Category.IDENTITY_CHECK: 1.0, model_says: 0.95}
    opinion = Opinion(model_says, 3.0, Category.IDENTITY_CHECK)
    for in_case in (True, False):
        verdict = second_opinion(_verdict("asks-identity-document"), opinion, evidence, in_case, ruleset.tuning)
        assert (verdict.category, verdict.rule) == (Category.IDENTITY_CHECK, "asks-identity-document")
        assert "ID step comes first" in verdict.evidence[-1]


def test_other_identity_rules_still_yield_to_a_sure_model(ruleset: Ruleset) -> None:
    """Control: a weaker identity cue ("verify your identity" beside a redirect) is still the model's to weigh."""
    evidence = {Category.IDENTITY_CHECK: 0.9, Category.REJECTION: 0.9}
    opinion = Opinion(Category.REJECTION, 1.0, Category.IDENTITY_CHECK)
    verdict = second_opinion(_verdict("asks-identity-verification"), opinion, evidence, True, ruleset.tuning)
    assert verdict.category is Category.REJECTION


def test_the_model_does_not_outrank_an_id_asked_beside_a_product_question(ruleset: Ruleset) -> None:
    """An ID copy and a product question in one sentence: the rules' identity check decides with the model too."""
    from mailbot.rules import bundled_rules

    text = (
        "To help us process your objection, please reply to this email with a copy of a government-issued ID and "
        "let us know which product your objection relates to."
    )
    message = team_reply(text, "Your objection request", "noreply@meta.com", "Meta Privacy", in_case=False)
    verdict = classify(message, bundled_rules())
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


# --- the probes' families (written after the first rules, before looking) -----------------------------------

EARNINGS_OR_CREDIT_ID = [
    "Please verify your identity with a photo ID. Until then, you won't be able to withdraw your earnings.",
    "Per prelevare i tuoi guadagni devi prima caricare una copia del documento d'identità.",
    "Für die Freischaltung Ihres Kreditrahmens benötigen wir eine Kopie Ihres Personalausweises.",
    "Vos virements sont bloqués : téléversez une copie de votre pièce d'identité pour les débloquer.",
    "Para retirar tus ganancias, envíanos una foto de tu documento de identidad.",
]


@pytest.mark.parametrize("text", EARNINGS_OR_CREDIT_ID, ids=LANGS)
def test_an_id_to_withdraw_earnings_or_for_a_credit_line_is_unrelated(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Action needed"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


NO_ACTIVITY = [
    "We deleted your account after no activity for over two years.",
    "Il tuo account è stato eliminato perché senza alcuna attività da tre anni.",
    "Ihr Konto wurde gelöscht, da Sie seit über drei Jahren nicht mehr angemeldet waren.",
    "Votre compte a été supprimé car il était sans activité depuis deux ans.",
    "Tu cuenta ha sido eliminada porque llevaba más de dos años sin actividad.",
]


@pytest.mark.parametrize("text", NO_ACTIVITY, ids=LANGS)
def test_a_deletion_after_years_without_activity_is_no_grant(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Your account"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence
