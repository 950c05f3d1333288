"""Classifier red team 16: lookalikes of round 14's rules, the same words about something else (issue 11)."""

from __future__ import annotations

import pytest
from conftest import store_reply, team_reply

from mailbot.classify import classify
from mailbot.models import Category, Message
from mailbot.rules import Ruleset, bundled_rules


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


@pytest.fixture(scope="module")
def with_model() -> Ruleset:
    """The bundled rules with the text model's second opinion, as `mailbot` runs them."""
    return bundled_rules()


LANGS = ["en", "it", "de", "fr", "es"]


def _reply(text: str, subject: str = "Re: Delete my account") -> Message:
    """A team's reply inside a case, under a subject that names a request."""
    return store_reply(text, subject)


def _notice(text: str, subject: str, sender: str = "notification@facebookmail.com") -> Message:
    """A platform's notification that replies to nothing."""
    return team_reply(text, subject, sender, "Platform", in_case=False)


# A moderation outcome about content the person reported: "no action" is about the post, not about a request.
REPORTED_CONTENT_STAYS = [
    "We looked at the photo you reported and decided to take no action, as it doesn't go against our Community "
    "Standards. We can't take any further action on it.",
    "Abbiamo controllato il commento che hai segnalato e abbiamo deciso di non adottare alcuna misura: non viola le "
    "nostre Linee guida.",
    "Wir haben das gemeldete Profil geprüft und entschieden, keine Maßnahmen zu ergreifen, da es nicht gegen unsere "
    "Gemeinschaftsrichtlinien verstößt.",
    "Nous avons examiné la vidéo signalée et décidé de ne pas prendre de mesures : elle respecte nos Standards de la "
    "communauté.",
    "Revisamos el perfil que denunciaste y decidimos no tomar ninguna medida: no infringe nuestras Normas "
    "comunitarias. No podemos tomar más medidas.",
]


@pytest.mark.parametrize("text", REPORTED_CONTENT_STAYS, ids=LANGS)
def test_a_reported_post_left_up_is_unrelated(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Your report"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_no_action_on_the_objection_is_still_a_refusal(ruleset: Ruleset) -> None:
    """The same decision about the person's objection refuses it."""
    text = "We have decided to take no action on your objection, as the processing rests on our contract with you."
    verdict = classify(_reply(text, "Re: Objection"), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


# A service's retirement notice hands over an export nobody asked for.
SERVICE_RETIRED = [
    "Google Keep Chrome app is shutting down. Here is a copy of all your personal data from the app: click the link "
    "below to download your data.",
    "L'app verrà ritirata a marzo. Qui sotto troverai il link per scaricare una copia dei dati delle tue note.",
    "Die App wird Ende März eingestellt. Anbei erhalten Sie die Kopie Ihrer gespeicherten Daten als Export.",
    "L'application ne sera plus disponible en mars. Voici l'export de toutes vos données de notes.",
    "La aplicación dejará de estar disponible en marzo. Le adjuntamos una copia de sus datos personales.",
]


@pytest.mark.parametrize("text", SERVICE_RETIRED, ids=LANGS)
def test_a_retired_services_export_is_no_copy_handed_over(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Changes to the app", "no-reply@google.com"), ruleset)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


# Account-safety tips describe how support checks an owner, asking nothing now.
SAFETY_TIPS = [
    "If you contact support about a locked account, we'll ask you to confirm at least three of the following: "
    "recent e-mail subjects, contacts, your date of birth.",
    "Quando contatti l'assistenza per un account bloccato, ti chiederemo di confermare almeno tre dei seguenti dati "
    "e una copia del documento d'identità.",
    "Wenn Sie sich an den Support wenden, bitten wir Sie, Ihre Identität mit einer Kopie Ihres Ausweises zu "
    "bestätigen.",
    "Lorsque vous contactez le support, nous vous demanderons de confirmer votre identité avec une pièce d'identité.",
    "Cuando contactas a nuestro soporte, te pediremos que confirmes tu identidad con una copia de tu DNI.",
]


@pytest.mark.parametrize("text", SAFETY_TIPS, ids=LANGS)
def test_account_safety_tips_ask_for_no_identity_check(text: str, ruleset: Ruleset) -> None:
    message = _notice(text, "Keep your account safe", "account-security-noreply@accountprotection.microsoft.com")
    verdict = classify(message, ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


# An event's check-in asks for ID to hand out a badge.
EVENT_CHECK_IN = [
    "See you tomorrow! Please bring photo ID to collect your badge at the registration desk.",
    "Ti aspettiamo domani: porta un documento d'identità per ritirare il badge.",
    "Bitte bringen Sie Ihren Personalausweis mit, damit wir Ihnen am Eingang Ihr Namensschild geben können.",
    "Munissez-vous d'une pièce d'identité pour retirer votre badge à l'accueil.",
    "Trae tu DNI para recoger la acreditación en la entrada.",
]


@pytest.mark.parametrize("text", EVENT_CHECK_IN, ids=LANGS)
def test_an_events_id_check_in_is_unrelated(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Event reminder", "events-noreply@google.com"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_an_id_ask_in_a_case_is_still_an_identity_check(ruleset: Ruleset) -> None:
    text = "Before we can act on your request, please send us a copy of your passport or photo ID."
    verdict = classify(_reply(text, "Re: Access request"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


# A sign-in help asks "another address used?" of someone who cannot log in, not of a request.
SIGN_IN_HELP = [
    "Having trouble logging in? Did you sign up with a different email address? Try your phone number instead.",
    "Non riesci ad accedere? È possibile che ti sia registrata con un altro indirizzo email.",
    "Probleme bei der Anmeldung? Kann es sein, dass Sie sich mit einer anderen E-Mail-Adresse registriert haben?",
    "Impossible de vous connecter ? Est-il possible que vous vous soyez inscrite avec une autre adresse ?",
    "¿Problemas para iniciar sesión? Es posible que te hayas registrado con otra dirección de correo.",
]


@pytest.mark.parametrize("text", SIGN_IN_HELP, ids=LANGS)
def test_sign_in_help_is_unrelated(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Log-in help", "no-reply@mail.instagram.com"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_another_address_in_a_case_is_still_an_ask(ruleset: Ruleset) -> None:
    text = "È possibile che si sia registrata con un altro indirizzo? Ce lo indichi, per favore."
    verdict = classify(_reply(text, "R: Cancellazione"), ruleset, known_thread=True)
    assert verdict.category is Category.REQUEST_INFO, verdict.evidence


# A backup reminder, a storage warning, a year in review: the person's data, no request answered.
BACKUP_NOTICES = [
    "Your storage is almost full. Click the link below to download your data, then free up space.",
    "Il tuo anno su Instagram: in allegato trovi i tuoi dati personali più belli del 2026.",
    "Dein Jahresrückblick ist da: im Anhang findest du deine Daten des Jahres.",
    "Votre espace de stockage est presque plein : voici une copie de vos données à télécharger.",
    "La copia de seguridad se completó: tus datos se exportaron con éxito a Google Drive.",
]


@pytest.mark.parametrize("text", BACKUP_NOTICES, ids=LANGS)
def test_backup_and_storage_notices_are_unrelated(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text, "Your account", "no-reply@google.com"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_the_copy_handed_over_in_a_case_is_still_an_acceptance(ruleset: Ruleset) -> None:
    text = "Further to your request, here is a copy of all your personal data that we hold."
    verdict = classify(_reply(text, "Re: Subject access request"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_an_attachment_about_how_requests_are_handled_is_no_copy(ruleset: Ruleset) -> None:
    text = (
        "Attached is all the information about how we handle deletion requests. Your request is being processed "
        "and we will confirm the outcome within one month."
    )
    verdict = classify(_reply(text, "Re: Erasure request"), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_product_news_with_a_support_footer_is_unrelated(ruleset: Ruleset) -> None:
    text = "What's new in Drive this month. Read the full update online. Support is only provided via the Help Center."
    verdict = classify(_notice(text, "Drive news", "no-reply@google.com"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_a_product_finder_is_no_clarification(ruleset: Ruleset) -> None:
    text = "Not sure what you need? Take our 1-minute quiz and we'll recommend the right phone for you."
    verdict = classify(_notice(text, "Find your phone", "googlestore-noreply@google.com"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


# Inside a case: "won't happen again" about a delivery, "it is deleted now" about spam or a duplicate.
def test_wont_happen_again_about_a_delivery_is_no_grant(ruleset: Ruleset) -> None:
    text = (
        "Sorry your parcel arrived a week late, we've spoken to the courier and it won't happen again. Your "
        "request about the marketing e-mails has been passed to our privacy team."
    )
    verdict = classify(_reply(text, "Re: Stop marketing e-mails"), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_wont_happen_again_about_the_mails_is_still_a_grant(ruleset: Ruleset) -> None:
    verdict = classify(_reply("Sorry about the newsletters, it won't happen again."), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


SPAM_DELETED = [
    "Someone posted a spam link here, it is deleted now.",
    "Qualcuno ha pubblicato un link di spam qui: il link di spam è stato eliminato.",
    "Jemand hat hier einen Spam-Link gepostet, der Spam-Link wurde gelöscht.",
    "Quelqu'un a publié un lien de spam ici, le lien de spam a été supprimé.",
    "Alguien publicó un enlace de spam aquí; el enlace de spam ya fue eliminado.",
]


@pytest.mark.parametrize("text", SPAM_DELETED, ids=LANGS)
def test_a_spam_post_deleted_in_the_thread_is_no_grant(text: str, ruleset: Ruleset) -> None:
    message = team_reply(text, "Re: [acme/tracker] Please delete my data (#412)", "notifications@github.com", "M")
    verdict = classify(message, ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_it_is_deleted_now_alone_is_still_a_grant(ruleset: Ruleset) -> None:
    message = team_reply("It is deleted now.", "Re: [acme/tracker] Please delete my data (#412)")
    verdict = classify(message, ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_a_spam_post_deleted_is_no_grant_with_the_model(with_model: Ruleset) -> None:
    """The text model breaks no tie towards a grant here: the rules' housekeeping reading decides."""
    text = "Someone posted a spam link in this issue, it is deleted now. Please don't click links posted by strangers."
    message = team_reply(text, "Re: [acme/tracker] Please delete my data (#412)", "notifications@github.com", "M")
    verdict = classify(message, with_model, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_did_you_sign_up_with_another_address_is_an_ask(ruleset: Ruleset) -> None:
    """Nothing found and "did you perhaps sign up with a different address?": the ask decides, not the outcome."""
    text = (
        "We could not find any account associated with this address. Did you perhaps sign up with a different "
        "email address? Please let us know."
    )
    verdict = classify(_reply(text, "Re: Please delete my data"), ruleset, known_thread=True)
    assert verdict.category is Category.REQUEST_INFO, verdict.evidence
