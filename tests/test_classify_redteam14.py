"""Classifier red team 14: platforms' notifications the rules left to the text model's fill (issue 11)."""

from __future__ import annotations

import pytest
from conftest import team_reply

from mailbot.classify import classify
from mailbot.models import Category, Message
from mailbot.rules import Ruleset, bundled_rules


@pytest.fixture(scope="module")
def with_model() -> Ruleset:
    """The bundled rules with the text model's second opinion, as `mailbot` runs them."""
    return bundled_rules()


LANGS = ["en", "it", "de", "fr", "es"]


def _forum(text: str) -> Message:
    """A platform's community forum notification, in no thread."""
    return team_reply(text, "New reply", "community-noreply@google.com", "Community", in_case=False)


def _in_case(text: str, sender: str = "noreply@accounts.google.com") -> Message:
    """A platform's automated mail that lands in the thread of the person's request."""
    return team_reply(text, "Re: My request", sender, "Google", in_case=True)


# A post quoting a platform's decision, quoted again by the forum's notification: the inner quote escaped the
# quoted-span guard, so the rules (and the text model, by 0.96) read the platform's words as the sender's.
FORUM_QUOTES = [
    "Alex_T replied to a thread you follow: \u201cThey wrote back: \"Your objection has been accepted and we have "
    'stopped processing your data for ads." Took a month.\u201d View the thread to reply.',
    'Marta_V ha risposto in una discussione che segui: \u00abMi hanno scritto: "Abbiamo cancellato tutti i suoi dati '
    'personali." Ci sono volute due settimane.\u00bb Rispondi nella community.',
    "In einer Diskussion, der Sie folgen, hat Jonas_W geantwortet: \u201eDie Antwort lautete: \u201aIhre Daten wurden "
    "vollst\u00e4ndig gel\u00f6scht.\u2018 Hat also geklappt.\u201c Antworten Sie in der Community.",
    'Julie_M a r\u00e9pondu dans un fil que vous suivez : \u00ab On m\'a r\u00e9pondu : "Nous avons fait droit \u00e0 '
    'votre opposition et vos donn\u00e9es ont \u00e9t\u00e9 supprim\u00e9es." Il faut \u00eatre patient. \u00bb',
    'Diego_R ha comentado en un hilo que sigues: \u00abMe contestaron: "Hemos dejado de tratar sus datos con fines '
    'publicitarios y los hemos suprimido." As\u00ed que funciona.\u00bb Responder en la Comunidad.',
]


@pytest.mark.parametrize("text", FORUM_QUOTES, ids=LANGS)
def test_a_forum_notification_quoting_a_decision_is_unrelated(text: str, rules_alone: Ruleset) -> None:
    """The quoted post, however it nests its quotes, is never the sender's own decision."""
    verdict = classify(_forum(text), rules_alone)
    assert verdict.category is Category.UNRELATED, verdict.evidence


@pytest.mark.parametrize("text", FORUM_QUOTES, ids=LANGS)
def test_a_forum_notification_quoting_a_decision_gets_no_reply(text: str, with_model: Ruleset) -> None:
    """With the text model too: where the rules abstained, its fill would have granted the quoted acceptance."""
    verdict = classify(_forum(text), with_model)
    assert not verdict.category.gets_reply, verdict.evidence


SURVEYS = [
    "We'd love your feedback. How satisfied were you with the answer to your enquiry? Could you tell us whether the "
    "issue was resolved?",
    "Ci piacerebbe conoscere la tua opinione. Quanto sei soddisfatto della risposta ricevuta? Puoi dirci se il problema "
    "\u00e8 stato risolto?",
    "Wir freuen uns \u00fcber Ihr Feedback. Wie zufrieden waren Sie mit unserer Antwort? K\u00f6nnen Sie uns sagen, ob "
    "Ihr Anliegen gel\u00f6st wurde?",
    "Votre avis compte. \u00cates-vous satisfait de la r\u00e9ponse re\u00e7ue ? Pouvez-vous nous dire si votre "
    "probl\u00e8me a \u00e9t\u00e9 r\u00e9solu ?",
    "Tu opini\u00f3n nos importa. \u00bfQu\u00e9 tan satisfecho quedaste con la respuesta? \u00bfPuedes decirnos si se "
    "resolvi\u00f3 tu consulta?",
]


@pytest.mark.parametrize("text", SURVEYS, ids=LANGS)
def test_a_satisfaction_survey_in_a_case_is_unrelated(text: str, rules_alone: Ruleset) -> None:
    """Its questions are about the support, not what the request needs from the person."""
    verdict = classify(_in_case(text, "cs-survey@amazon.de"), rules_alone, known_thread=True)
    assert verdict.category is Category.UNRELATED, verdict.evidence


SIGN_IN_ALERTS = [
    "We noticed a new sign-in to your Google Account on a Linux device. If this was you, you can ignore this message. "
    "If not, confirm your identity with the code we sent to your phone.",
    "Abbiamo rilevato un nuovo accesso al tuo account Google da un dispositivo Linux. Se non sei stato tu, conferma la "
    "tua identit\u00e0 con il codice che ti abbiamo inviato.",
    "Wir haben eine neue Anmeldung bei Ihrem Google-Konto festgestellt. Falls Sie das nicht waren, best\u00e4tigen Sie "
    "Ihre Identit\u00e4t mit dem Code, den wir an Ihr Telefon gesendet haben.",
    "Nous avons d\u00e9tect\u00e9 une nouvelle connexion \u00e0 votre compte Google. Si ce n'\u00e9tait pas vous, "
    "confirmez votre identit\u00e9 avec le code envoy\u00e9 sur votre t\u00e9l\u00e9phone.",
    "Hemos detectado un nuevo inicio de sesi\u00f3n en tu cuenta de Google. Si no has sido t\u00fa, confirma tu "
    "identidad con el c\u00f3digo que hemos enviado a tu tel\u00e9fono.",
]


@pytest.mark.parametrize("text", SIGN_IN_ALERTS, ids=LANGS)
def test_a_sign_in_alert_in_a_case_gets_no_identity_reply(text: str, rules_alone: Ruleset) -> None:
    """The code secures the account; it verifies no request, even in the request's thread."""
    verdict = classify(_in_case(text), rules_alone, known_thread=True)
    assert verdict.category is not Category.IDENTITY_CHECK, verdict.evidence


# A privacy team's explainer whose only step is hedged: the hedge guard leaves the rules nothing, and the text model's
# fill (model_platform_fill) decided an identity check by 1.06 (German) and 0.63 (English) without a rule's evidence.
EXPLAINERS = [
    (
        "How we handle privacy requests",
        "Here is an overview of our process. In some cases we may need to ask for a copy of your ID to verify your "
        "identity before we act on a request, and we delete the copy once the check is done.",
    ),
    (
        "Come gestiamo le richieste privacy",
        "Ecco una panoramica della nostra procedura. In alcuni casi potremmo chiederti una copia di un documento "
        "d'identit\u00e0 per verificare la tua identit\u00e0 prima di dare seguito a una richiesta, e la cancelliamo dopo la "
        "verifica.",
    ),
    (
        "So bearbeiten wir Datenschutzanfragen",
        "Hier ein \u00dcberblick \u00fcber unser Verfahren. In bestimmten F\u00e4llen k\u00f6nnen wir Sie bitten, eine Kopie "
        "Ihres Ausweises zu senden, damit wir Ihre Identit\u00e4t pr\u00fcfen k\u00f6nnen, bevor wir eine Anfrage bearbeiten.",
    ),
    (
        "Comment nous traitons les demandes RGPD",
        "Voici un aper\u00e7u de notre proc\u00e9dure. Dans certains cas, nous pourrions vous demander une copie de votre "
        "pi\u00e8ce d'identit\u00e9 pour v\u00e9rifier votre identit\u00e9 avant de donner suite \u00e0 une demande.",
    ),
    (
        "C\u00f3mo gestionamos las solicitudes",
        "Este es un resumen de nuestro procedimiento. En algunos casos podr\u00edamos pedirte una copia de tu documento de "
        "identidad para verificar tu identidad antes de atender una solicitud, y la borramos tras la comprobaci\u00f3n.",
    ),
]


@pytest.mark.parametrize(("subject", "text"), EXPLAINERS, ids=LANGS)
def test_an_explainer_with_a_hedged_id_step_gets_no_reply(subject: str, text: str, with_model: Ruleset) -> None:
    """A general account of what might be asked asks nothing: no identity check, with the text model too."""
    message = team_reply(text, subject, "datenschutz@amazon.de", "Amazon", in_case=False)
    verdict = classify(message, with_model)
    assert not verdict.category.gets_reply, verdict.evidence


RECOVERY_CODES = [
    "We received a request to recover your Google Account. To confirm it's you, enter the verification code we sent "
    "to your phone.",
    "Qualcuno ha richiesto di registrare il tuo numero su un nuovo dispositivo. Per confermare che sei tu, inserisci il "
    "codice che ti abbiamo inviato via SMS.",
    "Wir haben eine ungew\u00f6hnliche Anmeldung bei Ihrem Konto festgestellt. Bitte best\u00e4tigen Sie Ihre "
    "Identit\u00e4t mit dem Sicherheitscode, den wir Ihnen gesendet haben.",
    "Nous avons re\u00e7u une demande de r\u00e9cup\u00e9ration pour votre compte. Pour confirmer qu'il s'agit bien de "
    "vous, saisissez le code de s\u00e9curit\u00e9 ci-dessous.",
    "Hemos recibido una solicitud para recuperar tu cuenta de Google. Para confirmar que eres t\u00fa, introduce el "
    "c\u00f3digo de verificaci\u00f3n que hemos enviado a tu tel\u00e9fono.",
]


@pytest.mark.parametrize("text", RECOVERY_CODES, ids=LANGS)
def test_a_recovery_code_in_a_case_is_unrelated(text: str, rules_alone: Ruleset) -> None:
    """A sign-in or recovery code secures the account; in the request's thread it no longer ties with an ID ask."""
    verdict = classify(_in_case(text), rules_alone, known_thread=True)
    assert verdict.category is Category.UNRELATED, verdict.evidence
