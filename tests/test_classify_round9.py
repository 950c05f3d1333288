"""Classifier round 9: mechanisms over phrases (purpose clauses, legal positions, asks about the person)."""

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


def _reply(text: str, subject: str = "Re: Objection", in_case: bool = True) -> Message:
    """A team's reply under a subject that names a request; inside a case when `in_case`."""
    return team_reply(text, subject, "privacy@shop.example", "Shop Privacy", in_case=in_case)


PURPOSE_OF_AN_ASK = [
    "We could not find a profile under this address. Please tell us the phone number you signed up with, "
    "so we can honour your objection on that profile.",
    "Non troviamo il suo profilo. Ci indichi il nome utente con cui si è registrata, per poter accogliere la "
    "sua opposizione sul profilo corretto?",
    "Wir finden kein Profil zu dieser Adresse. Bitte nennen Sie uns Ihren Benutzernamen, damit wir Ihrem "
    "Widerspruch für das richtige Profil nachkommen können.",
    "Nous ne trouvons aucun profil. Merci de nous indiquer votre identifiant, afin que nous puissions donner "
    "suite à votre opposition sur le bon profil.",
    "No encontramos ningún perfil con esa dirección. Indícanos tu nombre de usuario para poder aplicar tu "
    "oposición en el perfil correcto.",
]


@pytest.mark.parametrize("text", PURPOSE_OF_AN_ASK, ids=["en", "it", "de", "fr", "es"])
def test_a_grant_named_as_the_purpose_of_an_ask_is_an_ask(text: str, ruleset: Ruleset) -> None:
    """ "…so that we can apply your objection": the decision is what the ask is for, not what was done."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category == Category.REQUEST_INFO, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "We found your account, so we have deleted it together with all of your data.",
        "We've changed your settings so that your data is no longer used for advertising.",
    ],
    ids=["so-we-have", "so-that-result"],
)
def test_a_consequence_is_no_purpose(text: str, ruleset: Ruleset) -> None:
    """A result clause ("so we have deleted it", "so that your data is no longer used") still grants."""
    verdict = classify(_reply(text), ruleset)
    assert verdict.category == Category.ACCEPTANCE, verdict.evidence


PROCESSING_MAINTAINED = [
    "This processing is needed to run your loyalty contract and is not subject to the right to object. "
    "We therefore maintain this processing.",
    "Il trattamento serve a gestire il contratto e non può pertanto essere oggetto di opposizione.",
    "Der Verarbeitung kann daher nicht widersprochen werden, da sie für den Vertrag erforderlich ist.",
    "Nous maintenons donc ce traitement, indispensable à la gestion de votre contrat.",
    "Mantenemos por lo tanto el tratamiento, necesario para gestionar su contrato.",
]


@pytest.mark.parametrize("text", PROCESSING_MAINTAINED, ids=["en", "it", "de", "fr", "es"])
def test_processing_maintained_or_not_open_to_objection_is_a_refusal(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset)
    assert verdict.category == Category.REJECTION, verdict.evidence


IDENTIFIER_QUESTIONS = [
    "Which e-mail address or username did you register with? We see two possible matches.",
    "Con quale indirizzo email ti sei registrata? Ne vediamo due.",
    "Unter welcher E-Mail-Adresse ist Ihr Konto angelegt? Wir sehen zwei mögliche Konten.",
    "Avec quelle adresse e-mail vous êtes-vous inscrite ? Nous voyons deux comptes.",
    "¿Con qué correo te registraste? Vemos dos cuentas posibles.",
]


@pytest.mark.parametrize("text", IDENTIFIER_QUESTIONS, ids=["en", "it", "de", "fr", "es"])
def test_a_question_on_an_identifier_asks_which_account(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Please delete my account"), ruleset)
    assert verdict.category == Category.REQUEST_INFO, verdict.evidence


ABOUT_YOU = [
    "quick one before we start - which branch did you shop at, and when did your card expire?",
    "Presso quale negozio hai acquistato la tessera? Così la troviamo subito.",
    "Bei welcher Filiale waren Sie Mitglied? Dann finden wir Ihre Daten schneller.",
    "Dans quel club étiez-vous inscrite ? Nous avons plusieurs homonymes.",
    "¿En qué tienda hiciste la compra? Tenemos varias clientas con tu nombre.",
]


@pytest.mark.parametrize("text", ABOUT_YOU, ids=["en", "it", "de", "fr", "es"])
def test_a_question_about_the_person_inside_a_case_asks(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Erasure request"), ruleset)
    assert verdict.category == Category.REQUEST_INFO, verdict.evidence


def test_a_newsletters_question_about_the_person_asks_nothing(ruleset: Ruleset) -> None:
    """Outside any case the same kind of question is everyone's (a survey, a newsletter)."""
    text = "Which of our shops did you visit this year? Tell us in our two-minute survey."
    verdict = classify(_reply(text, "Your opinion counts", in_case=False), ruleset)
    assert verdict.category != Category.REQUEST_INFO, verdict.evidence


BARE_REFUSALS = [
    "You can't. But you can switch off every notification in your profile.",
    "Non si può. Puoi però disattivare le notifiche.",
    "Geht leider nicht, das Repository ist öffentlich.",
    "Ce n'est pas possible. Vous pouvez toutefois masquer votre profil.",
    "No se puede. Pero puedes ocultar tu perfil.",
]


@pytest.mark.parametrize("text", BARE_REFUSALS, ids=["en", "it", "de", "fr", "es"])
def test_a_bare_refusal_inside_a_case_refuses(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: How can I delete my account?"), ruleset)
    assert verdict.category == Category.REJECTION, verdict.evidence


def test_a_bare_cannot_outside_a_case_refuses_nothing(ruleset: Ruleset) -> None:
    text = "You can't. Not this weekend: our big sale ends on Sunday!"
    verdict = classify(_reply(text, "Miss this? You can't.", in_case=False), ruleset)
    assert verdict.category != Category.REJECTION, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "It is now possible to delete your account yourself under Settings.",
        "È ora possibile eliminare il tuo account dalle impostazioni.",
        "Es ist jetzt möglich, dein Konto selbst zu löschen.",
        "Il est désormais possible de supprimer votre compte depuis votre profil.",
        "Ya puedes eliminar tu cuenta desde los ajustes.",
    ],
    ids=["en", "it", "de", "fr", "es"],
)
def test_self_service_that_exists_now_is_a_redirect(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset)
    assert verdict.category == Category.REJECTION, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "We are unable to identify you from an unsigned letter, so we cannot answer it.",
        "Non è possibile identificarla con certezza, quindi non possiamo rispondere.",
        "Eine eindeutige Identifizierung Ihrer Person ist hierbei nicht möglich.",
        "Nous ne pouvons pas vous identifier à partir de ce courriel.",
        "No podemos identificarle con los datos facilitados.",
    ],
    ids=["en", "it", "de", "fr", "es"],
)
def test_identification_not_possible_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Access request"), ruleset)
    assert verdict.category == Category.IDENTITY_CHECK, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Sorry, it's not entirely clear to me what you would like us to do. Could you put it another way?",
        "Non ci è del tutto chiaro cosa ci chiedi: puoi riformulare la richiesta?",
        "Uns ist nicht ganz klar, was Sie von uns möchten. Könnten Sie es anders formulieren?",
        "Il n'est pas très clair pour nous ce que vous souhaitez. Pourriez-vous reformuler ?",
        "No hemos podido determinar qué nos pides. ¿Puedes reformular tu mensaje?",
    ],
    ids=["en", "it", "de", "fr", "es"],
)
def test_not_clear_what_you_want_is_a_clarification(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: My data"), ruleset)
    assert verdict.category == Category.CLARIFICATION, verdict.evidence


def test_purpose_clauses_are_data(ruleset: Ruleset) -> None:
    """The purpose clauses are read from rules/relevance.toml, and a consequence is none of them."""
    purpose = ruleset.relevance.purpose
    assert purpose is not None
    assert purpose.search("please tell us your number, so that we can ")
    assert purpose.search("damit wir ")
    assert not purpose.search("we found it, so we have ")


WISH_REDIRECTS = [
    "If you want to delete your account, you can do so in Settings > Privacy.",
    "Se vuoi eliminare il tuo account, puoi farlo dalle impostazioni del profilo.",
    "Wenn Sie Ihr Konto löschen möchten, können Sie das selbst in den Einstellungen tun.",
    "Si vous souhaitez supprimer votre compte, vous pouvez le faire depuis les paramètres.",
    "Si quieres eliminar tu cuenta, puedes hacerlo desde los ajustes de la app.",
]


@pytest.mark.parametrize("text", WISH_REDIRECTS, ids=["en", "it", "de", "fr", "es"])
def test_a_redirect_conditioned_on_the_persons_wish_is_a_redirect(text: str, ruleset: Ruleset) -> None:
    """ "If you want to delete your account, you can do so in Settings": the wish names the request."""
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset)
    assert verdict.category == Category.REJECTION, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "If you want to delete your account, you can do so in Settings, or reply here and we'll delete it for you.",
        "Se vuoi eliminare il tuo account, puoi farlo dalle impostazioni, oppure possiamo farlo noi.",
    ],
    ids=["en", "it"],
)
def test_a_wish_redirect_beside_an_offer_to_act_refuses_nothing(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset)
    assert verdict.category != Category.REJECTION, verdict.evidence


def test_a_conditional_redirect_on_something_else_stays_conditional(ruleset: Ruleset) -> None:
    """Only the person's wish is lifted: "if your account is older than 2020, you can…" still conditions."""
    text = "If your account was created before 2020, you can do so in Settings."
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset)
    assert verdict.category != Category.REJECTION, verdict.evidence


def test_that_way_we_can_is_a_purpose(ruleset: Ruleset) -> None:
    text = "Could you send us the mobile number on your booking? That way we can action your opt-out today."
    verdict = classify(_reply(text), ruleset)
    assert verdict.category == Category.REQUEST_INFO, verdict.evidence


def test_processing_continued_in_the_present_is_a_refusal(ruleset: Ruleset) -> None:
    text = "Sie haben keine besonderen Gründe dargelegt. Wir setzen die Verarbeitung daher fort."
    verdict = classify(_reply(text), ruleset)
    assert verdict.category == Category.REJECTION, verdict.evidence
