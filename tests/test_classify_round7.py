"""Classifier round 7: the families behind blind-g's and heldout-real-4's wrong replies (precision first)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import team_reply

from mailbot import classify as classify_module
from mailbot.classify import classify
from mailbot.models import Category, Message
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


def _reply(text: str, subject: str, sender: str = "support@lumenapp.example", name: str = "Lumen Support") -> Message:
    """A team's reply to the person's mail (In-Reply-To set) under the subject given."""
    return team_reply(text, subject, sender, name)


def _category(text: str, subject: str, ruleset: Ruleset) -> Category:
    return classify(_reply(text, subject), ruleset).category


PENDING_STEP = [
    "To protect your account we need you to confirm your identity with a short selfie video. "
    "Until you complete this step, we won't be able to process your request.",
    "Per proteggere il tuo account devi confermare la tua identità con un breve video selfie. "
    "Finché non completi questo passaggio, non potremo elaborare la tua richiesta.",
    "Zum Schutz deines Kontos musst du deine Identität mit einem kurzen Selfie-Video bestätigen. "
    "Bis du diesen Schritt abgeschlossen hast, können wir deine Anfrage nicht bearbeiten.",
    "Pour protéger votre compte, vous devez confirmer votre identité avec une courte vidéo selfie. "
    "Tant que cette étape n'est pas terminée, nous ne pourrons pas traiter votre demande.",
    "Para proteger tu cuenta, necesitamos que confirmes tu identidad con un vídeo selfie corto. "
    "Hasta que completes este paso, no podremos tramitar tu solicitud.",
]


@pytest.mark.parametrize("text", PENDING_STEP, ids=["en", "it", "de", "fr", "es"])
def test_a_refusal_until_a_step_is_done_is_the_step(text: str, ruleset: Ruleset) -> None:
    """ "Until you complete this step we cannot process it" waits for the check: it refuses nothing."""
    assert _category(text, "Re: Delete my account", ruleset) == Category.IDENTITY_CHECK


ASK_THEN_PROMISE = [
    "Let me know your email or username and I'll delete it for you.",
    "Dimmi il tuo nome utente e lo cancello subito.",
    "Schick mir deinen Benutzernamen und ich lösche es.",
    "Envoie-moi ton identifiant et je le supprime.",
    "Dime tu nombre de usuario y te lo borro.",
]


@pytest.mark.parametrize("text", ASK_THEN_PROMISE, ids=["en", "it", "de", "fr", "es"])
def test_a_promise_that_waits_for_an_ask_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    """ "Tell me your e-mail and I'll delete it": nothing is granted until the person answers."""
    assert _category(text, "Re: Account deletion?", ruleset) in (Category.REQUEST_INFO, Category.UNKNOWN)


IF_NOT_POSSIBLE = [
    "Your account deletion request has been registered. If deletion is not possible, the reasons will be "
    "shown in your customer area.",
    "La sua richiesta di cancellazione dell'account è stata registrata. Se la cancellazione non è possibile, "
    "i motivi saranno indicati nell'area clienti.",
    "Ihr Antrag auf Kontolöschung wurde registriert. Wenn die Löschung nicht möglich ist, werden die Gründe "
    "im Kundenbereich angezeigt.",
    "Votre demande de suppression de compte a bien été enregistrée. Si la suppression n'est pas possible, "
    "les raisons seront indiquées dans votre espace client.",
    "Su solicitud de eliminación de la cuenta se ha registrado. Si no es posible eliminar la cuenta, "
    "los motivos se indicarán en el área de cliente.",
]


@pytest.mark.parametrize("text", IF_NOT_POSSIBLE, ids=["en", "it", "de", "fr", "es"])
def test_if_not_possible_refuses_nothing(text: str, ruleset: Ruleset) -> None:
    """ "If deletion is not possible, the reasons will follow" is a receipt, not a refusal."""
    assert _category(text, "Re: Account deletion request", ruleset) != Category.REJECTION


WRONG_PERSON = [
    "We have several members with a similar name. So that we don't send your data to the wrong person, "
    "could you reply with your date of birth and membership number?",
    "Abbiamo più soci con un nome simile. Per non inviare i tuoi dati alla persona sbagliata, "
    "puoi indicarci la tua data di nascita e il numero di tessera?",
    "Wir haben mehrere Mitglieder mit ähnlichem Namen. Damit wir Ihre Daten nicht an die falsche Person "
    "schicken, nennen Sie uns bitte Ihr Geburtsdatum und Ihre Mitgliedsnummer.",
    "Plusieurs membres portent un nom proche. Pour ne pas envoyer vos données à la mauvaise personne, "
    "merci de nous indiquer votre date de naissance et votre numéro d'adhérent.",
    "Tenemos varios socios con un nombre parecido. Para no enviar sus datos a la persona equivocada, "
    "¿puede indicarnos su fecha de nacimiento y su número de socio?",
]


@pytest.mark.parametrize("text", WRONG_PERSON, ids=["en", "it", "de", "fr", "es"])
def test_details_asked_against_the_wrong_person_are_an_identity_check(text: str, ruleset: Ruleset) -> None:
    """Details asked so that the data does not reach the wrong person prove identity."""
    assert _category(text, "Re: My personal data", ruleset) == Category.IDENTITY_CHECK


DSA_NOTICE = [
    "We have disabled your account. You can appeal, or refer the decision to a certified out-of-court "
    "dispute settlement body.",
    "Abbiamo disattivato il tuo account. Puoi rivolgerti a un organismo di risoluzione extragiudiziale "
    "delle controversie.",
    "Wir haben dein Konto deaktiviert. Du kannst dich an eine außergerichtliche Streitbeilegungsstelle wenden.",
    "Nous avons désactivé votre compte. Vous pouvez saisir un organisme agréé de règlement des litiges.",
    "Hemos desactivado tu cuenta. Puedes acudir a un órgano de resolución extrajudicial de litigios.",
]


@pytest.mark.parametrize("text", DSA_NOTICE, ids=["en", "it", "de", "fr", "es"])
def test_a_moderation_decision_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    """A platform's account decision (DSA notice, no thread) answers no request: not an acceptance."""
    message = replace(
        _reply(text, "Your account", sender="security@facebookmail.com", name="Facebook"),
        in_reply_to="",
        references=(),
    )
    assert classify(message, ruleset).category in (Category.UNRELATED, Category.UNKNOWN)


def test_not_yet_on_your_own_refuses_nothing(ruleset: Ruleset) -> None:
    """ "You can't delete it yourself yet" says what self-service lacks, not what is decided."""
    text = "Sorry, you can't delete your account yourself yet. Could you confirm you really want it deleted?"
    assert _category(text, "Re: Delete my account", ruleset) != Category.REJECTION


def test_circumstances_mentioned_are_no_ask(ruleset: Ruleset) -> None:
    """ "It concerned your personal circumstances" mentions them; only an ask for them is one."""
    said = "We hid it because it concerned your personal circumstances."
    asked = "Please explain your personal circumstances that justify the objection."
    assert _category(said, "Re: Objection", ruleset) != Category.REQUEST_INFO
    assert _category(asked, "Re: Objection", ruleset) == Category.REQUEST_INFO


TERSE_DONE = ["@maintainer @jane-doe done", "Done~", "All done!"]


@pytest.mark.parametrize("text", TERSE_DONE)
def test_terse_done_in_a_case_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    """A maintainer's "done" under the person's deletion request confirms it; elsewhere it says nothing."""
    assert _category(text, "Re: [example/tool] Delete my account (#7)", ruleset) == Category.ACCEPTANCE
    stranger = replace(_reply(text, "Weekly digest"), in_reply_to="", references=())
    assert classify(stranger, ruleset).category is not Category.ACCEPTANCE


NOT_OFFERED = [
    "Hey, we don't actually offer that feature right now.",
    "Ciao, al momento non offriamo questa funzione.",
    "Hallo, diese Funktion bieten wir derzeit nicht an.",
    "Bonjour, nous ne proposons pas encore cette fonctionnalité.",
    "Hola, todavía no ofrecemos esa función.",
]


@pytest.mark.parametrize("text", NOT_OFFERED, ids=["en", "it", "de", "fr", "es"])
def test_a_feature_not_offered_is_a_refusal_in_a_case(text: str, ruleset: Ruleset) -> None:
    """ "We don't offer that feature" answering a removal request refuses it."""
    assert _category(text, "Re: [example/tool] removal request (#3)", ruleset) == Category.REJECTION


ASK_THIRD_PARTY = [
    "We only display what the public relays hold; you should ask them to remove your data.",
    "Mostriamo solo ciò che hanno i server pubblici: dovresti chiedere ai gestori di rimuovere i tuoi dati.",
    "Wir zeigen nur, was die Server haben; du musst die Betreiber bitten, deine Daten zu löschen.",
    "Nous n'affichons que ce que les serveurs publient : vous devez leur demander de supprimer vos données.",
    "Solo mostramos lo que tienen los servidores; debes pedirles que eliminen tus datos.",
]


@pytest.mark.parametrize("text", ASK_THIRD_PARTY, ids=["en", "it", "de", "fr", "es"])
def test_sending_the_person_to_a_third_party_is_a_refusal(text: str, ruleset: Ruleset) -> None:
    """ "You should ask them to remove it" hands the request to someone else: a redirect."""
    assert _category(text, "Re: where to send data deletion requests?", ruleset) == Category.REJECTION


def test_manually_removed_your_entry_is_an_acceptance(ruleset: Ruleset) -> None:
    """ "I have manually removed your server from the index" inside a case grants the removal."""
    text = "I have manually removed your server from the index."
    assert _category(text, "Re: Please remove my data", ruleset) == Category.ACCEPTANCE


DECIDED_TO_GRANT = [
    "After this assessment, we have decided to remove the URLs you listed from the search results.",
    "In seguito a questa valutazione, abbiamo deciso di rimuovere gli URL che hai indicato.",
    "Nach dieser Prüfung haben wir uns entschieden, die von Ihnen genannten URLs zu entfernen.",
    "À l'issue de cet examen, nous avons décidé de supprimer les URL que vous avez indiquées.",
    "Tras esta evaluación, hemos decidido retirar las URL que nos indicaste.",
]
DECIDED_NOT_TO = [
    "After this assessment, we have decided not to remove the URLs you listed.",
    "In seguito a questa valutazione, abbiamo deciso di non rimuovere gli URL.",
    "Nach dieser Prüfung haben wir uns entschieden, die URLs nicht zu entfernen.",
    "À l'issue de cet examen, nous avons décidé de ne pas supprimer les URL.",
    "Tras esta evaluación, hemos decidido no retirar las URL.",
]


@pytest.mark.parametrize(
    ("granted", "refused"), list(zip(DECIDED_TO_GRANT, DECIDED_NOT_TO, strict=True)), ids=["en", "it", "de", "fr", "es"]
)
def test_decided_to_remove_grants_and_decided_not_to_does_not(granted: str, refused: str, ruleset: Ruleset) -> None:
    """ "We have decided to remove the URLs" is an acceptance; "decided not to" is none."""
    assert _category(granted, "Re: Removal request", ruleset) == Category.ACCEPTANCE
    assert _category(refused, "Re: Removal request", ruleset) != Category.ACCEPTANCE


def test_unless_the_person_changes_settings_conditions_nothing(ruleset: Ruleset) -> None:
    """A reversal left to the person ("unless you change your settings") does not make a decision conditional."""
    done = "Your objection has been accepted: we've stopped using your data for ads, unless you change your settings."
    promised = "We will stop using your information for ads unless we hear otherwise from your employer."
    assert _category(done, "Re: Objection", ruleset) == Category.ACCEPTANCE
    assert _category(promised, "Re: Objection", ruleset) != Category.ACCEPTANCE


def test_which_of_two_readings_is_an_ask(ruleset: Ruleset) -> None:
    """ "When you say X, do you mean A, B, or both?" asks which processing the request is about."""
    text = 'When you say you object to "profiling", do you mean music recommendations, ad targeting, or both?'
    assert _category(text, "Re: Your privacy request", ruleset) == Category.REQUEST_INFO


TICKET_CREATED = [
    "Handling your erasure request needs our teams' attention. A ticket has been created to follow it.",
    "La tua richiesta richiede un trattamento particolare. È stato creato un ticket per seguirne lo stato.",
    "Ihre Anfrage erfordert eine besondere Bearbeitung. Ein Ticket wurde erstellt, um den Stand zu verfolgen.",
    "Votre demande nécessite un traitement particulier. Un ticket a été créé pour en suivre l'état.",
    "Su solicitud requiere un tratamiento especial. Se ha creado un ticket para seguir su estado.",
]


@pytest.mark.parametrize("text", TICKET_CREATED, ids=["en", "it", "de", "fr", "es"])
def test_a_ticket_created_is_a_receipt(text: str, ruleset: Ruleset) -> None:
    """ "A ticket has been created to follow your request" acknowledges it."""
    assert _category(text, "Re: Erasure request", ruleset) == Category.ACKNOWLEDGEMENT


def test_processing_that_remains_necessary_refuses(ruleset: Ruleset) -> None:
    """ "Our processing of your personal information remains necessary" keeps processing: a refusal."""
    text = "Our processing of your personal information was, and remains, necessary for us to provide our service."
    assert _category(text, "Re: Right to erasure request", ruleset) == Category.REJECTION


def test_asked_to_pick_an_option_is_an_ask(ruleset: Ruleset) -> None:
    """Offering two ways and asking which one the person wants is a request for information."""
    text = "We can anonymise the request or close the account. Please let us know which option you prefer."
    assert _category(text, "Re: Please remove my request", ruleset) == Category.REQUEST_INFO


def test_plans_are_kept_per_ruleset_object(ruleset: Ruleset) -> None:
    """The plan is built once per ruleset and language, and another ruleset (even an equal one) gets its own."""
    first = classify_module._plan(ruleset, "en", True)
    assert classify_module._plan(ruleset, "en", True) is first
    other = replace(ruleset)
    theirs = classify_module._plan(other, "en", True)
    assert theirs is not first
    assert [entry[0].id for entry in theirs] == [entry[0].id for entry in first]
    assert classify_module._plan(ruleset, "de", True) is not first
