"""Classifier round 15: deletion confirmed by a link, one-line opt-outs, deactivated or blocked, do it yourself here."""

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


def _reply(text: str, subject: str = "Re: Delete my account") -> Message:
    return store_reply(text, subject)


def _notice(text: str, subject: str) -> Message:
    """A service's mail that answers nothing (no thread), under a subject that names no request."""
    return team_reply(text, subject, "no-reply@store.example", "Store", in_case=False)


DELETION_WAITS_FOR_A_LINK = [
    "Hello,\n\nWe got a request to delete your account at Example Notes.\n\n"
    "Please open the following link in your browser:\n\nhttps://notes.example/remove/?t=abc\n",
    "Ciao,\n\nabbiamo ricevuto una richiesta di cancellazione del tuo account.\n\n"
    "Apri il link qui sotto nel browser per confermare la cancellazione.\n",
    "Hallo,\n\nes gab eine Anfrage zum Löschen Ihres Kontos bei Example Notes.\n\n"
    "Bitte öffnen Sie den folgenden Link in Ihrem Browser:\n\nhttps://notes.example/remove/?t=abc\n",
    "Bonjour,\n\nune demande de suppression de votre compte a été enregistrée.\n\n"
    "Veuillez ouvrir le lien suivant dans votre navigateur :\n\nhttps://notes.example/remove/?t=abc\n",
    "Hola:\n\nrecibimos una solicitud para eliminar su cuenta de Example Notes.\n\n"
    "Abra el siguiente enlace en su navegador:\n\nhttps://notes.example/remove/?t=abc\n",
]


@pytest.mark.parametrize("text", DELETION_WAITS_FOR_A_LINK, ids=LANGS)
def test_a_deletion_that_waits_for_a_link_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "To permanently delete your account, type the code below into the app together with your password.",
        "In order to complete the cancellation of your subscription, please follow this link: https://x.example/c",
        "Um die Löschung abzuschließen, rufen Sie bitte diesen Link auf: https://x.example/c",
        "Para borrar definitivamente tu cuenta, introduce en la app el código que aparece abajo.",
    ],
    ids=["en-code", "en-complete", "de-complete", "es-code"],
)
def test_a_code_or_a_link_that_completes_the_deletion_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_a_sign_up_link_outside_a_case_stays_unrelated(ruleset: Ruleset) -> None:
    text = "Welcome! Please open the following link to confirm your address: https://x.example/signup?t=1"
    assert classify(_notice(text, "Confirm your address"), ruleset).category in NOT_A_REPLY


BLOCK_LIST_OR_NO_MORE_MAIL = [
    "Your email address is now blacklisted.",
    "Il tuo indirizzo email ora è nella lista nera.",
    "Ihre E-Mail-Adresse wurde auf unsere Sperrliste gesetzt.",
    "Votre adresse e-mail est maintenant sur liste noire.",
    "Tu dirección de correo está ahora en la lista negra.",
]


@pytest.mark.parametrize("text", BLOCK_LIST_OR_NO_MORE_MAIL, ids=LANGS)
def test_a_one_line_block_list_outcome_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Stop e-mailing me"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


NO_LONGER_RECEIVE = [
    "You will no longer receive marketing emails from us.",
    "Non riceverai più email promozionali da parte nostra.",
    "Sie werden ab sofort keine Newsletter mehr von uns erhalten.",
    "Vous ne recevrez plus nos newsletters.",
    "Ya no recibirás más correos promocionales.",
]


@pytest.mark.parametrize("text", NO_LONGER_RECEIVE, ids=LANGS)
def test_no_longer_receiving_mail_answers_the_opt_out(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Stop e-mailing me"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_a_newsletter_footer_outside_a_case_stays_unrelated(ruleset: Ruleset) -> None:
    text = (
        "Bonjour, voici nos recettes de saison. Pour vous désinscrire, cliquez ici : vous ne recevrez plus nos e-mails."
    )
    assert classify(_notice(text, "Les recettes de décembre"), ruleset).category in NOT_A_REPLY


DEACTIVATED_NOT_DELETED = [
    "We have deactivated your account. We don't delete accounts, so your posts stay on the site.",
    "Abbiamo disattivato il tuo account. Non cancelliamo gli account: i tuoi dati restano nel sistema.",
    "Wir haben Ihr Konto deaktiviert. Eine vollständige Löschung ist bei uns leider nicht vorgesehen.",
    "Nous avons désactivé votre compte. Un compte désactivé conserve tous vos commentaires.",
    "Hemos desactivado tu cuenta, pero no la borramos: tus datos se conservan.",
]


@pytest.mark.parametrize("text", DEACTIVATED_NOT_DELETED, ids=LANGS)
def test_deactivated_but_not_deleted_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


BLOCKED_CANNOT = [
    "You are currently banned from the forum and cannot delete your account.",
    "Il tuo account è sospeso e non può essere cancellato finché dura la sospensione.",
    "Ihr Konto ist gesperrt und kann daher nicht gelöscht werden.",
    "Votre compte est suspendu et ne peut pas être supprimé.",
    "Tu cuenta está bloqueada y no puede ser eliminada.",
]


@pytest.mark.parametrize("text", BLOCKED_CANNOT, ids=LANGS)
def test_a_blocked_person_told_they_cannot_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


DO_IT_YOURSELF_HERE = [
    "If you want your account deleted, you can do it yourself here: https://x.example/profile/delete",
    "Puoi farlo direttamente da qui: https://x.example/profilo/elimina",
    "Das können Sie selbst hier erledigen: https://x.example/konto/loeschen",
    "Si vous souhaitez supprimer votre compte, vous pouvez le faire directement ici : https://x.example/supprimer",
    "Puedes hacerlo tú misma desde aquí: https://x.example/perfil/borrar",
]


@pytest.mark.parametrize("text", DO_IT_YOURSELF_HERE, ids=LANGS)
def test_do_it_yourself_here_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_an_offer_to_do_it_here_or_by_us_is_no_redirect(ruleset: Ruleset) -> None:
    """'You can do that here in this PR, or let me remove you myself': the choice is offered, nothing refused."""
    text = "You can do that here in this PR, or let me close this PR and remove you myself. wdyt?"
    assert classify(_reply(text), ruleset, known_thread=True).category is not Category.REJECTION


def test_a_self_service_invitation_outside_a_case_stays_unrelated(ruleset: Ruleset) -> None:
    text = "Still need a slot? If not, free your place for someone else: you can delete your account here: https://x.example/d"
    assert classify(_notice(text, "Still looking for a slot?"), ruleset).category in NOT_A_REPLY


PENDING = [
    "Your account deletion request is in progress and awaiting approval. You will be notified by email when the "
    "request is processed.",
    "La tua richiesta di cancellazione è in attesa di approvazione: ti scriveremo appena sarà stata elaborata.",
    "Ihr Löschantrag ist eingegangen und wartet auf die Freigabe durch unser Team.",
    "Votre demande de suppression est en attente de validation par un administrateur.",
    "Tu solicitud de eliminación está pendiente de aprobación; te avisaremos por correo.",
]


@pytest.mark.parametrize("text", PENDING, ids=LANGS)
def test_a_deletion_request_awaiting_approval_is_a_receipt(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


PAYOUT_IDENTITY_CHECKS = [
    "Unfortunately the verification for your payout failed: the photo of your ID card is blurry.",
    "Purtroppo la verifica per il prelievo non è riuscita: la foto della carta d'identità è sfocata.",
    "Leider war die Validierung für Ihre Auszahlung nicht erfolgreich: das Foto des Ausweises ist unscharf.",
    "La vérification pour votre retrait a échoué : la photo de votre pièce d'identité est floue.",
    "La verificación para el cobro ha fallado: la foto de tu documento de identidad está borrosa.",
]


@pytest.mark.parametrize("text", PAYOUT_IDENTITY_CHECKS, ids=LANGS)
def test_a_payout_identity_check_outside_a_case_is_no_reply(text: str, ruleset: Ruleset) -> None:
    assert classify(_notice(text, "Verification failed"), ruleset).category in NOT_A_REPLY


def test_an_identity_check_for_the_request_still_asks(ruleset: Ruleset) -> None:
    """The payout family must not swallow a privacy team's own check."""
    text = "Before we can process your access request, please send us a copy of your ID card."
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.IDENTITY_CHECK


def test_only_then_is_a_condition_not_an_outcome(ruleset: Ruleset) -> None:
    text = "Bitte bestätigen Sie die Löschung über den Link in dieser E-Mail. Erst danach werden Ihre Daten entfernt."
    assert classify(_reply(text), ruleset, known_thread=False).category is not Category.ACCEPTANCE


SIGN_IN_CODES = [
    "Someone tried to log in to your account. If this was you, enter the following code: 448912.",
    "Qualcuno ha provato ad accedere al tuo account. Se eri tu, inserisci il codice seguente: 448912.",
    "Jemand hat versucht, sich bei Ihrem Konto anzumelden. Wenn Sie das waren, geben Sie diesen Code ein: 448912.",
    "Quelqu'un a essayé de se connecter à votre compte. Si c'était vous, saisissez le code suivant : 448 912.",
    "Alguien ha intentado iniciar sesión en tu cuenta. Si fuiste tú, introduce el siguiente código: 448912.",
]


@pytest.mark.parametrize("text", SIGN_IN_CODES, ids=LANGS)
def test_a_sign_in_code_outside_a_case_is_no_reply(text: str, ruleset: Ruleset) -> None:
    assert classify(_notice(text, "Your sign-in code"), ruleset).category in NOT_A_REPLY


ID_PHOTOCOPIES = [
    "To proceed, please send us a photocopy of your passport and your policy number.",
    "Per procedere ci invii la fotocopia della carta d'identità e il numero di polizza.",
    "Bitte lassen Sie uns eine Kopie Ihres Personalausweises sowie die Nummer Ihres Mietvertrags zukommen.",
    "Merci de nous adresser une photocopie de votre carte d'identité ainsi que votre numéro de contrat.",
    "Es imprescindible que nos remita fotocopia de su DNI y el número de póliza.",
]


@pytest.mark.parametrize("text", ID_PHOTOCOPIES, ids=LANGS)
def test_a_photocopy_of_an_id_beside_a_number_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Auskunft"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_thanks_for_the_copy_of_the_id_card_asks_for_none(ruleset: Ruleset) -> None:
    text = (
        "vielen Dank für die Übersendung der Kopie Ihres Personalausweises. Wir bestätigen Ihnen, dass wir Ihrem "
        "Widerspruch entsprochen haben."
    )
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.ACCEPTANCE


def test_please_do_not_write_again_is_no_ask(ruleset: Ruleset) -> None:
    text = "Nous l'avons bien reçu. Merci de ne pas nous envoyer de nouveau message à ce sujet."
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.ACKNOWLEDGEMENT


def test_verification_named_as_the_reason_for_a_portal_is_a_redirect(ruleset: Ruleset) -> None:
    text = (
        "You can request deletion at privacy.example.com. This is the most secure way for us to verify your identity "
        "and process your request, so we're unable to handle these requests by email."
    )
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.REJECTION


CONFIRM_THIS_DELETION = [
    "You asked to delete your account. To confirm this deletion, click the link below.",
    "Hai chiesto di chiudere il tuo account. Per confermare questa cancellazione, clicca sul link qui sotto.",
    "Sie haben die Löschung beantragt. Um diese Löschung zu bestätigen, klicken Sie auf den folgenden Link.",
    "Vous avez demandé la suppression. Pour confirmer cette suppression, cliquez sur le lien ci-dessous.",
    "Has pedido la baja. Para confirmar esta baja, haz clic en el enlace de abajo.",
]


@pytest.mark.parametrize("text", CONFIRM_THIS_DELETION, ids=LANGS)
def test_confirm_this_deletion_by_a_link_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_someone_requested_your_data_then_a_link_is_an_identity_check(ruleset: Ruleset) -> None:
    text = "Someone requested to download your data from our site.\nBy clicking confirm, the download will begin."
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.IDENTITY_CHECK


RECEIVED_AND_WILL_HONOUR = [
    "We received your deletion request and we will honour it.",
    "Abbiamo ricevuto la tua richiesta di cancellazione account e la rispetteremo.",
    "Wir haben Ihren Löschantrag erhalten und werden ihm nachkommen.",
    "Nous avons bien reçu votre demande de suppression et nous la respecterons.",
    "Hemos recibido tu solicitud de supresión y la respetaremos.",
]


@pytest.mark.parametrize("text", RECEIVED_AND_WILL_HONOUR, ids=LANGS)
def test_received_and_will_be_honoured_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Nous avons bien reçu votre demande et nous y donnerons suite dans les meilleurs délais.",
        "Hemos recibido tu solicitud y la atenderemos en el plazo legal.",
    ],
)
def test_received_and_will_be_handled_stays_a_receipt(text: str, ruleset: Ruleset) -> None:
    """Handling is promised, not the outcome: "y donnerons suite", "la atenderemos" grant nothing."""
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Para completar tu retiro necesitamos verificar tu identidad: sube una foto de tu DNI.",
        "Pour valider votre retrait, nous devons vérifier votre identité : envoyez une photo de votre passeport.",
    ],
    ids=["es", "fr"],
)
def test_a_withdrawal_that_needs_an_identity_check_is_no_reply(text: str, ruleset: Ruleset) -> None:
    assert classify(_notice(text, "Withdrawal pending"), ruleset).category in NOT_A_REPLY


def test_a_ban_while_it_lasts_still_refuses(ruleset: Ruleset) -> None:
    """'tant que la sanction est en cours' is how long the refusal lasts, not a condition that makes it a promise."""
    text = "Votre compte est actuellement banni et ne peut pas être supprimé tant que la sanction est en cours."
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.REJECTION


def test_deactivated_beside_no_deletion_outside_a_case_is_left_to_the_person(ruleset: Ruleset) -> None:
    """Without a case the deactivation is no outcome to thank for: the refusal beside it contests it."""
    text = "Abbiamo disattivato il tuo profilo. Non eliminiamo gli account: le tue foto restano nell'archivio."
    assert classify(_reply(text), ruleset, known_thread=False).category is not Category.ACCEPTANCE


@pytest.mark.parametrize(
    "text",
    [
        "We got your request to close your account. To finish, type this code into the app: 55-KQ-19.",
        "Hai chiesto di chiudere l'account. Per completare, inserisci questo codice nell'app: 55-KQ-19.",
        "Vous avez demandé la clôture de votre compte. Pour terminer, saisissez ce code dans l'application : 5519.",
    ],
    ids=["en", "it", "fr"],
)
def test_to_finish_enter_the_code_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Hi Jane, sorted - you won't receive any more marketing emails from us.",
        "Hallo Jane, Sie erhalten ab sofort keine Werbemails mehr von uns.",
    ],
    ids=["en", "de"],
)
def test_wont_receive_any_more_inside_a_case_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Stop the emails"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_a_deactivated_account_that_keeps_everything_is_no_thanks_outside_a_case(ruleset: Ruleset) -> None:
    text = "Votre compte a été désactivé.\n\nUn compte désactivé garde toutes les traces de vos activités."
    assert classify(_reply(text), ruleset, known_thread=False).category is not Category.ACCEPTANCE
    assert classify(_reply(text), ruleset, known_thread=True).category is Category.REJECTION
