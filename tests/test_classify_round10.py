"""Classifier round 10: precision on receipts, confirmation links, suspension notices and fulfilled-request mails."""

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


NOTHING_NEEDED_FROM_YOU = [
    "We have your access request and will reply within one month. No further action is needed from you at this stage.",
    "Abbiamo ricevuto la sua richiesta e risponderemo entro un mese. Da parte sua non è necessario fare altro.",
    "Wir haben Ihre Anfrage erhalten und melden uns innerhalb eines Monats. Sie müssen vorerst nichts weiter tun.",
    "Nous avons bien reçu votre demande et y répondrons sous un mois. Vous n'avez rien d'autre à faire.",
    "Hemos recibido su solicitud y le responderemos en un mes. No tiene que hacer nada más por ahora.",
]


@pytest.mark.parametrize("text", NOTHING_NEEDED_FROM_YOU, ids=LANGS)
def test_a_step_the_person_need_not_take_is_no_refusal(text: str, ruleset: Ruleset) -> None:
    """A receipt's "nothing more to do on your side" is not "we will take no further action"."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_no_further_action_by_us_still_refuses(ruleset: Ruleset) -> None:
    verdict = classify(_reply("We've reviewed your request, but we can't take any further action on it."), ruleset)
    assert verdict.category is Category.REJECTION, verdict.evidence


POINTER_BESIDE_A_RECEIPT = [
    "Your message has been received and a case has been opened. For more information about your choices, "
    "please visit our Privacy Center at privacy.store.example.",
    "Abbiamo ricevuto la tua richiesta e aperto una pratica. Per maggiori informazioni, visita il nostro centro "
    "privacy su privacy.store.example.",
    "Wir haben Ihre Nachricht erhalten und einen Vorgang angelegt. Weitere Informationen finden Sie, wenn Sie "
    "bitte unser Datenschutzportal unter privacy.store.example nutzen.",
    "Nous avons bien reçu votre message et ouvert un dossier. Pour en savoir plus, rendez-vous sur "
    "privacy.store.example.",
    "Hemos recibido tu mensaje y abierto un caso. Para más información, visita nuestro centro de privacidad en "
    "privacy.store.example.",
]


@pytest.mark.parametrize("text", POINTER_BESIDE_A_RECEIPT, ids=LANGS)
def test_a_pointer_to_reading_is_no_redirect(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_a_redirect_without_a_pointer_still_refuses(ruleset: Ruleset) -> None:
    text = "We do not accept objections by e-mail. Please use the form in our Privacy Center at privacy.store.example."
    assert classify(_reply(text), ruleset).category is Category.REJECTION


RETENTION_UNDER_REVIEW = [
    "Your data sits in several systems, and we must check whether legal retention obligations prevent its "
    "erasure. We are therefore extending the deadline by two months.",
    "Dobbiamo verificare se obblighi di conservazione previsti dalla legge impediscano la cancellazione; per "
    "questo prorogheremo il termine di due mesi.",
    "Für jedes System muss geprüft werden, ob gesetzliche Aufbewahrungspflichten einer Löschung entgegenstehen. "
    "Wir verlängern die Frist daher um zwei Monate.",
    "Nous devons vérifier si des obligations légales de conservation s'opposent à l'effacement ; nous prolongeons "
    "donc le délai de deux mois.",
    "Debemos comprobar si obligaciones legales de conservación impiden la supresión, por lo que ampliamos el plazo "
    "dos meses.",
]


@pytest.mark.parametrize("text", RETENTION_UNDER_REVIEW, ids=LANGS)
def test_a_retention_duty_still_being_checked_refuses_nothing(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is not Category.REJECTION, verdict.evidence


CONFIRM_BY_LINK = [
    "You asked us to delete your account. To complete this process, please confirm by clicking the following "
    "link: https://store.example/delete?token=1a2b",
    "Hai chiesto di eliminare il tuo account. Per completare l'operazione, conferma cliccando sul link: "
    "https://store.example/elimina?token=1a2b",
    "Du hast die Löschung deines Kontos beantragt. Bitte bestätige über den folgenden Link: "
    "https://store.example/loeschen?token=1a2b",
    "Vous devez confirmer qu'il s'agit d'une demande valable. Pour confirmer, rendez-vous sur "
    "https://store.example/confirmer?jeton=1a2b",
    "Como medida de seguridad, debe confirmar que se trata de una solicitud válida. Para confirmar esta "
    "solicitud, visite https://store.example/confirmar?token=1a2b",
]


@pytest.mark.parametrize("text", CONFIRM_BY_LINK, ids=LANGS)
def test_confirming_the_request_by_a_link_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Confirm your request"), ruleset)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


NO_WAY_TO_PROVE = [
    "Sorry, without any way to prove that the account is yours, there's nothing we can do to remove it.",
    "Leider können wir ohne irgendeinen Nachweis, dass das Konto dir gehört, nichts weiter tun.",
    "Lo siento, sin ninguna forma de demostrar que la cuenta es tuya, no hay nada más que podamos hacer.",
]


@pytest.mark.parametrize("text", NO_WAY_TO_PROVE, ids=["en", "de", "es"])
def test_no_way_to_prove_ownership_asks_for_no_proof(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset)
    assert verdict.category is not Category.IDENTITY_CHECK, verdict.evidence


SUSPENSIONS = [
    "Your account has been suspended, and all of your posts and media have been permanently deleted from this server.",
    "Il tuo account è stato sospeso e tutti i tuoi post sono stati eliminati da questo server.",
    "Dein Konto wurde gesperrt und alle deine Beiträge wurden von diesem Server gelöscht.",
    "Votre compte a été suspendu et tous vos messages ont été supprimés de ce serveur.",
    "Tu cuenta ha sido suspendida y todas tus publicaciones han sido eliminadas de este servidor.",
]


@pytest.mark.parametrize("text", SUSPENSIONS, ids=LANGS)
def test_a_suspension_notice_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Account notice", in_case=False), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


PRECONDITIONS = [
    "Before we can action your objection we need to understand its scope: does it concern your current account, "
    "your credit card, or both?",
    "Bevor wir Ihren Widerspruch umsetzen können, müssen wir wissen: betrifft er Ihr Girokonto, Ihr Depot oder beides?",
]


@pytest.mark.parametrize("text", PRECONDITIONS, ids=["en", "de"])
def test_a_decision_named_as_a_precondition_is_not_taken(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Objection"), ruleset)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_clarify_what_you_are_asking_is_a_clarification(ruleset: Ruleset) -> None:
    verdict = classify(_reply("Hi, could you clarify what you're asking us to do here?"), ruleset)
    assert verdict.category is Category.CLARIFICATION, verdict.evidence


FULFILLED = [
    "Your request to erase your personal data on Example Shop has been completed.",
    "Un amministratore ha completato l'esportazione dei dati che hai richiesto: la copia è allegata.",
    "Ein Administrator hat den angeforderten Datenexport durchgeführt. Die Kopie ist angehängt.",
    "Votre archive est maintenant disponible : vous pouvez la télécharger depuis ce lien.",
    "La copia de sus datos personales que solicitó está ahora disponible para descargar.",
]


@pytest.mark.parametrize("text", FULFILLED, ids=LANGS)
def test_a_fulfilled_request_template_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Your data request"), ruleset)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_instructions_once_the_file_is_ready_are_a_receipt(ruleset: Ruleset) -> None:
    text = (
        "We have received your request for a copy of your data. You will receive an email with instructions on how "
        "to retrieve your file once it is ready."
    )
    assert classify(_reply(text), ruleset).category is Category.ACKNOWLEDGEMENT


def test_your_part_and_pointer_are_data(ruleset: Ruleset) -> None:
    """Both lists are read from rules/relevance.toml."""
    rel = ruleset.relevance
    assert rel.your_part is not None
    assert rel.your_part.search("sie müssen derzeit nichts weiter tun")
    assert not rel.your_part.search("du musst die betreiber bitten")
    assert rel.pointer is not None
    assert rel.pointer.search("for more information about the choices you have, ")
    assert not rel.pointer.search("please use our form, ")


POLICY_NOT_TO_DELETE = [
    "Thanks for reaching out! We currently do not delete packages, but you can mark yours as deprecated.",
    "Danke für die Nachricht. Wir löschen grundsätzlich keine Beiträge, du kannst sie aber anonymisieren.",
]


@pytest.mark.parametrize("text", POLICY_NOT_TO_DELETE, ids=["en", "de"])
def test_a_policy_of_not_deleting_refuses_inside_a_case(text: str, ruleset: Ruleset) -> None:
    inside = classify(_reply(text, "Re: Please delete my package"), ruleset, known_thread=True)
    assert inside.category is Category.REJECTION, inside.evidence
    outside = classify(_reply(text, "Release notes", in_case=False), ruleset)
    assert outside.category is not Category.REJECTION, outside.evidence


def test_a_refusal_beside_a_partial_erasure_refuses(ruleset: Ruleset) -> None:
    """What was deleted (a newsletter sign-up) is not what was asked; the refusal decides."""
    text = (
        "Ihre Vertragsdaten müssen wir zehn Jahre aufbewahren; eine Löschung ist daher nicht möglich. "
        "Ihre Newsletter-Anmeldung haben wir gelöscht."
    )
    verdict = classify(_reply(text, "Re: Löschung"), ruleset)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_fewer_starts_pass_every_text_the_starts_pass() -> None:
    """The pre-filter's starts are merged and pruned; no text that holds one of them is skipped."""
    from mailbot import classify as classify_module

    starts = ("können sie", "können du", "kannst du", "we", "we have", "i've ")
    fewer = classify_module._fewest(starts)
    assert len(fewer) < len(starts)
    texts = ["dann können du", "kannst du das", "we have it", "i've done it", "nothing here", "ich kann"]
    for text in texts:
        if any(start in text for start in starts):
            assert any(start in text for start in fewer), text
    assert not any(start in "nothing here" for start in fewer)
