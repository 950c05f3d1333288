"""Classifier round 12b: real replies' redirects, refusals by position, short asks, receipts and generic asks."""

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


_reply = store_reply


def _ids(prefix: str, texts: list[str]) -> list[str]:
    return [f"{prefix}{i}" for i in range(len(texts))]


def _category(text: str, ruleset: Ruleset, *, in_case: bool = True) -> Category:
    verdict = classify(_reply(text, in_case=in_case), ruleset)
    return verdict.category


REDIRECTS_TO_SELF_SERVICE = [
    "This can now be found on the settings page, under Advanced settings towards the bottom.",
    "Here is the link to the account deletion form: https://forum.store.example/delete-account",
    "https://docs.store.example/deleting-your-user-account",
    "You can turn off personalised ads at any time in Settings > Ads. Since this option is available to you "
    "directly in the app, we're unable to make this change for you.",
    "If you do want your account deleted you can make a request to privacy@store.example and I will address it.",
    "Diese Einstellung finden Sie jetzt direkt in Ihrem Kundenprofil. Da Sie die Änderung dort selbst vornehmen "
    "können, nehmen wir sie nicht für Sie vor.",
    "Trovi l'opzione direttamente nell'app, nella sezione Impostazioni > Account.",
    "Vous trouverez cette option dans les paramètres de votre compte ; nous ne pouvons pas le faire à votre place.",
    "Aquí tienes el enlace al formulario de baja: https://store.example/baja",
    "You'll find this option under Settings > Privacy.",
    "Questa opzione si trova ora nelle impostazioni dell'app.",
    "Esta opción está disponible en la configuración de tu cuenta.",
    "Hier ist der Link zum Löschformular: https://store.example/loeschen",
    "See https://help.store.example/articles/delete-account",
]


@pytest.mark.parametrize("text", REDIRECTS_TO_SELF_SERVICE, ids=_ids("r", REDIRECTS_TO_SELF_SERVICE))
def test_a_redirect_to_self_service_refuses(text: str, ruleset: Ruleset) -> None:
    """Pointing the person to the settings, a form or a help article instead of acting is a refusal."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.REJECTION, verdict.evidence
    assert verdict.variant == "medium"


REFUSALS_BY_POSITION = [
    "Your privacy request has been denied.",
    "Ihre Datenschutzanfrage wurde abgelehnt.",
    "your email is permanently embedded into the git history.",
    "I'm sorry to say, but there isn't a nice way of doing this, as it will require a force push.",
    "I looked into rebasing main to reword the commit, but decided against it.",
    "A partial resolution is the only kind of resolution I am planning to offer at this time, sorry.",
    "Note: Account removal does not remove anything beyond the account itself, while messages will still exist "
    "unless manually deleted.",
    "Les données de facturation sont nécessaires à l'exécution du contrat. Nous ne pouvons donc ni les effacer ni "
    "cesser de les traiter.",
    "La cancellazione del profilo non comporta la rimozione dei contenuti che hai pubblicato nei gruppi.",
    "Ich habe mir das Umschreiben angesehen, mich aber dagegen entschieden.",
    "Tu correo aparece en el historial de commits y no hay forma de quitarlo sin reescribir todo el historial.",
]


@pytest.mark.parametrize("text", REFUSALS_BY_POSITION, ids=_ids("p", REFUSALS_BY_POSITION))
def test_a_refusal_stated_outright_or_by_position_refuses(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.REJECTION, verdict.evidence


SHORT_ASKS = [
    "Username?",
    "Sure. Which org is it, and do you want the packages removed too or only your user?",
    "@jane-doe all your packages *and* the user account?",
    "In general we prefer not to delete packages. At the very least, *which* package you want deleted would help.",
    "yes it would! Could you shoot me that info via email at removals@store.example, i'll have it removed ASAP",
    "I will look into this for the next update. Send me an email with the email that you want to be deleted.",
    "Guten Tag, unter welcher Vertragskontonummer bzw. für welche Lieferadresse sollen wir die Auskunft erteilen?",
    "Hemos recibido su solicitud. Para localizar su historial necesitamos su número de paciente o, en su defecto, "
    "la fecha aproximada de su última visita.",
    "Bonjour, pouvez-vous m'envoyer le pseudo de votre compte par mail ? Je m'en occupe ensuite.",
    "Ciao, potresti indicarmi il tuo nome utente? Poi procedo.",
]


@pytest.mark.parametrize("text", SHORT_ASKS, ids=_ids("a", SHORT_ASKS))
def test_a_short_ask_for_one_fact_is_a_request_for_information(text: str, ruleset: Ruleset) -> None:
    """A question for the one fact needed to act outranks a receipt or a promise beside it."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.REQUEST_INFO, verdict.evidence


RECEIPTS = [
    "We have received a request to delete the information associated with your account. We will notify you once "
    "it is done.",
    "Wir haben eine Anfrage zum Export der mit Ihrem Konto verbundenen Informationen erhalten. Wir werden Sie "
    "benachrichtigen, sobald der Export bereit ist.",
    "Nous avons reçu une demande de suppression des informations associées à votre compte. Nous vous informerons "
    "dès que le traitement sera terminé.",
    "Abbiamo ricevuto una richiesta di esportazione dei dati collegati al tuo account. Ti avviseremo non appena "
    "l'archivio sarà pronto.",
    "Hemos recibido una solicitud de eliminación de los datos asociados a tu cuenta. Te avisaremos cuando termine.",
    "I can try to do this but it may be a bit before I can get to it.",
]


@pytest.mark.parametrize("text", RECEIPTS, ids=_ids("k", RECEIPTS))
def test_an_automated_receipt_or_a_promise_for_later_is_an_acknowledgement(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_a_receipt_that_asks_to_confirm_is_no_acknowledgement(ruleset: Ruleset) -> None:
    """ "We received a request …; we need you to confirm it" waits for the person: it is not filed as a receipt."""
    text = (
        "We received a request to access the personal data associated with a Store account. To protect your "
        "information, we need you to confirm the request before we process it."
    )
    assert _category(text, ruleset) is not Category.ACKNOWLEDGEMENT


GENERIC_ASKS = [
    "Hey, the emails were a mistake this morning. I'm sorry you got them. Are you sure?",
    "This is a repo for removing signatures from the letter, is this what you intended to do?",
    "¿Nos podrías contar un poco más sobre lo que necesitas?",
    "Sind Sie sicher?",
    "Êtes-vous sûre de vouloir supprimer le compte ?",
    "È davvero quello che vuoi?",
]


@pytest.mark.parametrize("text", GENERIC_ASKS, ids=_ids("c", GENERIC_ASKS))
def test_a_generic_ask_inside_a_case_is_a_clarification(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.CLARIFICATION, verdict.evidence


def test_are_you_sure_about_a_fact_is_no_clarification(ruleset: Ruleset) -> None:
    """ "Are you sure you deleted it?" asks about what happened, not whether the person meant the request."""
    assert _category("are you sure you successfully deleted your account?", ruleset) is not Category.CLARIFICATION


# Lookalikes: the same words outside any case are no reply.
OUTSIDE_A_CASE = [
    "You can now change your ad preferences at any time in Settings. This option is available to you directly "
    "in the app: https://store.example/settings",
    "https://help.store.example/article/123",
    "Hola, ha habido un problema con la entrega de tu paquete. ¿Nos puedes indicar el número de pedido?",
    "The account removal does not remove anything beyond the account itself, as our FAQ explains.",
    "Are you sure? I thought the meeting was on Thursday.",
    "¿Nos podrías contar un poco más sobre lo que necesitas de nuestra app? Responde a la encuesta.",
]


@pytest.mark.parametrize("text", OUTSIDE_A_CASE, ids=_ids("o", OUTSIDE_A_CASE))
def test_the_families_outside_a_case_are_no_reply(text: str, ruleset: Ruleset) -> None:
    message = team_reply(text, "News from Store", "news@store.example", "Store", in_case=False)
    verdict = classify(message, ruleset)
    assert not verdict.category.gets_reply, verdict.evidence


def test_an_out_of_office_note_naming_the_request_is_no_reply(ruleset: Ruleset) -> None:
    message = team_reply(
        "Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 7. Dezember nicht im Büro. Ihre Nachricht "
        "wird nicht weitergeleitet.",
        "Abwesenheitsnotiz: Widerspruch gegen Werbung",
        "p.muster@versicherung.example",
        "Petra Muster",
        in_case=False,
    )
    assert not classify(message, ruleset).category.gets_reply


def test_a_colleague_asking_are_you_sure_is_no_reply(ruleset: Ruleset) -> None:
    message = team_reply("Are you sure? I'd wait until Monday.", "Re: lunch", "sam@gmail.com", "Sam", in_case=False)
    assert not classify(message, ruleset).category.gets_reply


def test_a_forum_quoting_a_refusal_is_no_reply(ruleset: Ruleset) -> None:
    text = (
        'Same here. They wrote to me: "Your privacy request has been denied." Has anyone complained to the '
        "authority yet?"
    )
    message = team_reply(text, "[Forum] GDPR experiences", "forum@community.example", "Community", in_case=False)
    assert not classify(message, ruleset).category.gets_reply


REFUSALS_THAT_NAME_THE_SITUATION = [
    "We have carefully considered your objection. Having weighed your particular situation against the purposes of "
    "this processing, we are satisfied that there are compelling legitimate grounds for it, which override your "
    "interests.",
    "Wir haben Ihren Widerspruch geprüft. Gründe, die sich aus Ihrer besonderen Situation ergeben, haben Sie nicht "
    "vorgetragen. Wir werden die Verarbeitung daher fortsetzen.",
]


@pytest.mark.parametrize("text", REFUSALS_THAT_NAME_THE_SITUATION, ids=["en", "de"])
def test_a_particular_situation_weighed_or_not_put_forward_is_no_ask(text: str, ruleset: Ruleset) -> None:
    """A refusal that names the person's particular situation as weighed, or as not put forward, asks nothing."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_a_particular_situation_asked_for_is_still_an_ask(ruleset: Ruleset) -> None:
    text = "Bitte teilen Sie uns die Gründe mit, die sich aus Ihrer besonderen Situation ergeben."
    assert _category(text, ruleset) is Category.REQUEST_INFO


def test_no_requests_by_email_with_a_long_object_refuses(ruleset: Ruleset) -> None:
    text = (
        "Lamentamos comunicarte que no podemos gestionar solicitudes de acceso a datos personales por correo "
        "electrónico. Para obtener una copia de tus datos, inicia sesión en tu cuenta."
    )
    assert _category(text, ruleset) is Category.REJECTION


PROOF_FROM_THE_ACCOUNT_ADDRESS = [
    "Please send me an Email (privacy@store.example) from your Account Email and i will delete the Account.",
    "If you can't access the current account email, it means you are not the rightful owner of the account.",
]


@pytest.mark.parametrize("text", PROOF_FROM_THE_ACCOUNT_ADDRESS, ids=["send-from", "current"])
def test_the_account_address_as_the_proof_is_no_ask_for_it(text: str, ruleset: Ruleset) -> None:
    """Mail from the account's address proves who asks; it does not ask which account (an identity check's
    family: never a request for information)."""
    assert _category(text, ruleset) is not Category.REQUEST_INFO


def test_asking_for_the_account_email_is_still_an_ask(ruleset: Ruleset) -> None:
    assert (
        _category("Could you please send us your account email so we can find you?", ruleset) is Category.REQUEST_INFO
    )


OUT_OF_OFFICE_IN_A_CASE = [
    "Vielen Dank für Ihre Nachricht. Ich bin bis 24. August nicht im Büro. In dringenden Fällen wenden Sie sich "
    "bitte an info@store.example.",
    "Thank you for your message. I am out of the office until 24 August. In urgent cases please contact "
    "info@store.example.",
    "Merci pour votre message. Je suis absente jusqu'au 24 août. En cas d'urgence, écrivez à info@store.example.",
]


@pytest.mark.parametrize("text", OUT_OF_OFFICE_IN_A_CASE, ids=["de", "en", "fr"])
def test_an_out_of_office_contact_for_urgent_matters_is_no_redirect(text: str, ruleset: Ruleset) -> None:
    """An absence note's contact for urgent matters sends nobody elsewhere with the request, even in its thread."""
    verdict = classify(_reply(text, subject="Abwesenheitsnotiz: Re: Widerspruch"), ruleset)
    assert not verdict.category.gets_reply, verdict.evidence


LINKS_THAT_ARE_NO_REDIRECT = [
    "Here's the link: https://store.example/account/download/export-123.zip",
    "https://store.example/account/delete/confirm?token=abc",
]


@pytest.mark.parametrize("text", LINKS_THAT_ARE_NO_REDIRECT, ids=["download", "confirm"])
def test_a_link_to_download_or_confirm_is_no_redirect(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is not Category.REJECTION


TICKET_RECEIPTS = [
    "This message has been automatically generated in response to the creation of a trouble ticket regarding "
    "your erasure request. Your ticket has been assigned an ID of [rt.store.example #48213].",
    "The account is blocked. We have asked our Security team to review it and we will provide you with an update.",
    "Grazie. Al tuo ticket è stato assegnato il numero 48213.",
    "Merci. Votre demande porte le numéro 48213.",
    "Gracias. A su solicitud se le ha asignado el número 48213.",
]


@pytest.mark.parametrize("text", TICKET_RECEIPTS, ids=["rt", "update", "it", "fr", "es"])
def test_a_ticket_number_assigned_or_an_update_promised_is_a_receipt(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


RECEIPTS_WITH_A_NOTICE_ON_THE_REQUEST_DATA = [
    "Acuse de recibo: su escrito ha tenido entrada en el Registro con el número 2026/4410. Los datos que nos "
    "facilita serán tratados para dar respuesta a su solicitud, con base en el cumplimiento de una obligación legal.",
    "We confirm receipt of your request. The details you gave us will be used to respond to your request, as a legal "
    "obligation requires.",
]


@pytest.mark.parametrize("text", RECEIPTS_WITH_A_NOTICE_ON_THE_REQUEST_DATA, ids=["es", "en"])
def test_a_legal_basis_for_answering_the_request_refuses_nothing(text: str, ruleset: Ruleset) -> None:
    """The request's own data processed to answer it under a legal obligation is a notice, not a refusal."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_a_legal_obligation_to_keep_the_data_still_refuses(ruleset: Ruleset) -> None:
    text = "We have to keep your invoices: this is a legal obligation, so they will not be deleted."
    assert _category(text, ruleset) is Category.REJECTION
