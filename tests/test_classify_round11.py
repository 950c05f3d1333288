"""Classifier round 11: precision on retention duties under review, identity checks, duplicates and redirects."""

from __future__ import annotations

import pytest
from conftest import team_reply

from mailbot.classify import classify
from mailbot.models import Category, Message
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


LANGS = ["en", "it", "de", "fr", "es"]


def _reply(text: str, subject: str = "Re: Data request", in_case: bool = True) -> Message:
    """A team's reply under a subject that names a request; inside a case when `in_case`."""
    return team_reply(text, subject, "privacy@store.example", "Store Privacy", in_case=in_case)


RETENTION_STILL_BEING_CHECKED = [
    "We confirm receipt of your erasure request. The relevant teams are reviewing the data held in your name and "
    "any legal retention obligations that may apply.",
    "Confermiamo di aver ricevuto la sua richiesta di cancellazione. Gli uffici stanno valutando i dati a lei "
    "riferiti e gli eventuali obblighi di conservazione previsti dalla legge.",
    "Wir bestätigen den Eingang Ihres Löschantrags. Die Fachabteilungen prüfen, welche gesetzlichen "
    "Aufbewahrungspflichten etwa bestehen und welche Daten gespeichert sind.",
    "Nous accusons réception de votre demande d'effacement. Les services examinent les données vous concernant "
    "ainsi que les éventuelles obligations légales de conservation applicables.",
    "Le confirmamos la recepción de su solicitud de supresión. Las áreas responsables están verificando sus datos "
    "y las obligaciones legales de conservación que pudieran resultar aplicables.",
]


@pytest.mark.parametrize("text", RETENTION_STILL_BEING_CHECKED, ids=LANGS)
def test_a_retention_duty_still_being_checked_is_no_refusal(text: str, ruleset: Ruleset) -> None:
    """A receipt that names the retention duties being looked into has refused nothing yet."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_a_retention_duty_applied_still_refuses(ruleset: Ruleset) -> None:
    text = "Hemos analizado su solicitud. Por las obligaciones legales de conservación, no podemos suprimir sus datos."
    assert classify(_reply(text), ruleset).category is Category.REJECTION


RESEND_FROM_THE_VERIFIED_ADDRESS = [
    "We can only act on requests sent from the email address verified on the account. Please send your request "
    "again from that address, or verify this address in your account settings first, so we know it's really you.",
    "Possiamo dare seguito solo a richieste inviate dall'indirizzo verificato dell'account. La preghiamo di "
    "inviare di nuovo la richiesta da quell'indirizzo.",
    "Wir bearbeiten nur Anfragen, die von der im Konto bestätigten Adresse kommen. Bitte senden Sie Ihre Anfrage "
    "erneut von dieser Adresse.",
    "Nous ne traitons que les demandes envoyées depuis l'adresse vérifiée du compte. Merci de renvoyer votre "
    "demande depuis cette adresse.",
    "Solo atendemos solicitudes enviadas desde la dirección verificada de la cuenta. Por favor, reenvíe su "
    "solicitud desde esa dirección.",
]


@pytest.mark.parametrize("text", RESEND_FROM_THE_VERIFIED_ADDRESS, ids=LANGS)
def test_resend_from_the_verified_address_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    """Asking for the request again from the account's address checks who asks; it refuses nothing."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_a_help_centre_pointer_for_other_matters_is_no_redirect(ruleset: Ruleset) -> None:
    text = (
        "We've read your message, but we weren't able to work out what you would like us to do. Could you reply "
        "with some more detail about your concern?\n\nFor help with account access, reported content or ads, "
        "please visit the Help Centre."
    )
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.CLARIFICATION, verdict.evidence


def test_a_help_centre_redirect_for_the_request_still_refuses(ruleset: Ruleset) -> None:
    text = "We do not handle data requests by e-mail. Please visit the Help Centre and use the form there."
    assert classify(_reply(text), ruleset).category is Category.REJECTION


WORK_STARTS_ONCE_VERIFIED = [
    "As a security step, we need to confirm that the request was made by the account holder: please verify your "
    "identity at the link below. We'll start working on your request as soon as your identity has been confirmed.",
    "Per motivi di sicurezza la preghiamo di verificare la sua identità con il modulo qui sotto. Daremo seguito "
    "alla sua richiesta non appena la sua identità sarà stata verificata.",
    "Aus Sicherheitsgründen bitten wir Sie, Ihre Identität über das Formular unten zu bestätigen. Sobald Ihre "
    "Identität bestätigt ist, bearbeiten wir Ihren Antrag.",
    "Par mesure de sécurité, merci de confirmer votre identité via le formulaire ci-dessous. Nous traiterons votre "
    "demande dès que votre identité sera confirmée.",
    "Por seguridad, le rogamos que verifique su identidad mediante el formulario siguiente. Empezaremos a tramitar "
    "su solicitud en cuanto se haya confirmado su identidad.",
]


@pytest.mark.parametrize("text", WORK_STARTS_ONCE_VERIFIED, ids=LANGS)
def test_work_that_starts_once_verified_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


A_NUMBER_TO_FIND_THE_FILE = [
    "Before we go on, which policies does the erasure concern? Please provide your customer number or passport "
    "number so we can find your file.",
    "Prima di procedere, ci indichi quali contratti riguarda la cancellazione. La preghiamo di fornire il numero "
    "cliente o il numero del passaporto per individuare la pratica.",
    "Bevor wir fortfahren: Welche Verträge betrifft die Löschung? Bitte nennen Sie uns Ihre Kundennummer oder die "
    "Nummer Ihres Reisepasses, damit wir Ihre Akte finden.",
    "Avant de poursuivre, quels contrats sont concernés ? Merci de nous communiquer votre numéro client ou le "
    "numéro de votre passeport pour retrouver votre dossier.",
    "Antes de tramitarla, indíquenos a qué pólizas afecta la supresión. Le rogamos que nos indique también el "
    "número de póliza o su DNI para localizar su expediente.",
]


@pytest.mark.parametrize("text", A_NUMBER_TO_FIND_THE_FILE, ids=LANGS)
def test_an_id_number_to_find_the_file_is_no_document_request(text: str, ruleset: Ruleset) -> None:
    """A document's number looks the file up; only a copy of the document checks identity."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is not Category.IDENTITY_CHECK, verdict.evidence
    assert verdict.category in {Category.REQUEST_INFO, Category.UNKNOWN}, verdict.evidence


def test_a_copy_of_the_id_document_is_still_an_identity_check(ruleset: Ruleset) -> None:
    text = "Para verificar su identidad, le rogamos que nos remita una copia de su DNI por ambas caras."
    assert classify(_reply(text), ruleset).category is Category.IDENTITY_CHECK


DUPLICATE_CLOSED_REQUEST_GOES_ON = [
    "It looks like you have submitted multiple requests for the same purpose. I'm closing this issue in favor of "
    "#48213, and we will continue processing your request on the other issue.",
    "Ha inviato due volte la stessa richiesta. Chiudo questo ticket come duplicato: continueremo a gestire la sua "
    "richiesta nel ticket n. 5120.",
    "Sie haben dieselbe Anfrage zweimal gestellt. Dieses Ticket schließen wir als Duplikat; wir bearbeiten Ihre "
    "Anfrage weiter im Ticket 5120.",
    "Vous nous avez adressé deux fois la même demande. Je clos ce ticket en doublon : nous continuons à traiter "
    "votre demande dans le ticket n° 5120.",
    "Nos ha enviado dos veces la misma solicitud. Cerramos este duplicado y seguiremos tramitando su solicitud en "
    "el ticket 5120.",
]


@pytest.mark.parametrize("text", DUPLICATE_CLOSED_REQUEST_GOES_ON, ids=LANGS)
def test_processing_the_request_on_is_a_receipt(text: str, ruleset: Ruleset) -> None:
    """Continuing to process *a request* handles it; only continuing to process *data* refuses an objection."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_continuing_to_process_the_data_still_refuses(ruleset: Ruleset) -> None:
    text = "We have reviewed your objection. We will continue processing your data for fraud prevention."
    assert classify(_reply(text), ruleset).category is Category.REJECTION


def test_a_lapsed_verification_closes_the_request(ruleset: Ruleset) -> None:
    text = (
        "We have not heard back from you with responses to our verification challenge questions, which are required "
        "in order to verify your identity before we process your request. We will now close this request."
    )
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.REJECTION, verdict.evidence


USERNAME_THEN_VERIFICATION = [
    "Before we can proceed we need you to confirm the username of the account. Once we've confirmed the username, "
    "we'll issue some additional identity verification challenges. Please provide this username.",
    "Bevor wir fortfahren können, nennen Sie uns bitte den Benutzernamen des Kontos. Sobald wir ihn bestätigt "
    "haben, schicken wir Ihnen Fragen zur Überprüfung Ihrer Identität.",
    "Antes de continuar, indíquenos el nombre de usuario de la cuenta. Una vez que lo hayamos confirmado, le "
    "enviaremos unas preguntas de verificación de identidad.",
]


@pytest.mark.parametrize("text", USERNAME_THEN_VERIFICATION, ids=["en", "de", "es"])
def test_a_verification_announced_for_later_leaves_the_ask(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.REQUEST_INFO, verdict.evidence


def test_write_elsewhere_instead_from_the_account_address_is_no_identity_check(ruleset: Ruleset) -> None:
    """'Please email privacy@… instead, from your account's address' redirects as much as it checks: not an ID reply."""
    text = (
        "Due to the complexity of these requests, we're asking our users to please email `gdpr@store.example`.\n\n"
        "Please ensure that you send the email from the address associated with your account."
    )
    verdict = classify(_reply(text), ruleset)
    assert verdict.category in {Category.UNKNOWN, Category.REJECTION}, verdict.evidence
