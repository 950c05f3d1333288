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
    'Alex_T replied to a thread you follow: “They wrote back: "Your objection has been accepted and we have '
    'stopped processing your data for ads." Took a month.” View the thread to reply.',
    'Marta_V ha risposto in una discussione che segui: «Mi hanno scritto: "Abbiamo cancellato tutti i suoi dati '
    'personali." Ci sono volute due settimane.» Rispondi nella community.',
    "In einer Diskussion, der Sie folgen, hat Jonas_W geantwortet: „Die Antwort lautete: ‚Ihre Daten wurden "
    "vollständig gelöscht.‘ Hat also geklappt.“ Antworten Sie in der Community.",
    "Julie_M a répondu dans un fil que vous suivez : « On m'a répondu : \"Nous avons fait droit à "
    'votre opposition et vos données ont été supprimées." Il faut être patient. »',
    'Diego_R ha comentado en un hilo que sigues: «Me contestaron: "Hemos dejado de tratar sus datos con fines '
    'publicitarios y los hemos suprimido." Así que funciona.» Responder en la Comunidad.',
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
    "Ci piacerebbe conoscere la tua opinione. Quanto sei soddisfatto della risposta ricevuta? Puoi dirci se il "
    "problema è stato risolto?",
    "Wir freuen uns über Ihr Feedback. Wie zufrieden waren Sie mit unserer Antwort? Können Sie uns sagen, ob "
    "Ihr Anliegen gelöst wurde?",
    "Votre avis compte. Êtes-vous satisfait de la réponse reçue ? Pouvez-vous nous dire si votre "
    "problème a été résolu ?",
    "Tu opinión nos importa. ¿Qué tan satisfecho quedaste con la respuesta? ¿Puedes decirnos si se "
    "resolvió tu consulta?",
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
    "tua identità con il codice che ti abbiamo inviato.",
    "Wir haben eine neue Anmeldung bei Ihrem Google-Konto festgestellt. Falls Sie das nicht waren, bestätigen Sie "
    "Ihre Identität mit dem Code, den wir an Ihr Telefon gesendet haben.",
    "Nous avons détecté une nouvelle connexion à votre compte Google. Si ce n'était pas vous, "
    "confirmez votre identité avec le code envoyé sur votre téléphone.",
    "Hemos detectado un nuevo inicio de sesión en tu cuenta de Google. Si no has sido tú, confirma tu "
    "identidad con el código que hemos enviado a tu teléfono.",
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
        "d'identità per verificare la tua identità prima di dare seguito a una richiesta, e la cancelliamo dopo la "
        "verifica.",
    ),
    (
        "So bearbeiten wir Datenschutzanfragen",
        "Hier ein Überblick über unser Verfahren. In bestimmten Fällen können wir Sie bitten, eine Kopie "
        "Ihres Ausweises zu senden, damit wir Ihre Identität prüfen können, bevor wir eine Anfrage bearbeiten.",
    ),
    (
        "Comment nous traitons les demandes RGPD",
        "Voici un aperçu de notre procédure. Dans certains cas, nous pourrions vous demander une copie de votre "
        "pièce d'identité pour vérifier votre identité avant de donner suite à une demande.",
    ),
    (
        "Cómo gestionamos las solicitudes",
        "Este es un resumen de nuestro procedimiento. En algunos casos podríamos pedirte una copia de tu documento de "
        "identidad para verificar tu identidad antes de atender una solicitud, y la borramos tras la comprobación.",
    ),
]


@pytest.mark.parametrize(("subject", "text"), EXPLAINERS, ids=LANGS)
def test_an_explainer_with_a_hedged_id_step_gets_no_reply(subject: str, text: str, with_model: Ruleset) -> None:
    """A general account of what might be asked asks nothing: no identity check, with the text model too."""
    message = team_reply(text, subject, "datenschutz@amazon.de", "Amazon", in_case=False)
    verdict = classify(message, with_model)
    assert not verdict.category.gets_reply, verdict.evidence


# A polite refusal says only that the processing the person named goes on; the rules left it open (the model alone
# decided, where sure enough).
GOES_ON = [
    "Thank you for explaining your concerns, which we weighed carefully. The processing you described will continue "
    "as set out in our privacy notice.",
    "Grazie per averci spiegato le tue preoccupazioni, che abbiamo valutato con attenzione. Il trattamento indicato "
    "proseguirà come descritto nella nostra informativa.",
    "Danke, dass Sie uns Ihre Bedenken geschildert haben; wir haben sie sorgfältig abgewogen. Die genannte "
    "Verarbeitung wird wie in unserer Datenschutzerklärung beschrieben fortgeführt.",
    "Merci de nous avoir exposé vos préoccupations, que nous avons examinées avec attention. Le traitement mentionné "
    "se poursuivra comme décrit dans notre politique.",
    "Gracias por explicarnos tus inquietudes, que hemos analizado con atención. El tratamiento mencionado continuará "
    "tal como se describe en nuestra política.",
]


@pytest.mark.parametrize("text", GOES_ON, ids=LANGS)
def test_the_named_processing_going_on_is_a_refusal(text: str, rules_alone: Ruleset) -> None:
    """Thanks and care, then the processing goes on: a refusal, decided by the rules."""
    verdict = classify(_in_case(text, "privacy@spotify.com"), rules_alone, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


@pytest.mark.parametrize("text", [t.replace("will continue", "will not continue") for t in GOES_ON[:1]], ids=["en"])
def test_the_named_processing_not_going_on_is_no_refusal(text: str, rules_alone: Ruleset) -> None:
    """Negated, the same sentence refuses nothing."""
    verdict = classify(_in_case(text, "privacy@spotify.com"), rules_alone, known_thread=True)
    assert verdict.category is not Category.REJECTION, verdict.evidence
