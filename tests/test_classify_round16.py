"""Classifier round 16: organisations' team senders, access and rectification outcomes, exemptions, one-liners."""

from __future__ import annotations

import pytest
from conftest import store_reply, team_reply

from mailbot.classify import classify
from mailbot.models import Category
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


LANGS = ["en", "de", "fr", "it", "es"]

ACCESS_OUTCOMES = [
    "Hi Jane, as you asked, please find attached a copy of your treatment notes from 2022 to 2025.",
    "Guten Tag Frau Doe, im Anhang erhalten Sie wie gewünscht eine Kopie aller zu Ihrer Person gespeicherten Daten.",
    "Bonjour Madame, vous trouverez ci-joint la copie de votre dossier pour la période 2023-2025.",
    "Gentile Cliente, il file con i dati da lei forniti è disponibile in formato JSON nella sua area riservata.",
    "Hola Jane, te adjuntamos tu historial completo y las radiografías.",
]


@pytest.mark.parametrize("text", ACCESS_OUTCOMES, ids=LANGS)
def test_the_copy_attached_or_in_the_personal_area_grants_the_request(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


CORRECTED_OR_RESTRICTED = [
    "We confirm that we have restricted the processing of the disputed marker while we investigate.",
    "Wir haben Ihre Bankverbindung und Ihre Steuerklasse im Personalsystem wie gewünscht korrigiert.",
    "Nous avons limité le traitement de la donnée contestée pendant la durée de la vérification.",
    "Abbiamo provveduto a correggere il suo indirizzo di residenza nel registro elettronico.",
    "Hemos procedido a corregir su domicilio de facturación en todos nuestros sistemas.",
]


@pytest.mark.parametrize("text", CORRECTED_OR_RESTRICTED, ids=LANGS)
def test_details_corrected_or_processing_restricted_grant_the_request(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


ATTACHMENTS_OUTSIDE_A_CASE = [
    "Hello, your reading history export is ready. Please find attached a CSV of the books you borrowed this year.",
    "Hallo Frau Doe, im Anhang finden Sie die Rechnung zu Ihrer Bestellung 55120.",
    "Madame, vous trouverez ci-joint notre nouvelle charte de protection des données. Aucune action n'est requise.",
    "Ciao Jane, in allegato trovi il catalogo dei saldi di fine stagione.",
    "Hola Jane, te adjuntamos la factura de tu último pedido.",
]


@pytest.mark.parametrize("text", ATTACHMENTS_OUTSIDE_A_CASE, ids=LANGS)
def test_an_attachment_or_notice_outside_a_case_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    message = team_reply(text, "Your account", "records@shop.example", "Shop Records", in_case=False)
    assert classify(message, ruleset).category is not Category.ACCEPTANCE


EXEMPTIONS = [
    "Information recorded by candidates during an examination is exempt from the right of access.",
    "Nach § 34 BDSG besteht für solche Daten kein Recht auf Auskunft.",
    "Ces données ne peuvent faire l'objet d'un droit d'accès direct ; ce droit s'exerce de manière indirecte.",
    "La decisione non è stata assunta in modo esclusivamente automatizzato: non trova pertanto applicazione l'art. 22.",
    "Las anotaciones no contienen datos inexactos, por lo que no procede modificarlas.",
]


@pytest.mark.parametrize("text", EXEMPTIONS, ids=LANGS)
def test_a_right_said_not_to_apply_refuses_the_request(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_an_exemption_in_a_newsletter_refuses_nothing(ruleset: Ruleset) -> None:
    text = "Our new guide explains which records are exempt from the right of access and why. Read it on our blog."
    message = team_reply(text, "Our autumn newsletter", "records@shop.example", "Shop Records", in_case=False)
    assert classify(message, ruleset).category is not Category.REJECTION


NOT_SURE_WHAT_YOU_WANT = [
    "Thanks for getting in touch. I'm not totally sure what you'd like us to do here.",
    "Uns ist nicht ganz klar, was Sie von uns möchten: Auskunft, Löschung oder etwas anderes?",
    "Nous ne sommes pas certains de bien saisir votre demande : pourriez-vous nous préciser ce que vous attendez ?",
    "Purtroppo non è chiaro cosa desidera che facciamo: vuole ricevere i suoi dati o cancellarli?",
    "No acabamos de entender su petición. ¿Podría explicarnos mejor qué necesita?",
]


@pytest.mark.parametrize("text", NOT_SURE_WHAT_YOU_WANT, ids=LANGS)
def test_not_sure_what_the_person_wants_is_a_clarification(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.CLARIFICATION, verdict.evidence


ONE_LINE_OUTCOMES = [
    "Hi, your account deletion has been completed successfully.",
    "Thanks for reporting this. Your username was removed today in this commit.",
    "Marked your user to not be shown",
    "There we go, I think I got all instances of your email.",
    "We don't have an account system and don't upload any information to any server.",
]


@pytest.mark.parametrize("text", ONE_LINE_OUTCOMES)
def test_a_maintainers_one_line_outcome_in_a_case_grants(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Re: Remove my data"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize("text", ONE_LINE_OUTCOMES[:3])
def test_a_one_line_outcome_outside_a_case_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    message = team_reply(text, "Update", "notifications@forge.example", "Forge", in_case=False)
    assert classify(message, ruleset).category is not Category.ACCEPTANCE


WRITE_FROM_THE_ACCOUNTS_ADDRESS = [
    "Please email hello@service.example from given email.",
    "Please write us an email at helpdesk@service.example from the email associated to your account.",
    "Bitte schreiben Sie uns von der bei uns hinterlegten E-Mail-Adresse.",
    "Merci de nous écrire depuis l'adresse e-mail associée à votre compte.",
    "Ci scriva dall'indirizzo email associato al suo account.",
    "Escríbenos desde el correo electrónico asociado a tu cuenta.",
]


@pytest.mark.parametrize("text", WRITE_FROM_THE_ACCOUNTS_ADDRESS)
def test_write_from_the_accounts_address_in_a_case_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Re: Delete my account"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


TEAM_SENDERS = [
    ("protection-donnees@mutuelle.example", "Mutuelle"),
    ("kundenkonto@versand.example", "Versand"),
    ("userhelp@news.example", "News"),
    ("servizio.clienti@ottica.example", "Ottica"),
    ("atencion-cliente@muebles.example", "Muebles"),
    ("clerk@parish.example", "Parish Council"),
    ("records@school.example", "School"),
    ("socios@club.example", "Atención al socio"),
]


@pytest.mark.parametrize(("sender", "name"), TEAM_SENDERS)
def test_an_organisations_team_address_passes_the_relevance_gate(sender: str, name: str, ruleset: Ruleset) -> None:
    """Outside any thread, a team's ask under a subject that names the request is read, not filtered."""
    text = "To locate your records, please tell us your customer number and the period your request concerns."
    verdict = classify(team_reply(text, "Your subject access request", sender, name, in_case=False), ruleset)
    assert not any("gate-not-a-platform" in e for e in verdict.evidence), verdict.evidence
    assert verdict.category is Category.REQUEST_INFO, verdict.evidence


@pytest.mark.parametrize(("sender", "name"), TEAM_SENDERS[:4])
def test_a_team_addresses_notification_stays_unrelated(sender: str, name: str, ruleset: Ruleset) -> None:
    text = "The postal address on your account was updated on 27 November. Your order is on its way."
    verdict = classify(team_reply(text, "Your account details were changed", sender, name, in_case=False), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


SENT_TO_ANOTHER_TEAM = [
    "This is not the place for it. Please contact the Data Working Group for data issues.",
    "Bitte wenden Sie sich an unseren Kundenservice, er kann Ihnen weiterhelfen.",
    "Bonjour, je vous invite à nous contacter en utilisant le support pour une correspondance directe.",
    "Per questo tipo di richiesta si rivolga al servizio clienti.",
    "Para eso, contacta con el equipo de soporte, por favor.",
]


@pytest.mark.parametrize("text", SENT_TO_ANOTHER_TEAM, ids=LANGS)
def test_sent_to_another_team_in_a_case_is_a_redirect(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Re: Delete my account"), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_a_grant_that_names_support_for_questions_stays_a_grant(ruleset: Ruleset) -> None:
    text = "We have deleted your account and all associated data. Please contact our support team with any questions."
    verdict = classify(store_reply(text, "Re: Delete my account"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


NOT_BY_EMAIL = [
    "For security reasons, account deletion cannot be processed by email: use Settings > Delete account.",
    "Die Löschung kann leider nicht per E-Mail bearbeitet werden; bitte nutzen Sie Ihr Kundenkonto.",
    "La suppression d'un compte ne peut pas être traitée par e-mail : elle se fait depuis « Mon compte ».",
    "La cancellazione non può essere gestita via e-mail: la trova nelle impostazioni del profilo.",
    "La baja no se puede tramitar por correo: hazla desde tu perfil.",
]


@pytest.mark.parametrize("text", NOT_BY_EMAIL, ids=LANGS)
def test_a_request_that_cannot_be_handled_by_email_is_refused(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Re: Delete my data"), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence
