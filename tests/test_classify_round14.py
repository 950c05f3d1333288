"""Classifier round 14: real replies' families from heldout-real-15 … 21 and blind s … v, and their lookalikes."""

from __future__ import annotations

import pytest
from conftest import store_reply, team_reply

from mailbot.classify import classify
from mailbot.models import Category, Message
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


NOT_A_REPLY = {Category.UNRELATED, Category.UNKNOWN}

_reply = store_reply


def _notice(text: str, subject: str) -> Message:
    """A shop's or service's mail that answers nothing (no thread)."""
    return team_reply(text, subject, "news@shop.example", "Shop", in_case=False)


def _category(text: str, ruleset: Ruleset, subject: str = "Re: Data request") -> Category:
    return classify(_reply(text, subject), ruleset, known_thread=True).category


THE_COPY_HANDED_OVER = [
    "Enclosed are all the documents related to your request that we are able to release.",
    "As requested, here is a copy of all the personal data we hold about you.",
    "Click the link below to download your data: https://shop.example/export/81f2",
    "Anbei erhalten Sie eine Kopie Ihrer bei uns gespeicherten Kundendaten.",
    "Ein PDF mit einer Übersicht, welche Daten wir über Sie speichern, ist beigefügt.",
    "Vous trouverez ci-joint l'ensemble des données vous concernant.",
    "Voici l'export de toutes vos données, au format JSON.",
    "In allegato trova la copia integrale dei suoi dati.",
    "Abbiamo allegato un file contenente tutti i tuoi dati.",
    "Le adjuntamos el informe con todos los datos personales que constan en nuestros sistemas.",
    "Una copia de sus datos está adjunta a este mensaje.",
    "¡Tus datos se han exportado correctamente!",
]


@pytest.mark.parametrize("text", THE_COPY_HANDED_OVER)
def test_the_copy_handed_over_answers_the_access_request(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is Category.ACCEPTANCE


@pytest.mark.parametrize(
    "text",
    [
        "Attached is our new catalogue with all the spring offers.",
        "Vous trouverez ci-joint notre catalogue de printemps.",
        "In allegato trovi il volantino delle offerte di maggio.",
    ],
)
def test_a_newsletters_attachment_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    assert classify(_notice(text, "Spring offers"), ruleset).category in NOT_A_REPLY


NOTHING_FOUND = [
    "After checking our systems, we did not find any personal data associated with your address. "
    "No further action is required on your part.",
    "No se encontraron registros asociados a ese documento.",
]


@pytest.mark.parametrize("text", NOTHING_FOUND, ids=["en", "es"])
def test_nothing_found_is_an_acceptance_not_a_refusal(text: str, ruleset: Ruleset) -> None:
    """A search that found nothing answers the request; "no further action is required on your part" refuses nothing."""
    assert _category(text, ruleset) is Category.ACCEPTANCE


CONFIRMED_AND_QUEUED = [
    "Your request to erase your account has been confirmed and queued for processing. "
    "We will send you another e-mail once it is complete.",
    "Ihre Löschanfrage wurde bestätigt und zur Bearbeitung eingereiht.",
    "Votre demande a été confirmée et placée en file d'attente.",
    "La tua richiesta è stata confermata e messa in coda.",
]


@pytest.mark.parametrize("text", CONFIRMED_AND_QUEUED, ids=["en", "de", "fr", "it"])
def test_confirmed_and_queued_is_a_receipt_not_a_grant(text: str, ruleset: Ruleset) -> None:
    """The label convention (heldout-real-19): a request queued, its confirmation to follow, is a receipt."""
    assert _category(text, ruleset) is Category.ACKNOWLEDGEMENT


def test_an_order_confirmed_and_queued_is_no_receipt_of_a_request(ruleset: Ruleset) -> None:
    text = "Your order 4471 has been confirmed and queued for dispatch."
    assert classify(_notice(text, "Your order"), ruleset).category in NOT_A_REPLY


@pytest.mark.parametrize(
    "text",
    [
        "I note the contents of your letter and will be looking into your concerns.",
        "Your email has been sent on to our records team, who will advise you further.",
        "Request status: pending",
        "Stato della richiesta: pending",
    ],
)
def test_receipts_in_other_words(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is Category.ACKNOWLEDGEMENT


DECIDED_NO_ACTION = [
    "We reviewed your request and we aren't able to take any further action on it.",
    "After a second review we will be staying with the original decision.",
    "Wir haben Ihr Anliegen geprüft und uns entschieden, keine Maßnahmen zu ergreifen.",
    "Après examen, nous avons décidé de ne pas prendre de mesures concernant ces pages.",
    "Dopo un attento esame abbiamo deciso di non adottare alcuna misura.",
    "Per questo motivo non procederemo ulteriormente con la richiesta.",
    "Statut de la demande : declined",
    "Il tuo comando è stato rifiutato.",
]


@pytest.mark.parametrize("text", DECIDED_NO_ACTION)
def test_a_decision_to_take_no_action_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is Category.REJECTION


@pytest.mark.parametrize(
    "text",
    [
        "You have already received all the information we are able to release.",
        "We can only send you part of your file, not all the information that you requested.",
        "We have a legitimate interest to collect this telemetry.",
    ],
)
def test_legal_positions_are_rejections(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is Category.REJECTION


CHANNEL_REDIRECTS = [
    "Account support is only provided via help@vr.example.",
    "We now require that new support requests be created using our support website.",
    "Kindly resubmit your message through our support portal.",
    "Opening an issue in this repository is not the right place to make such a request.",
    "We're unable to process objections sent to this email address.",
    "Non siamo in grado di gestire richieste inviate a questo indirizzo email.",
    "This is an automated reply from an unattended mailbox. Please write to the address on our website.",
]


@pytest.mark.parametrize("text", CHANNEL_REDIRECTS)
def test_a_channel_named_instead_of_acting_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is Category.REJECTION


DO_IT_YOURSELF_IN_A_CASE = [
    "To remove yourself, please open a pull request.",
    "You need to use https://notes.example/reset for now.",
    "You can find how to delete your account in the help center.",
    "The quickest way to get your account removed is to delete your projects first and then write to support.",
]


@pytest.mark.parametrize("text", DO_IT_YOURSELF_IN_A_CASE)
def test_the_way_to_do_it_yourself_in_a_case_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset, "Re: [tool] delete my account") is Category.REJECTION


def test_the_way_to_do_it_yourself_outside_a_case_is_no_reply(ruleset: Ruleset) -> None:
    text = "You can find how to delete your account in the help center."
    assert classify(_notice(text, "Tips for your account"), ruleset).category in NOT_A_REPLY


NOT_SURE_WHAT_YOU_NEED = [
    "I'm not completely sure I've understood what you need. Could you tell me more?",
    "Sorry, I don't quite get what you want us to do with your account.",
    "Your message is not clear enough for us to identify what you would like us to do.",
    "Je ne suis pas sûre de bien comprendre votre demande.",
    "Dalla comunicazione non è possibile evincere con chiarezza l'oggetto della richiesta.",
    "Perdona, pero no entendemos bien qué necesitas.",
    "Ich bin mir nicht ganz sicher, ob ich Ihr Anliegen richtig verstanden habe.",
]


@pytest.mark.parametrize("text", NOT_SURE_WHAT_YOU_NEED)
def test_not_sure_what_you_need_is_a_clarification(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is Category.CLARIFICATION


ID_STEPS = [
    "So that I can help, please confirm at least three of the following: date of birth, mobile number, address.",
    "I've mailed the account's address; the goal is to confirm you are the rightful owner.",
    "Please bring photo ID to the school office.",
    "Send me an email from the email you signed up with and I'll cancel it.",
]


@pytest.mark.parametrize("text", ID_STEPS)
def test_id_steps_described_as_a_process_are_identity_checks(text: str, ruleset: Ruleset) -> None:
    """The label convention (heldout-real-19, blind u): a step whose purpose is to verify who asks."""
    assert _category(text, ruleset) is Category.IDENTITY_CHECK


def test_signing_in_with_the_registered_address_to_see_orders_is_no_identity_check(ruleset: Ruleset) -> None:
    text = "Melden Sie sich mit der Adresse an, mit der Sie sich registriert haben, um Ihre Bestellungen zu sehen."
    assert classify(_notice(text, "Neu im Sortiment"), ruleset).category in NOT_A_REPLY


CONFIRM_BY_LINK_TEMPLATES = [
    "Visita il seguente link se desideri eliminare definitivamente il tuo account: https://app.example.it/d/7c41",
    "Si quieres que se realice esta acción, por favor, pulsa en el siguiente enlace: https://listas.example.es/x",
    "Si vous souhaitez que cette action soit réalisée, cliquez sur le lien suivant : https://listes.example.fr/x",
    'Wenn Sie auf die Schaltfläche "Löschung bestätigen" klicken, werden alle Ihre Daten von shop.example gelöscht.',
]


@pytest.mark.parametrize("text", CONFIRM_BY_LINK_TEMPLATES, ids=["it", "es", "fr", "de"])
def test_a_template_that_waits_for_a_click_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is Category.IDENTITY_CHECK


TERSE_DONE_IN_A_CASE = [
    "Your account should be deleted now.",
    "It is deleted now. Thanks.",
    "I've perma deleted that user.",
    "I have removed all mentions of your profile from the dataset.",
    "I have made the necessary change.",
    "Sorry about that, it won't happen again.",
    "Apologies, I promise I won't send any more emails.",
    "We have taken steps to stop this from happening again.",
]


@pytest.mark.parametrize("text", TERSE_DONE_IN_A_CASE)
def test_a_terse_done_or_promise_inside_a_case_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset, "Re: [tool] Remove my data") is Category.ACCEPTANCE


@pytest.mark.parametrize("text", TERSE_DONE_IN_A_CASE[:3] + TERSE_DONE_IN_A_CASE[5:6])
def test_a_terse_done_outside_a_case_is_no_reply(text: str, ruleset: Ruleset) -> None:
    assert classify(_notice(text, "Weekly digest"), ruleset).category in NOT_A_REPLY


ANOTHER_ADDRESS_USED = [
    "Could it be that you subscribed with a different address?",
    "¿Puede ser que te hayas suscrito con una dirección de correo diferente?",
    "Est-il possible que vous vous soyez inscrite avec une autre adresse ?",
    "È possibile che ti sia iscritta con un altro indirizzo?",
    "Kann es sein, dass Sie sich mit einer anderen E-Mail-Adresse angemeldet haben?",
    'Is this the "jane" forum user, with an example.org address?',
]


@pytest.mark.parametrize("text", ANOTHER_ADDRESS_USED)
def test_asking_which_address_or_user_is_a_request_for_information(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is Category.REQUEST_INFO


def test_a_statement_about_the_processing_objected_to_asks_nothing(ruleset: Ruleset) -> None:
    """A statement of the legal basis of the processing objected to asks nothing (blind v)."""
    text = (
        "Le informamos de que el tratamiento al que se opone se basa en obligaciones legales. "
        "Por ello, no procede atender su oposición."
    )
    assert _category(text, ruleset) is Category.REJECTION


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for the copy of your ID card. Your objection has been honoured.",
        "Nous vous remercions pour la copie de votre pièce d'identité. Votre opposition a été acceptée.",
    ],
    ids=["en", "fr"],
)
def test_thanks_for_an_id_copy_received_is_no_identity_check(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is Category.ACCEPTANCE


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("We've reviewed your objection and we agree to it.", Category.ACCEPTANCE),
        ("Please find enclosed a copy of your medical records held by the practice.", Category.ACCEPTANCE),
        ("Les données que vous avez demandées sont prêtes.", Category.ACCEPTANCE),
        ("Wir haben Ihre Anfrage geprüft und die betreffenden Inhalte aus Ihrem Konto gelöscht.", Category.ACCEPTANCE),
        ("I have passed your objection to the relevant business areas and will write again.", Category.ACKNOWLEDGEMENT),
        ("La Sua istanza è stata protocollata e assegnata all'ufficio competente.", Category.ACKNOWLEDGEMENT),
        ("We aren't able to stop processing it while your account remains open.", Category.REJECTION),
        ("Please send this request from the email address verified on your account.", Category.IDENTITY_CHECK),
    ],
)
def test_blind_sets_families_in_other_words(text: str, category: Category, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is category
