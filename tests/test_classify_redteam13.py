"""Classifier red team 13: lookalikes of outcomes and asks that must not get a wrong reply (issue 11)."""

from __future__ import annotations

import pytest
from conftest import store_reply, team_reply

from mailbot.classify import classify
from mailbot.models import Category, Message
from mailbot.rules import Ruleset, bundled_rules


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the pipeline tests below use the bundled model too."""
    return rules_alone


@pytest.fixture(scope="module")
def with_model() -> Ruleset:
    """The bundled rules with the text model's second opinion, as `mailbot` runs them."""
    return bundled_rules()


LANGS = ["en", "it", "de", "fr", "es"]
NOT_A_REPLY = {Category.UNRELATED, Category.UNKNOWN, Category.ACKNOWLEDGEMENT}


def _platform(text: str, sender: str = "security@facebookmail.com", subject: str = "Notice") -> Message:
    """A platform's notification that answers nothing (no thread)."""
    return team_reply(text, subject, sender, "Platform", in_case=False)


def _notice(text: str) -> Message:
    """A service's mail that answers nothing, from a team's address that is not a platform."""
    return team_reply(text, "Notice", "no-reply@store.example", "Store", in_case=False)


RESTRICTED_WITH_AN_ID_STEP = [
    "Your account has been temporarily locked because we noticed unusual activity. To unlock it, please upload a "
    "photo of your ID.",
    "Il tuo account è stato sospeso perché non rispetta gli standard della community. Per verificare che l'account "
    "sia tuo, inviaci una foto del tuo documento d'identità.",
    "Dein TikTok-Konto wurde vorübergehend gesperrt, weil es gegen unsere Gemeinschaftsrichtlinien verstößt. Bitte "
    "lade ein Foto deines Ausweises hoch, um es zu entsperren.",
    "Votre compte Facebook a été suspendu car il semble ne pas respecter nos Standards de la communauté. Veuillez "
    "envoyer une photo de vous tenant votre pièce d'identité.",
    "Tu cuenta ha sido bloqueada temporalmente por actividad sospechosa. Para desbloquearla, envíanos una foto de "
    "tu documento de identidad.",
]


@pytest.mark.parametrize("text", RESTRICTED_WITH_AN_ID_STEP, ids=LANGS)
def test_a_restriction_for_a_rule_broken_is_no_identity_check(text: str, ruleset: Ruleset) -> None:
    """The ID lifts a suspension the platform imposed; it verifies no data-protection request."""
    verdict = classify(_platform(text), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


SOMEONE_ELSES_ACCOUNT = [
    "Thanks for your report. The profile you reported has been removed from Facebook.",
    "Grazie per la tua segnalazione. Ti informiamo che l'utente che hai segnalato è stato rimosso dalla piattaforma.",
    "Ein Mitglied Ihres Familien-Abos hat die Löschung seines Kontos beantragt. Seine Daten wurden gelöscht.",
    "Un membre de votre équipe a demandé la suppression de son compte. Ses données ont été supprimées.",
    "Un miembro de tu plan familiar ha solicitado la eliminación de su perfil. Sus datos se han eliminado.",
]


@pytest.mark.parametrize("text", SOMEONE_ELSES_ACCOUNT, ids=LANGS)
def test_another_users_account_removed_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    """A reported user removed, a member's own request granted: nothing the person asked about their data."""
    verdict = classify(_platform(text), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_a_takedown_inside_a_case_is_still_granted(ruleset: Ruleset) -> None:
    """Inside a case the person's own report (content about them) removed is an outcome."""
    text = "Thank you for your report. The post you reported, which contained your personal data, has been removed."
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


HOUSEKEEPING = [
    "Your account has been inactive for 3 years. In line with our data retention policy, we have deleted your "
    "account and all associated data.",
    "Il tuo account è stato chiuso per mancato pagamento. I tuoi dati verranno cancellati tra 30 giorni.",
    "Dein Beitrag wurde entfernt. Er verstößt gegen unsere Community-Richtlinien.",
    "À partir du 1er mars, nous supprimerons automatiquement les données de plus de 18 mois.",
    "Como tu cuenta no se ha utilizado en los últimos tres años, la hemos eliminado junto con los datos asociados.",
]


@pytest.mark.parametrize("text", HOUSEKEEPING, ids=LANGS)
def test_purges_closures_and_moderation_are_housekeeping(text: str, ruleset: Ruleset) -> None:
    """Inactivity, non-payment, a rule broken, a retention schedule: removals nobody asked for."""
    verdict = classify(_notice(text), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


HOUSEKEEPING_MORE = [
    "Votre compte a été clôturé pour défaut de paiement. Vos données seront supprimées sous 30 jours.",
    "La tua pubblicazione è stata rimossa: non rispetta le nostre Normative della community professionale.",
    "A partir del 1 de marzo eliminaremos los datos de actividad con más de 18 meses de antigüedad.",
    "Tu cuenta ha sido cerrada por impago. Tus datos se eliminarán en 30 días.",
]


@pytest.mark.parametrize("text", HOUSEKEEPING_MORE, ids=["fr", "it", "es", "es-impago"])
def test_more_housekeeping_wordings(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_a_sentence_opened_by_comme_gives_a_cause_not_an_example(ruleset: Ruleset) -> None:
    """'Comme votre identité…' is why the ID is asked for; it is no example clause to skip."""
    text = (
        "Comme votre identité n'a pas pu être vérifiée, veuillez nous envoyer une copie de votre pièce d'identité "
        "afin que nous puissions donner suite à votre demande."
    )
    verdict = classify(store_reply(text, "Re: Suppression de mes données"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_a_refusal_because_nothing_broke_a_rule_stays_a_refusal(ruleset: Ruleset) -> None:
    """'does not violate our guidelines' is the controller's position on the request, not a moderation notice."""
    text = "We cannot remove the review because it does not violate our community guidelines."
    verdict = classify(store_reply(text, "Re: Remove my review"), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


TECHNICAL_QUESTIONS = [
    "Thanks for the report. Can you confirm which app version you are on, and your Android version?",
    "Potrebbe indicarci la versione dell'app e il messaggio di errore che compare?",
    "Können Sie uns bitte mitteilen, welches Smartphone-Modell und welche Version der App Sie verwenden?",
    "Pourriez-vous nous préciser la version de l'application installée ainsi que le message d'erreur affiché ?",
    "¿Podría indicarnos la versión de la app y el mensaje de error que aparece?",
]


@pytest.mark.parametrize("text", TECHNICAL_QUESTIONS, ids=LANGS)
def test_a_technical_support_question_is_no_request_for_information(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Re: The app crashes"), ruleset)
    assert verdict.category not in {Category.REQUEST_INFO, Category.CLARIFICATION}, verdict.evidence


def test_a_device_asked_to_prove_ownership_is_still_an_identity_check(ruleset: Ruleset) -> None:
    text = (
        "Per accertarci che l'account sia effettivamente tuo, ti chiediamo di inviarci il nome utente, l'indirizzo "
        "e-mail usato per la registrazione e il modello del dispositivo con cui accedi."
    )
    verdict = classify(store_reply(text, "Re: Cancellazione account"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


ID_RECEIVED = [
    "Thank you, we have received the copy of your ID. We will respond to your access request within one month.",
    "Abbiamo ricevuto la copia del suo documento d'identità. La sua richiesta è in lavorazione.",
    "Vielen Dank, Ihre Ausweiskopie ist bei uns eingegangen. Wir werden Ihnen die Auskunft innerhalb der "
    "gesetzlichen Frist von einem Monat zusenden.",
    "Nous avons bien reçu votre pièce d'identité. Votre demande est en cours de traitement.",
    "Hemos recibido la copia de su DNI. Su solicitud de acceso está en trámite y le responderemos en el plazo de un "
    "mes.",
]


@pytest.mark.parametrize("text", ID_RECEIVED, ids=LANGS)
def test_an_id_received_is_a_receipt(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


ID_RECEIVED_BUT = [
    "We have received your ID, but it is illegible. Please send a clearer copy of your passport.",
    "Ihr Ausweis ist bei uns eingegangen, leider ist er abgelaufen. Bitte senden Sie uns eine Kopie eines gültigen "
    "Personalausweises.",
    "Hemos recibido su DNI, pero no es legible. Por favor, envíenos una copia legible de su documento de identidad.",
]


@pytest.mark.parametrize("text", ID_RECEIVED_BUT, ids=["en", "de", "es"])
def test_an_id_received_but_unusable_still_asks_for_one(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


ID_COPY_DELETED_LATER = [
    "Your request has been received. We will delete your ID copy once we have verified your identity.",
    "Abbiamo ricevuto la sua richiesta. La copia del documento d'identità sarà cancellata dopo la verifica.",
    "Wir haben Ihre Anfrage erhalten. Die Kopie Ihres Personalausweises wird nach der Prüfung gelöscht.",
    "Nous avons bien reçu votre demande. La copie de votre pièce d'identité sera supprimée après vérification.",
    "Hemos recibido su solicitud. La copia de su DNI se eliminará una vez verificada su identidad.",
]


@pytest.mark.parametrize("text", ID_COPY_DELETED_LATER, ids=LANGS)
def test_what_happens_to_an_id_copy_asks_for_none(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_an_id_named_in_a_condition_is_not_asked_for(ruleset: Ruleset) -> None:
    text = (
        "Nous accusons réception de votre demande d'accès. Si des informations complémentaires ou un justificatif "
        "d'identité devaient être nécessaires, nous reviendrions vers vous."
    )
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


ANOTHER_USERS_STORY = [
    "Same here. I asked them to delete my account three weeks ago and they refused, saying they need to keep the "
    "data for tax purposes.",
    "Anche a me hanno rifiutato la cancellazione, dicono che devono conservare i dati per dieci anni.",
    "Bei mir auch: mir wurde die Löschung verweigert, angeblich wegen Aufbewahrungspflichten.",
    "Moi aussi. Je leur ai demandé de supprimer mes données et ils ont refusé.",
    "A mí también me lo denegaron, dicen que tienen que conservar los datos.",
]


@pytest.mark.parametrize("text", ANOTHER_USERS_STORY, ids=LANGS)
def test_another_users_story_in_the_thread_is_no_refusal(text: str, ruleset: Ruleset) -> None:
    message = team_reply(text, "Re: Please delete my account and data (#812)", "notifications@github.com", "octo")
    verdict = classify(message, ruleset, known_thread=True)
    assert verdict.category not in {Category.REJECTION, Category.ACCEPTANCE}, verdict.evidence


THIRD_PARTIES_WITHHELD = [
    "We cannot share the data of other account holders. Please find attached a copy of your personal data.",
    "Non possiamo fornire i dati di terzi. In allegato trova la copia dei suoi dati personali.",
    "Leider können wir Ihnen keine Daten anderer Personen herausgeben. Anbei erhalten Sie die Auskunft über Ihre "
    "gespeicherten Daten.",
    "Nous ne pouvons pas vous communiquer les données d'autres clients. Vous trouverez ci-joint la copie de vos "
    "données personnelles.",
    "No podemos facilitarle datos de terceros. Le adjuntamos una copia de sus datos personales.",
]


@pytest.mark.parametrize("text", THIRD_PARTIES_WITHHELD, ids=LANGS)
def test_third_parties_data_withheld_beside_the_persons_own_is_no_refusal(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Re: Subject access request"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


REFUND_REFUSED_BY_EMAIL = [
    "We are unable to process refunds by email. Your access request has been forwarded to our DPO, who will reply "
    "within one month.",
    "Non possiamo gestire rimborsi via e-mail. La sua richiesta di accesso è stata inoltrata al nostro DPO.",
    "Leider können wir Erstattungen per E-Mail nicht bearbeiten. Ihre Anfrage wurde an unseren Datenschutzbeauftragten "
    "weitergeleitet.",
    "Nous ne pouvons pas traiter les remboursements par e-mail. Votre demande a été transmise à notre DPO.",
    "No podemos tramitar reembolsos por correo electrónico. Su solicitud se ha remitido a nuestro DPO.",
]


@pytest.mark.parametrize("text", REFUND_REFUSED_BY_EMAIL, ids=LANGS)
def test_a_refund_refused_by_email_is_no_refusal_of_the_request(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.REJECTION, verdict.evidence


def test_a_request_refused_by_email_is_still_a_refusal(ruleset: Ruleset) -> None:
    verdict = classify(store_reply("We aren't able to complete this type of request by email."), ruleset)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_a_written_access_answer_attached_beside_a_phone_refused_is_granted(ruleset: Ruleset) -> None:
    text = (
        "Eine telefonische Auskunft können wir aus Sicherheitsgründen leider nicht erteilen. Die schriftliche Auskunft "
        "nach Art. 15 DSGVO über die bei uns gespeicherten Daten finden Sie im Anhang dieser E-Mail."
    )
    verdict = classify(store_reply(text, "AW: Auskunftsersuchen"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


# The pipeline as installed: these gave a wrong reply with the bundled model before red team 13.
PIPELINE = [
    (
        "Votre compte Facebook a été suspendu car il semble ne pas respecter nos Standards de la communauté. Pour nous "
        "aider à vérifier que ce compte vous appartient, veuillez envoyer une photo de vous tenant votre pièce "
        "d'identité. Nous supprimerons cette photo après la vérification.",
        "security@facebookmail.com",
    ),
    (
        "Ciao Jane, grazie per la tua segnalazione. Ti informiamo che l'utente che hai segnalato è stato rimosso dalla "
        "piattaforma e i suoi annunci sono stati cancellati.",
        "noreply@mercatino.example",
    ),
    (
        "Hola Jane: Un miembro de tu plan familiar ha solicitado la eliminación de su perfil. Sus datos se han "
        "eliminado y ahora tienes una plaza libre en el plan.",
        "no-reply@musica-streaming.example",
    ),
]


@pytest.mark.parametrize(("text", "sender"), PIPELINE, ids=["fr-suspended", "it-reported", "es-family"])
def test_pipeline_gives_no_reply_to_notices(text: str, sender: str, with_model: Ruleset) -> None:
    verdict = classify(_platform(text, sender), with_model)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_pipeline_gives_no_refusal_to_an_access_answer_beside_a_phone_refused(with_model: Ruleset) -> None:
    """The model read 'können wir leider nicht erteilen' as the decision; the attached answer is."""
    text = (
        "Sehr geehrte Frau Doe,\n\neine telefonische Auskunft können wir aus Sicherheitsgründen leider nicht erteilen."
        "\n\nDie schriftliche Auskunft nach Art. 15 DSGVO über die bei uns gespeicherten Daten finden Sie im Anhang "
        "dieser E-Mail.\n\nMit freundlichen Grüßen\nDatenschutzbeauftragter"
    )
    verdict = classify(store_reply(text, "AW: Auskunftsersuchen"), with_model, known_thread=True)
    assert verdict.category in {Category.ACCEPTANCE, Category.UNKNOWN}, verdict.evidence


@pytest.mark.parametrize("text", ID_RECEIVED[2:3] + ID_COPY_DELETED_LATER[4:], ids=["de", "es"])
def test_pipeline_gives_no_identity_reply_to_a_receipt(text: str, with_model: Ruleset) -> None:
    verdict = classify(store_reply(text), with_model, known_thread=True)
    assert verdict.category in NOT_A_REPLY, verdict.evidence


SECURITY_CHECKS = [
    "To protect your account, we need to verify your identity. Please upload a valid government-issued ID within 7 "
    "days.",
    "Per proteggere il tuo account abbiamo bisogno di verificare la tua identità. Carica un documento d'identità "
    "valido entro 7 giorni.",
    "Zum Schutz Ihres Kontos müssen wir Ihre Identität überprüfen. Bitte laden Sie einen gültigen "
    "Personalausweis hoch.",
    "Pour protéger votre compte, nous devons vérifier votre identité. Téléchargez une pièce d'identité valide sous 7 "
    "jours.",
    "Usa este código para verificar que eres tú: 482913.",
]


@pytest.mark.parametrize("text", SECURITY_CHECKS, ids=LANGS)
def test_a_platforms_own_security_check_outside_a_thread_is_no_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_platform(text, "account-update@amazon.de"), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


def test_the_same_words_in_a_reply_to_the_request_still_ask_for_an_id(ruleset: Ruleset) -> None:
    """Inside the request's thread, 'to protect your account, verify your identity' verifies the request."""
    text = "To protect your account, we need to verify your identity. Please send us a copy of your passport."
    message = team_reply(text, "Re: Access request", "privacy@amazon.de", "Amazon Privacy")
    verdict = classify(message, ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


OUT_OF_OFFICE = [
    "I am out of the office until 2 December. For data protection requests please contact dpo@shop.example.",
    "Sono fuori ufficio fino al 2 dicembre. Per le richieste privacy scrivete a dpo@shop.example.",
    "Ich bin bis zum 2. Dezember nicht im Büro. Datenschutzanfragen richten Sie bitte an dpo@shop.example.",
    "Je suis absente jusqu'au 2 décembre. Pour toute demande relative aux données personnelles, écrivez à "
    "dpo@shop.example.",
    "Estoy fuera de la oficina hasta el 2 de diciembre. Para solicitudes de protección de datos escriba a "
    "dpo@shop.example.",
]


@pytest.mark.parametrize("text", OUT_OF_OFFICE, ids=LANGS)
def test_a_redirect_in_an_out_of_office_note_is_no_refusal(text: str, ruleset: Ruleset) -> None:
    """The address names who stands in during an absence, not where the request must go instead."""
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category in NOT_A_REPLY, verdict.evidence


def test_the_same_redirect_without_an_absence_still_refuses(ruleset: Ruleset) -> None:
    text = "Datenschutzanfragen richten Sie bitte an dpo@shop.example."
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_pipeline_gives_no_refusal_to_an_out_of_office_note(with_model: Ruleset) -> None:
    """The model read the French note as a redirect; without the rules' evidence for one it cannot say so."""
    verdict = classify(store_reply(OUT_OF_OFFICE[3]), with_model, known_thread=True)
    assert verdict.category in NOT_A_REPLY, verdict.evidence


def test_a_duplicate_closed_where_the_request_goes_on_is_no_refusal(ruleset: Ruleset) -> None:
    """'nous poursuivons le traitement de votre demande' continues the request, not the processing objected to."""
    text = (
        "Ce ticket a été fermé car il fait doublon avec le n° 4410, où nous poursuivons le traitement de votre demande."
    )
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.REJECTION, verdict.evidence


def test_send_it_from_your_accounts_address_is_an_identity_check(ruleset: Ruleset) -> None:
    text = "Envíe la solicitud desde la dirección de correo asociada a su cuenta."
    verdict = classify(store_reply(text, "Re: Supresión de mis datos"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


POLICY_THEN_RECEIPT = [
    "We take data protection seriously: personal data is deleted as soon as it is no longer needed. Your request "
    "has been received and will be answered within one month.",
    "La protezione dei dati è importante per noi: i dati vengono cancellati quando non sono più necessari. La sua "
    "richiesta è stata ricevuta e riceverà risposta entro un mese.",
    "Wir nehmen Datenschutz ernst: Ihre Daten werden gelöscht, sobald sie nicht mehr benötigt werden. Ihr Antrag ist "
    "eingegangen und wird innerhalb eines Monats beantwortet.",
    "La protection des données est importante pour nous : les données sont supprimées dès qu'elles ne sont plus "
    "nécessaires. Votre demande a bien été reçue et sera traitée sous un mois.",
    "Nos tomamos en serio la protección de datos: los datos se eliminan cuando ya no son necesarios. Hemos recibido "
    "su solicitud y le responderemos en el plazo de un mes.",
]


@pytest.mark.parametrize("text", POLICY_THEN_RECEIPT, ids=LANGS)
def test_a_policy_stated_in_general_before_a_receipt_grants_nothing(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_data_deleted_because_no_longer_needed_is_still_done(ruleset: Ruleset) -> None:
    """A reason ('as it is no longer needed') is no general policy: the deletion was done."""
    text = "We have deleted your personal data, as it is no longer needed."
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


FELLOW_USERS = [
    "Did you get a reply? Mine said they need a copy of my passport before they delete anything.",
    "A me hanno cancellato l'account in una settimana dopo aver compilato il modulo, prova così.",
    "Bei mir wurde das Konto nach dem Formular innerhalb einer Woche gelöscht, versuch das mal.",
    "Chez moi, le compte a été supprimé en une semaine après le formulaire, essaie ça.",
    "A mí me borraron la cuenta en una semana después de rellenar el formulario, prueba eso.",
]


@pytest.mark.parametrize("text", FELLOW_USERS, ids=LANGS)
def test_a_fellow_users_experience_in_the_thread_decides_nothing(text: str, ruleset: Ruleset) -> None:
    message = team_reply(text, "Re: Please delete my account and data (#812)", "notifications@github.com", "octo")
    verdict = classify(message, ruleset, known_thread=True)
    assert verdict.category in NOT_A_REPLY, verdict.evidence


REPORTED_SELLER_BANNED = [
    "The seller you reported has been banned and their listings have been removed.",
    "Il venditore che hai segnalato è stato bannato e i suoi annunci rimossi.",
    "Der Verkäufer, den Sie gemeldet haben, wurde gesperrt und seine Angebote entfernt.",
    "Le vendeur que vous avez signalé a été banni et ses annonces supprimées.",
    "El vendedor que denunciaste ha sido expulsado y sus anuncios eliminados.",
]


@pytest.mark.parametrize("text", REPORTED_SELLER_BANNED, ids=LANGS)
def test_a_reported_seller_removed_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notice(text), ruleset)
    assert verdict.category is Category.UNRELATED, verdict.evidence


# A receipt's self-help "while you wait" (28 Nov, fourth session: blind-u's Reddit receipt was read as a redirect).
MEANWHILE = [
    "We've received your message (request 7731042). While you wait, here is what you can do yourself: to delete your "
    "account, go to User Settings > Account > Delete account. We will follow up by email once there is an update.",
    "Abbiamo ricevuto la sua richiesta (n. 7731042). Mentre attende, può eliminare il suo account da solo: vada su "
    "Impostazioni > Account. La ricontatteremo appena possibile.",
    "Wir haben Ihre Anfrage erhalten (Nr. 7731042). Während Sie warten, können Sie Ihr Konto selbst löschen: gehen Sie "
    "zu Einstellungen > Konto. Wir melden uns, sobald es Neuigkeiten gibt.",
    "Nous avons bien reçu votre demande (n° 7731042). Pendant que vous patientez, vous pouvez supprimer votre compte "
    "vous-même : rendez-vous dans Paramètres > Compte. Nous reviendrons vers vous dès que possible.",
    "Hemos recibido su solicitud (n.º 7731042). Mientras espera, puede eliminar su cuenta usted mismo: vaya a "
    "Configuración > Cuenta. Le responderemos lo antes posible.",
]


@pytest.mark.parametrize("text", MEANWHILE, ids=LANGS)
def test_self_help_while_the_request_goes_on_is_no_redirect(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is not Category.REJECTION, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "To delete your account, go to User Settings > Account > Delete account.",
        "This needs a fix in the next version. In the meantime, for account deletion please go to User Settings.",
    ],
)
def test_a_pointer_without_the_receipt_s_while_you_wait_still_redirects(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence
