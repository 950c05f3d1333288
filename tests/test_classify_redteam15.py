"""Classifier red team 15: receipts that sound like outcomes, closures, partial removals, surveys (issue 11)."""

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


# "Approved" or "confirmed" followed by "queued / in progress / scheduled": the request is admitted, nothing is
# decided or done yet (heldout-real-19's "confirmed and queued" is labelled a receipt).
ADMITTED_AND_QUEUED = [
    "Your erasure request has been approved and is now in progress. We will confirm once it is complete.",
    "La tua richiesta è stata approvata ed è in lavorazione: ti scriveremo al termine.",
    "Ihr Widerspruch wurde genehmigt und ist in Bearbeitung. Wir melden uns nach Abschluss.",
    "Votre demande a été validée et est en cours de traitement. Nous vous écrirons une fois terminé.",
    "Tu solicitud ha sido aprobada y está en curso. Te escribiremos cuando haya finalizado.",
]


@pytest.mark.parametrize("text", ADMITTED_AND_QUEUED, ids=LANGS)
def test_approved_and_in_progress_is_a_receipt(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_confirmed_and_queued_is_a_receipt(ruleset: Ruleset) -> None:
    text = "Good news: your request has been confirmed and queued for processing. You'll hear from us once it's done."
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


GRANTED = [
    "Your objection has been upheld. We no longer use your data for advertising.",
    "La tua opposizione è stata accolta: non useremo più i tuoi dati per la pubblicità.",
    "Ihrem Widerspruch wurde stattgegeben.",
    "Votre opposition a été prise en compte.",
    "Su oposición ha sido aceptada.",
]


@pytest.mark.parametrize("text", GRANTED, ids=LANGS)
def test_a_grant_without_a_queue_stays_a_grant(text: str, ruleset: Ruleset) -> None:
    """The lookahead narrows the receipt-like wording only: a plain grant is still an acceptance."""
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


# The *request for* erasure is in progress, not the erasure.
REQUEST_FOR_ERASURE_IN_PROGRESS = [
    "La tua richiesta di cancellazione è in corso di valutazione.",
    "Ihr Antrag auf Löschung ist in Bearbeitung.",
    "Votre demande d'effacement est désormais en cours d'instruction.",
    "Tu solicitud de supresión está en curso.",
]


@pytest.mark.parametrize("text", REQUEST_FOR_ERASURE_IN_PROGRESS, ids=LANGS[1:])
def test_a_request_for_erasure_in_progress_is_no_erasure_under_way(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_the_erasure_itself_under_way_still_counts(ruleset: Ruleset) -> None:
    verdict = classify(_reply("La suppression de vos données est en cours."), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_an_id_copy_received_and_its_purpose_ask_for_nothing(ruleset: Ruleset) -> None:
    """'It will only be used to verify your identity' explains a document already received."""
    text = (
        "Thanks for your ID card. It will only be used to verify your identity and will be deleted afterwards. "
        "We'll reply within one month."
    )
    verdict = classify(_reply(text, "Re: Access request"), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_an_expired_id_received_is_still_an_identity_check(ruleset: Ruleset) -> None:
    text = "We have received your passport copy, but it has expired. Please send us a valid ID document."
    verdict = classify(_reply(text, "Re: Access request"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_an_id_ask_with_its_purpose_is_still_an_identity_check(ruleset: Ruleset) -> None:
    text = "Please send us a copy of your passport so that we can verify your identity."
    verdict = classify(_reply(text, "Re: Access request"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


# A recommendation score in the request's thread asks nothing the person owes the request.
RECOMMENDATION_SURVEYS = [
    "Your request is closed. On a scale from 0 to 10, how likely are you to recommend our support to a friend?",
    "La tua richiesta è chiusa. Da 0 a 10, quanto è probabile che tu consigli il nostro servizio a un amico?",
    "Ihre Anfrage ist abgeschlossen. Wie wahrscheinlich ist es, dass Sie unseren Service einem Freund empfehlen?",
    "Votre demande est clôturée. Quelle est la probabilité que vous recommandiez notre service à un ami ?",
    "Tu solicitud ya está cerrada. Del 0 al 10, ¿con qué probabilidad recomendarías nuestro servicio a un amigo?",
]


@pytest.mark.parametrize("text", RECOMMENDATION_SURVEYS, ids=LANGS)
def test_a_recommendation_survey_is_unrelated(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Access request"), ruleset, known_thread=True)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_a_refusal_while_a_subscription_runs_is_no_condition(ruleset: Ruleset) -> None:
    """'Tant que votre abonnement est en cours' gives the reason for refusing now, not a step to take."""
    text = (
        "Nous avons retiré votre adresse de nos listes de prospection. En revanche, nous ne pouvons pas supprimer "
        "votre compte tant que votre abonnement est en cours : il reste nécessaire à l'exécution du contrat."
    )
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_until_the_person_acts_is_still_a_condition(ruleset: Ruleset) -> None:
    text = "Tant que vous n'avez pas confirmé votre identité, nous ne pouvons pas traiter votre demande."
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.REJECTION, verdict.evidence


# "Accepted and passed to the team": admitted, not decided (the English lookahead already read "assigned").
ACCEPTED_AND_PASSED_ON = [
    "La tua richiesta è stata accettata e inoltrata al team competente.",
    "Votre demande a été acceptée et transmise à l'équipe concernée.",
    "Su solicitud ha sido aceptada y remitida al departamento competente.",
]


@pytest.mark.parametrize("text", ACCEPTED_AND_PASSED_ON, ids=["it", "fr", "es"])
def test_accepted_and_passed_on_is_no_grant(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


# A receipt, then self-help "in the meantime": help while the request goes on, no redirect.
RECEIPT_THEN_MEANWHILE = [
    "We have received your request and will respond within 30 days. In the meantime, you can use the Download "
    "your information tool.",
    "Abbiamo ricevuto la tua richiesta. Nel frattempo puoi eliminare i singoli post dalle Impostazioni.",
    "Wir haben Ihre Anfrage erhalten. In der Zwischenzeit können Sie einzelne Beiträge selbst in den Einstellungen "
    "löschen.",
]


@pytest.mark.parametrize("text", RECEIPT_THEN_MEANWHILE, ids=["en", "it", "de"])
def test_a_receipts_meanwhile_tip_is_no_redirect(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_in_the_meantime_alone_may_still_redirect(ruleset: Ruleset) -> None:
    """Without a receipt before it, "in the meantime" introduces the redirect itself."""
    text = "In the meantime, for account deletion please send me an email at privacy@store.example."
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


# A case closed because the person did not answer: closed without acting, never "request completed".
CLOSED_FOR_LACK_OF_REPLY = [
    "Without a response from you, your case has been closed.",
    "Da wir keine Rückmeldung erhalten haben, haben wir Ihre Anfrage abgeschlossen.",
    "Faute de réponse de votre part, nous avons clôturé votre demande.",
    "Al no haber recibido respuesta, hemos cerrado su solicitud.",
]


@pytest.mark.parametrize("text", CLOSED_FOR_LACK_OF_REPLY, ids=["en", "de", "fr", "es"])
def test_closed_for_lack_of_reply_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence
    if "votre part" not in text:
        assert verdict.category is Category.REJECTION, verdict.evidence


# Something smaller removed while the account itself stays: what was done may not be what was asked.
ACCOUNT_STAYS = [
    "We have deleted your marketing preferences, but we must keep your account because you have an outstanding "
    "balance.",
    "Abbiamo rimosso il tuo indirizzo dalla newsletter. L'account invece resta attivo finché il contratto è in corso.",
    "Wir haben Ihre Werbeeinwilligung gelöscht. Ihr Kundenkonto bleibt jedoch bestehen, solange der Vertrag läuft.",
    "Nous avons supprimé vos données de prospection. Votre compte reste toutefois actif tant que votre contrat court.",
    "Hemos dado de baja su correo de las comunicaciones comerciales. Su cuenta sigue activa mientras el contrato "
    "esté vigente.",
]


@pytest.mark.parametrize("text", ACCOUNT_STAYS, ids=LANGS)
def test_the_account_kept_beside_a_partial_removal_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


def test_a_recommendation_survey_after_a_closed_request_is_unrelated(ruleset: Ruleset) -> None:
    text = (
        "Ihr Anliegen ist erledigt. Wie wahrscheinlich ist es, dass Sie unseren Kundenservice weiterempfehlen? "
        "Bewerten Sie uns von 0 bis 10."
    )
    verdict = classify(_reply(text, "Re: Auskunft nach Art. 15"), ruleset, known_thread=True)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_a_meanwhile_tip_after_a_receipt_stays_a_receipt_with_the_model(with_model: Ruleset) -> None:
    """The text model read the German tip as a redirect; the rules' receipt now decides, and the model agrees."""
    text = (
        "Wir haben Ihre Anfrage erhalten. In der Zwischenzeit können Sie einzelne Beiträge selbst in den "
        "Einstellungen löschen."
    )
    verdict = classify(_reply(text), with_model, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_an_id_named_in_the_subject_of_a_receipt_is_left_to_the_model(with_model: Ruleset) -> None:
    """The rules read "ID document" in the subject as an identity check (a tie with the receipt); the model decides."""
    text = (
        "Thank you, we have received your ID document. It will be used only to verify your identity and will be "
        "deleted as soon as the verification is complete.\n\nYour access request is now with our team and we'll "
        "reply within one month."
    )
    verdict = classify(_reply(text, "Re: Access request - ID document"), with_model, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


# A shop's outcome about something else (a return, a refund, instalments, a friend request) outside any case: the
# request it grants is not a data-protection request.
OTHER_REQUESTS_GRANTED = [
    "Your return request has been approved. Please print the label attached.",
    "La tua richiesta di reso è stata approvata.",
    "Ihr Antrag auf Ratenzahlung wurde genehmigt.",
    "Votre demande de retour a été acceptée.",
    "Tu solicitud de devolución ha sido aceptada.",
]


@pytest.mark.parametrize("text", OTHER_REQUESTS_GRANTED, ids=LANGS)
def test_another_request_granted_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    message = team_reply(text, "Your order 5512", "support@amazon.de", "Amazon", in_case=False)
    verdict = classify(message, ruleset)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Your data deletion request has been fulfilled.",
        "La tua richiesta di cancellazione è stata accolta.",
        "Ihr Antrag auf Löschung wurde angenommen.",
        "Votre demande de suppression a été acceptée.",
        "Su solicitud de supresión ha sido aceptada.",
    ],
    ids=LANGS,
)
def test_a_data_request_granted_is_still_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_a_receipt_with_an_also_tip_stays_a_receipt(ruleset: Ruleset) -> None:
    """The self-service tip is weaker than the receipt beside it by more than a tie."""
    text = "Your request is being reviewed. You can also change your ad preferences at any time in Settings."
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_a_self_service_tip_alone_still_redirects(ruleset: Ruleset) -> None:
    verdict = classify(_reply("You can turn off personalised ads at any time in your ad settings."), ruleset)
    assert verdict.category is Category.REJECTION, verdict.evidence


# Signing in with two-factor authentication as the proof that the request is the person's: an identity check
# (heldout-real-19 and blind-u's convention), whichever way the log-in is asked for.
TWO_FACTOR_PROOF = [
    "Please log in to your account and submit the request from Settings > Privacy; signing in with two-factor "
    "authentication confirms it's you.",
    "Accedi al tuo account e invia la richiesta dalla sezione Privacy: l'autenticazione a due fattori conferma che "
    "sei tu.",
    "Melden Sie sich in Ihrem Konto an und stellen Sie den Antrag dort; die Zwei-Faktor-Authentifizierung "
    "bestätigt, dass Sie es sind.",
    "Connectez-vous à votre compte et soumettez la demande depuis l'espace Confidentialité ; la double "
    "authentification confirme qu'il s'agit bien de vous.",
    "Inicia sesión en tu cuenta y envía la solicitud desde Privacidad; la verificación en dos pasos confirma que "
    "eres tú.",
]


@pytest.mark.parametrize("text", TWO_FACTOR_PROOF, ids=LANGS)
def test_two_factor_sign_in_as_proof_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Access request"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


# The security notice that says the same about every sign-in proves no request.
TWO_FACTOR_TURNED_ON = [
    "You turned on 2-Step Verification for your Google Account. From now on, 2-Step Verification confirms that "
    "it's really you when you sign in on a new device, even if someone else has your password.",
    "Hai attivato la verifica in due passaggi. D'ora in poi la verifica in due passaggi conferma che sei tu quando "
    "accedi da un nuovo dispositivo.",
    "Sie haben die Bestätigung in zwei Schritten aktiviert. Die Zwei-Faktor-Authentifizierung bestätigt nun, dass "
    "Sie es sind, wenn Sie sich auf einem neuen Gerät anmelden.",
    "Vous avez activé la validation en deux étapes. Elle confirme que c'est bien vous lorsque vous vous connectez "
    "depuis un nouvel appareil.",
    "Has activado la verificación en dos pasos. La verificación en dos pasos confirma que eres tú cuando inicias "
    "sesión en un dispositivo nuevo.",
]


@pytest.mark.parametrize("text", TWO_FACTOR_TURNED_ON, ids=LANGS)
def test_two_step_turned_on_is_unrelated(text: str, ruleset: Ruleset) -> None:
    message = team_reply(text, "Security alert", "no-reply@accounts.google.com", "Google", in_case=False)
    verdict = classify(message, ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence
