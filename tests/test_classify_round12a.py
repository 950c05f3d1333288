"""Classifier round 12a: real replies' families: export ready, erasure or closing done, confirm by link or code."""

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


LANGS = ["en", "it", "de", "fr", "es"]
NOT_A_REPLY = {Category.UNRELATED, Category.UNKNOWN}


_reply = store_reply


def _notice(text: str, subject: str) -> Message:
    """A service's mail that answers nothing (no thread), under a subject that names no request."""
    return team_reply(text, subject, "no-reply@store.example", "Store", in_case=False)


THE_EXPORT_IS_READY = [
    "Hello Jane, attached is a copy of all the personal data we hold about you.",
    "Ciao Jane, i dati del tuo account sono pronti per essere scaricati dall'area riservata.",
    "Hallo Jane, Ihre Daten wurden zusammengestellt und Sie können sie ab sofort herunterladen.",
    "Bonjour Jane, vos données sont désormais disponibles au téléchargement dans votre espace client.",
    "Hola Jane, tus datos ya están disponibles para descargar desde tu perfil.",
]


@pytest.mark.parametrize("text", THE_EXPORT_IS_READY, ids=LANGS)
def test_an_export_that_is_ready_answers_the_access_request(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_a_copy_to_download_yourself_at_any_time_is_no_acceptance(ruleset: Ruleset) -> None:
    """Self-service ("you can download it yourself in the settings") redirects; nothing was prepared."""
    text = (
        "Eine Kopie Ihrer Daten können Sie jederzeit selbst herunterladen: Einstellungen > Datenschutz. "
        "Datenanfragen per E-Mail können wir nicht bearbeiten."
    )
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.ACCEPTANCE


CLOSED_OR_ERASED = [
    "Your membership at Example Club has been cancelled.",
    "Il tuo account è stato chiuso.",
    "Ihr Kundenkonto wurde geschlossen.",
    "Votre compte a bien été clôturé.",
    "Su cuenta ha sido dada de baja.",
]


@pytest.mark.parametrize("text", CLOSED_OR_ERASED, ids=LANGS)
def test_an_account_closed_in_a_case_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


TERSE_DONE = [
    "Sorry for the delay - this is done now.",
    "Removed, and sorry it took so long.",
    "I did that a few minutes ago.",
    "We rewrote the history and force-pushed, so your old address no longer shows.",
    "Fatto, scusa il ritardo.",
    "Erledigt, sorry für die Verspätung.",
    "C'est fait, désolé pour le délai.",
    "Hecho, perdón por la demora.",
]


@pytest.mark.parametrize("text", TERSE_DONE)
def test_a_terse_done_inside_a_case_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: [tools] Please remove my e-mail"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize("text", TERSE_DONE[:4])
def test_a_terse_done_outside_a_case_is_no_reply(text: str, ruleset: Ruleset) -> None:
    """The same words confirm anything elsewhere: only a case's thread says what was done."""
    assert classify(_notice(text, "Weekly digest"), ruleset).category in NOT_A_REPLY


def test_nothing_found_under_neither_nor_answers_the_request(ruleset: Ruleset) -> None:
    text = "Unter Ihrem Namen konnten wir weder ein Kundenkonto noch sonstige Daten finden."
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.ACCEPTANCE


CONFIRM_BY_LINK_OR_CODE = [
    "Tap the link below to delete your account for good.",
    "Hai chiesto di chiudere il tuo account. Per confermarlo, clicca sul pulsante qui sotto.",
    "Bevor wir Ihren Antrag bearbeiten können, müssen Sie zuerst Ihre E-Mail-Adresse bestätigen.",
    "Pour valider votre demande, cliquez sur le bouton ci-dessous.",
    "Antes de poder tramitar tu solicitud debes confirmar tu correo electrónico con el enlace que te enviamos.",
]


@pytest.mark.parametrize("text", CONFIRM_BY_LINK_OR_CODE, ids=LANGS)
def test_confirming_by_a_link_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Your data request verification code is 55120. Enter it on the Privacy page to continue.",
        "Write to me from your account's email address and I'll remove it.",
        "You have to prove that you are the legit owner of that account.",
    ],
)
def test_a_code_or_the_accounts_own_address_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_a_link_labelled_in_the_first_person_is_no_confirmed_erasure(ruleset: Ruleset) -> None:
    """The link labelled "Conferma la cancellazione del mio account" is the button the person is asked to press."""
    text = (
        "Hai richiesto l'eliminazione del tuo account. Per confermarla, clicca sul link qui sotto:\n\n"
        "Conferma la cancellazione del mio account: https://app.example.it/conferma/51c2"
    )
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


LOOKALIKES = [
    ("Your spring catalogue is ready to download! Click the link below to get it.", "Our spring catalogue"),
    ("Click the link below to delete your account.", "News from Store"),
    (
        "Sie haben angefordert, Ihr Passwort zurückzusetzen. Klicken Sie auf den folgenden Link. Wenn Sie das "
        "nicht angefordert haben, ignorieren Sie diese E-Mail.",
        "Passwort zurücksetzen",
    ),
    ("Tu código de inicio de sesión es 552913. Si no has sido tú, ignora este mensaje.", "Código de acceso"),
    (
        "Conformément au RGPD, nous anonymisons automatiquement les données des clients inactifs. Seules les "
        "données permettant de vous identifier sont anonymisées.",
        "Votre compte va bientôt être anonymisé",
    ),
    ("Il tuo account sarà presto eliminato per inattività. Accedi per mantenerlo attivo.", "Il tuo account"),
]


@pytest.mark.parametrize(("text", "subject"), LOOKALIKES)
def test_lookalikes_outside_a_case_are_no_replies(text: str, subject: str, ruleset: Ruleset) -> None:
    """Newsletters, password resets, sign-in codes and inactivity notices answer no request."""
    verdict = classify(_notice(text, subject), ruleset)
    assert verdict.category in NOT_A_REPLY, verdict.evidence


def test_a_suspension_in_a_case_is_no_acceptance(ruleset: Ruleset) -> None:
    text = "Your account has been deactivated because it violates our community guidelines."
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.ACCEPTANCE


def test_ignore_it_if_you_did_not_ask_alone_asks_nothing(ruleset: Ruleset) -> None:
    text = "If you did not request this, you can safely ignore this email."
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.IDENTITY_CHECK


@pytest.mark.parametrize(
    "text",
    [
        "We've reviewed your objection and have decided to honour it.",
        "Thanks for your patience. We looked at your objection and we're going to honour it from now on.",
    ],
)
def test_an_objection_honoured_as_it_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_an_objection_not_honoured_is_no_acceptance(ruleset: Ruleset) -> None:
    text = "We've reviewed your objection and have decided not to honour it."
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.ACCEPTANCE


def test_no_account_of_a_named_service_found_answers_the_request(ruleset: Ruleset) -> None:
    text = "We were unable to locate any Example Account, or other personal data, associated with these identifiers."
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.ACCEPTANCE


@pytest.mark.parametrize(
    "text",
    [
        "We can only act on requests that come from the email address registered to the account. Please send your "
        "request again from the email address you use to sign in.",
        "Please reply from the email address verified on your account.",
        "To protect your information, we need you to confirm the request before we process it.",
        "Non possiamo dare seguito alla richiesta finché non avremo verificato la tua identità.",
    ],
)
def test_proof_of_the_request_from_the_account_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Hemos revisado tu solicitud y atenderemos tu oposición a partir de ahora.",
        "Se ha procedido a suprimir sus datos del boletín. Con ello se da por atendida su solicitud.",
        "Wir haben Ihren Antrag geprüft und die folgenden URLs in den Suchergebnissen blockiert.",
        "Images of you will no longer appear in our search results.",
        "We have now started the process to fulfil your full deletion request.",
        "Your account has been suspended as you requested and will be deleted after 30 days.",
    ],
)
def test_outcomes_named_by_their_effect_are_acceptances(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_removed_as_requested_by_someone_else_is_no_acceptance(ruleset: Ruleset) -> None:
    text = "Your post has been removed as requested by the copyright holder."
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.ACCEPTANCE


THE_DELETION_IS_COMPLETE = [
    "Your account deletion is complete.",
    "La cancellazione del tuo account è stata completata.",
    "Die Löschung Ihres Kontos ist abgeschlossen.",
    "La suppression de votre compte est terminée.",
    "La eliminación de tu cuenta se ha completado.",
]


@pytest.mark.parametrize("text", THE_DELETION_IS_COMPLETE, ids=LANGS)
def test_a_deletion_named_complete_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


DELETION_TO_COMPLETE_LATER = [
    "Once the deletion is complete, we will send you a confirmation.",
    "Una volta che la cancellazione sarà completata, ti invieremo una conferma.",
    "Sobald die Löschung abgeschlossen ist, erhalten Sie eine Bestätigung.",
    "La suppression de votre compte n'est pas encore terminée.",
    "Cuando la eliminación se haya completado, te enviaremos una confirmación.",
]


@pytest.mark.parametrize("text", DELETION_TO_COMPLETE_LATER, ids=LANGS)
def test_a_deletion_still_to_complete_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.ACCEPTANCE


SELF_SERVICE_DOWNLOAD = [
    "You can download your data at any time from Settings > Privacy > Download your information.",
    "Puoi scaricare i tuoi dati in qualsiasi momento dalle impostazioni del tuo account.",
    "Sie können Ihre Daten jederzeit selbst in den Einstellungen herunterladen.",
    "Vous pouvez télécharger vos données à tout moment depuis les paramètres de votre compte.",
    "Puedes descargar tus datos en cualquier momento desde la configuración de tu cuenta.",
]


@pytest.mark.parametrize("text", SELF_SERVICE_DOWNLOAD, ids=LANGS)
def test_a_download_left_to_the_person_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.ACCEPTANCE


UNTIL_YOU_CONFIRM = [
    "Your request will not be processed until you confirm it via the link in this email.",
    "Non possiamo procedere finché non confermi la richiesta.",
    "Um Ihre Löschanfrage abzuschließen, klicken Sie bitte auf den Bestätigungslink.",
    "Nous ne pouvons pas traiter votre demande tant que vous n'aurez pas confirmé votre adresse.",
    "Para completar tu solicitud de eliminación, haz clic en el enlace de confirmación.",
]


@pytest.mark.parametrize("text", UNTIL_YOU_CONFIRM, ids=LANGS)
def test_a_request_held_until_confirmed_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_until_you_confirm_which_option_is_no_identity_check(ruleset: Ruleset) -> None:
    text = "No podemos tramitar tu solicitud hasta que confirmes si quieres borrar la cuenta o solo los datos."
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.IDENTITY_CHECK


INFORMAL_DONE = [
    "Ok, it's been deleted.",
    "Should be gone now.",
    "Closed your account and deleted the data.",
    "Your profile no longer exists on our platform.",
    "The page has been taken offline.",
    "Your email address is not in our database.",
    "Erledigt, dein Konto ist weg.",
    "Il tuo profilo non esiste più.",
    "Ton compte n'existe plus.",
    "Tu cuenta ya no existe.",
]


@pytest.mark.parametrize("text", INFORMAL_DONE)
def test_informal_done_inside_a_case_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Please delete my account"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize("text", INFORMAL_DONE[:6])
def test_informal_done_outside_a_case_is_no_reply(text: str, ruleset: Ruleset) -> None:
    assert classify(_notice(text, "Weekly digest"), ruleset).category in NOT_A_REPLY


def test_no_account_beside_a_question_is_left_to_the_person(ruleset: Ruleset) -> None:
    text = "There is no account with that email. Which email did you sign up with?"
    verdict = classify(_reply(text, "Re: Please delete my account"), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "We did this to protect your account.",
        "That's how it's done.",
        "Click the link below to complete a short survey about your experience.",
    ],
)
def test_done_and_click_words_that_report_nothing_are_no_verdict(text: str, ruleset: Ruleset) -> None:
    """An explanation, a how-to or a satisfaction survey in the case's thread neither grants nor checks."""
    verdict = classify(_reply(text, "Re: Please delete my account"), ruleset, known_thread=True)
    assert verdict.category not in {Category.ACCEPTANCE, Category.IDENTITY_CHECK}, verdict.evidence


def test_a_self_service_step_to_complete_the_request_is_no_identity_check(ruleset: Ruleset) -> None:
    text = "To complete your request, please click here and log in to your privacy settings."
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.IDENTITY_CHECK


WRITE_FROM_THE_REGISTERED_ADDRESS = [
    "Please send the request from your registered email so I can verify it's you.",
    "Puoi scrivermi dall'indirizzo email con cui ti sei registrato?",
    "Bitte schreib uns von der E-Mail-Adresse deines Kontos, dann löschen wir es.",
    "Pouvez-vous m'écrire depuis l'adresse e-mail de votre compte ?",
    "¿Puedes escribirnos desde el correo con el que te registraste?",
]


@pytest.mark.parametrize("text", WRITE_FROM_THE_REGISTERED_ADDRESS, ids=LANGS)
def test_write_from_the_registered_address_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    """The account's own address proves who asks; it names no account to look up."""
    verdict = classify(_reply(text, "Re: Please delete my account"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_no_data_held_in_german_answers_the_request(ruleset: Ruleset) -> None:
    text = "Wir verfügen über keine personenbezogenen Daten zu Ihrer Person."
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.ACCEPTANCE


DONE_LATER = [
    ("We have started on it and will write to you once it is done.", "We have started on it, and it is done."),
    (
        "Abbiamo preso in carico la richiesta e ti scriveremo non appena è fatto.",
        "Abbiamo preso in carico la richiesta: è fatto.",
    ),
    ("Nous avons commencé et nous vous écrirons dès que c'est fait.", "Nous avons commencé et c'est fait."),
]


@pytest.mark.parametrize(("later", "now"), DONE_LATER, ids=["en", "it", "fr"])
def test_done_named_as_a_later_moment_is_no_acceptance(later: str, now: str, ruleset: Ruleset) -> None:
    """ "Once it is done" promises (round 12a's "it is done." met round 12b's receipts); "it is done" reports."""
    verdict = classify(_reply(later), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence
    assert classify(_reply(now), ruleset, known_thread=True).category is Category.ACCEPTANCE


INACTIVITY_PURGES = [
    "You haven't logged in for over two years, so we have deleted all data associated with your account.",
    "Non hai effettuato l'accesso da due anni: abbiamo eliminato tutti i dati associati al tuo account.",
    "Da keine Anmeldung festgestellt wurde, haben wir alle mit Ihrem Konto verbundenen Daten gelöscht.",
    "Nous n'avons détecté aucune connexion, par conséquent nous avons supprimé les données de votre compte.",
    "No hemos detectado ningún inicio de sesión, por lo que hemos eliminado los datos asociados a tu cuenta.",
]


@pytest.mark.parametrize("text", INACTIVITY_PURGES, ids=LANGS)
def test_a_purge_for_no_login_answers_no_request(text: str, ruleset: Ruleset) -> None:
    """A service's own housekeeping (heldout-real-14's French public service) grants nothing the person asked."""
    verdict = classify(_notice(text, "Your account"), ruleset)
    assert verdict.category in NOT_A_REPLY, verdict.evidence
