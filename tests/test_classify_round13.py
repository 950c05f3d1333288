"""Classifier round 13: the families real replies still missed: opt-outs in few words, history kept, contact
elsewhere, short asks for one fact, formal confirmations and refusals quoted in regulators' decisions."""

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


def _reply(text: str, subject: str = "Re: Please remove my address") -> Message:
    return store_reply(text, subject)


def _notice(text: str, subject: str) -> Message:
    """A service's mail that answers nothing (no thread), under a subject that names no request."""
    return team_reply(text, subject, "news@store.example", "Store", in_case=False)


def _category(text: str, ruleset: Ruleset) -> Category:
    return classify(_reply(text), ruleset, known_thread=True).category


OPT_OUT_IN_FEW_WORDS = [
    "Yes, you're unsubscribed. Thanks.",
    "Apologies on behalf of the team. We'll stop the emails.",
    "Anyway, I'll try providing your email internally to unsubscribe.",
    "Sie sind jetzt von allen Listen abgemeldet.",
    "Wir tragen Sie intern aus dem Verteiler aus.",
    "Vous êtes désormais désinscrite.",
    "Nous allons vous désinscrire de la lettre d'information.",
    "Sei stata disiscritta dalla newsletter.",
    "Il link non funziona, hai ragione. Ti disiscriviamo noi internamente.",
    "Ya estás dada de baja.",
    "Te damos de baja internamente de la lista.",
    "Wir stellen die E-Mails an Sie ein.",
    "Nous allons arrêter les e-mails.",
    "Smetteremo di inviarti email.",
    "Dejaremos de enviarte correos.",
]


@pytest.mark.parametrize("text", OPT_OUT_IN_FEW_WORDS)
def test_an_opt_out_done_in_few_words_inside_a_case_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize("text", OPT_OUT_IN_FEW_WORDS[:1] + OPT_OUT_IN_FEW_WORDS[3:4] + OPT_OUT_IN_FEW_WORDS[9:10])
def test_an_opt_out_in_few_words_outside_a_case_is_no_reply(text: str, ruleset: Ruleset) -> None:
    """A newsletter's "you're unsubscribed" page says the same to everyone: only a case makes it an answer."""
    assert classify(_notice(text, "Newsletter"), ruleset).category in NOT_A_REPLY


def test_unsubscribed_from_a_thread_is_no_acceptance(ruleset: Ruleset) -> None:
    text = "You're unsubscribed from this thread and won't receive further notifications for it."
    assert _category(text, ruleset) is not Category.ACCEPTANCE


ASSENT_ALONE = [
    "sure thing!",
    "sure, thanks for the update.",
    "Klar, gerne.",
    "Certo!",
    "Bien sûr !",
    "Claro, sin problema.",
]


@pytest.mark.parametrize("text", ASSENT_ALONE)
def test_assent_as_the_whole_reply_inside_a_case_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Sure thing, removed the trailing whitespace in line 4 as well. CI is running now.",
        "Sure thing! Before I do, which account is it?",
    ],
)
def test_assent_that_goes_on_about_something_else_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is not Category.ACCEPTANCE


FORMAL_DONE = [
    "The erasure of your data has been completed.",
    "Deletion complete.",
    "Löschung abgeschlossen.",
    "Die von dir angefragte Löschung deiner personenbezogenen Daten auf Beispielverein wurde ausgeführt.",
    "Sie haben darum gebeten, Ihr Konto zu löschen. Dieser Prozess wurde inzwischen abgeschlossen.",
    "La cancellazione dei Suoi dati personali dai nostri archivi è stata eseguita.",
    "Cancellazione eseguita.",
    "Suppression effectuée.",
    "Le informamos que se ha procedido a la exclusión de sus datos del tratamiento con fines publicitarios.",
    "Tras las comprobaciones pertinentes, se ha procedido a la baja cautelar en el fichero.",
]


@pytest.mark.parametrize("text", FORMAL_DONE)
def test_a_formal_confirmation_that_it_was_carried_out_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Una vez verificada su identidad, se procederá a la supresión.",
        "No se ha procedido a la baja porque existe una deuda pendiente.",
    ],
)
def test_a_conditional_or_negated_procedure_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is not Category.ACCEPTANCE


HISTORY_KEPT = [
    "Commits that are already merged cannot be removed from the history.",
    "Your commits will always be in this repo, nobody can remove them.",
    "We do not remove requests from the site, as detailed in our policy.",
    "The list archive is kept.",
    "Beiträge im Archiv entfernen wir grundsätzlich nicht. Das Archiv bleibt vollständig erhalten.",
    "Nous ne retirons pas les demandes publiées sur le site.",
    "Mi dispiace, ma i commit restano nella cronologia del repository.",
    "No eliminamos las solicitudes publicadas en la web.",
]


@pytest.mark.parametrize("text", HISTORY_KEPT)
def test_history_that_is_kept_inside_a_case_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_a_commit_removed_from_the_history_is_an_acceptance(ruleset: Ruleset) -> None:
    assert _category("I removed the commit in question from the history entirely.", ruleset) is Category.ACCEPTANCE


def test_a_forum_digest_about_history_is_no_reply(ruleset: Ruleset) -> None:
    text = "Paul : « Les commits restent dans l'historique, on ne peut pas les supprimer sans réécrire la branche. »"
    assert classify(_notice(text, "[Forum dev] Nouveau message"), ruleset).category in NOT_A_REPLY


CONTACT_ELSEWHERE = [
    "I'd suggest that you email data@example.org so that we can answer your questions privately.",
    "You can [contact](https://example.org/help) us via e-mail: portal-support@example.org",
    "Please email us privately about it, not here.",
    "We only send from mailer.example.org. All other messages are not from us.",
    "Le mieux est de nous écrire en privé à donnees@example.fr.",
    "Contatta il supporto via e-mail: supporto@example.it",
    "Escríbenos en privado y lo vemos.",
    "Los demás mensajes no son nuestros.",
]


@pytest.mark.parametrize("text", CONTACT_ELSEWHERE)
def test_contact_elsewhere_instead_of_acting_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "We have deleted your account. If you have any questions, just email privacy@example.org.",
        "We will attempt to contact individuals directly where we can, or they should contact us directly.",
    ],
)
def test_a_contact_line_beside_another_decision_is_no_redirect(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is not Category.REJECTION


def test_a_newsletters_e_mail_us_is_no_reply(ruleset: Ruleset) -> None:
    text = "Neu im Sortiment: Gartenmöbel. Fragen? Schreiben Sie uns per E-Mail an service@moebel.example."
    assert classify(_notice(text, "Frühlingsangebote"), ruleset).category in NOT_A_REPLY


FROM_THE_REGISTERED_ADDRESS = [
    "Could you send that request by mail to support@example.org, from the address registered to the account?",
    "Please send the email from the original email address and specify the subdomain.",
    "Il faut faire la demande par mail à commercial@example.fr avec l'adresse d'inscription.",
    "Usually it's easiest for us to check an opt-out request if it comes from the account itself.",
]


@pytest.mark.parametrize("text", FROM_THE_REGISTERED_ADDRESS)
def test_a_request_from_the_registered_address_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_email_elsewhere_instead_from_the_accounts_address_stays_a_redirect(ruleset: Ruleset) -> None:
    """ "Please email X instead, from the address associated with your account" sends the person elsewhere."""
    text = (
        "We do not handle these requests through this ticket. Please email privacy@example.org instead, "
        "from the address associated with your account, and include your username."
    )
    assert _category(text, ruleset) is not Category.IDENTITY_CHECK


CONFIRM_FIRST = [
    "Before GNU Mailman can unsubscribe you, you must first confirm your request. Simply reply to this message.",
    "Bevor wir Sie austragen, müssen Sie die Abmeldung noch bestätigen.",
    "Vous devez d'abord confirmer votre désinscription.",
    "Per confermare questa azione, fai clic sul seguente link: https://example.it/conferma?key=Qm7x",
    "Debe confirmar su solicitud de baja.",
]


@pytest.mark.parametrize("text", CONFIRM_FIRST)
def test_an_opt_out_that_waits_for_a_confirmation_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


ONE_FACT = [
    "We'll remove all data under the old name. Should we also remove the data under your current username?",
    "Feel free to leave the usernames you want cleared here.",
    "There is a button in the footer. Or could you elaborate which mailing list you are talking about?",
    "This address is not on the list. Is it possible that you registered a different e-mail address?",
    "Do you want us to remove your name only, or the whole entry?",
    "Préférez-vous que je retire seulement votre nom, ou toute la ligne ?",
    "Preferisci che tolgo solo il cognome o il nome per intero dall'elenco?",
    "¿Prefieres que quitemos solo el apellido o el nombre completo?",
]


@pytest.mark.parametrize("text", ONE_FACT)
def test_a_short_ask_for_one_fact_inside_a_case_is_a_request_for_information(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REQUEST_INFO, verdict.evidence


def test_a_newsletters_one_fact_question_is_no_reply(ruleset: Ruleset) -> None:
    text = "Preferisci che ti mandiamo le novità ogni settimana o una volta al mese?"
    assert classify(_notice(text, "Le novità di stagione"), ruleset).category in NOT_A_REPLY


DO_YOU_MEAN = [
    "Do you mean the email field in the .po file? Does weblate populate that field?",
    "Meinen Sie das Feld in der Übersetzungsdatei?",
    "Vous parlez du champ e-mail dans le fichier de traduction ?",
    "Intendi il campo e-mail del file di traduzione?",
    "¿Te refieres al campo de correo del fichero de traducción?",
]


@pytest.mark.parametrize("text", DO_YOU_MEAN)
def test_do_you_mean_the_thing_asks_what_is_meant(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.CLARIFICATION, verdict.evidence


def test_a_rhetorical_do_you_mean_that_goes_on_to_answer_asks_nothing(ruleset: Ruleset) -> None:
    text = (
        "Do you mean the comment on your change? You cannot change it after uploading. "
        "Please write an email to support@example.org asking the administrators to delete it."
    )
    assert _category(text, ruleset) is not Category.CLARIFICATION


FORMAL_REFUSALS = [
    "El certificado enviado es el formato regulado por ley, no siendo posible facilitar más información.",
    "No es oportuno entregarle copia de su expediente.",
    "Esta entidad no dispone de acceso a la historia clínica de los pacientes.",
    "Wir können Ihnen leider keine weiteren Informationen geben.",
    "We are not able to provide any further information.",
    "There is no unsubscribe, this is part of how the tool works.",
    "Es gibt keine Abmeldung.",
    "Il n'y a pas de désinscription.",
    "Non c'è un modo per disiscriversi.",
    "No hay opción de baja.",
]


@pytest.mark.parametrize("text", FORMAL_REFUSALS)
def test_a_formal_refusal_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_access_missing_for_now_is_no_refusal(ruleset: Ruleset) -> None:
    text = (
        "En este momento la actividad del centro está suspendida, lo que implica que no tenemos acceso a la "
        "documentación. Nos pondremos en contacto con usted en cuanto se reanude."
    )
    assert _category(text, ruleset) is not Category.REJECTION


PROMISED_LATER = [
    "Le avisaremos en qué fecha puede recoger su documentación.",
    "(…) serán solicitadas al departamento correspondiente.",
    "We will let you know the date on which you can collect the copy.",
    "Nous vous indiquerons la date à laquelle vous pourrez récupérer la copie.",
    "Le comunicheremo la data in cui potrà ritirare la documentazione.",
]


@pytest.mark.parametrize("text", PROMISED_LATER)
def test_a_date_promised_for_later_is_an_acknowledgement(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_assent_alone_under_a_subject_that_negates_is_still_an_acceptance(ruleset: Ruleset) -> None:
    """The subject's words ("non-used") are not the reply's: assent is judged on the body alone."""
    message = store_reply("Sure, no problem.", "Re: [club/site] Remove non-used mail from the members page (#311)")
    verdict = classify(message, ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


RECEIPTS_AND_PROMISES = [
    "The support team has received your request. We'll update you within the next week. Thank you!",
    "Please stop creating multiple threads. I will update #679 with progress.",
    "Normally you can drop us a line for questions like these. I'll email you at the address in your profile.",
    "Thank you for your question, I will communicate the opened issue with the respective team.",
    "Ich werde Ihnen eine E-Mail schreiben.",
    "Je transmettrai votre question à l'équipe concernée.",
    "Girerò la tua domanda al team.",
    "Te escribiré por correo.",
]


@pytest.mark.parametrize("text", RECEIPTS_AND_PROMISES)
def test_a_receipt_or_a_promise_to_follow_up_in_a_case_is_an_acknowledgement(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Merged, thanks!",
        "Please note that the deletion process itself happens over a period of time across our systems.",
        "It just takes some time to complete. This is a loading state while it's deleting.",
    ],
)
def test_a_merge_or_a_deletion_under_way_in_a_case_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_merged_outside_a_case_is_no_reply(ruleset: Ruleset) -> None:
    assert classify(_notice("Merged, thanks!", "[example/tool] Fix typo (#12)"), ruleset).category in NOT_A_REPLY


@pytest.mark.parametrize(
    "text",
    [
        "I'll take care of it.. can you email support with your email address so I can delete it?",
        "Because of the number of generated messages, we ask you for the reference you are mentioning.",
        "Kannst du dem Support mit deiner E-Mail-Adresse schreiben?",
        "Pouvez-vous écrire au support avec votre adresse e-mail ?",
        "Puoi scrivere al supporto con il tuo indirizzo email?",
        "¿Puedes escribir a soporte con tu dirección de correo?",
    ],
)
def test_one_fact_asked_by_mail_is_a_request_for_information(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REQUEST_INFO, verdict.evidence


REQUESTS_GO_TO_ANOTHER_ENTITY = [
    "Thank you for your letter. All requests about the service must be sent to Example Ireland Limited.",
    "Confermiamo la ricezione della Sua lettera. Ogni richiesta relativa al sito deve essere trasmessa a Example Ltd.",
    "Vielen Dank für Ihr Schreiben. Alle Anfragen zum Dienst müssen an die Example Ireland Limited gerichtet werden.",
    "Nous accusons réception de votre courrier. Toute demande relative au service doit être adressée à Example Ltd.",
    "Acusamos recibo de su escrito. Cualquier solicitud relativa al servicio debe dirigirse a Example Ireland Limited.",
]


@pytest.mark.parametrize("text", REQUESTS_GO_TO_ANOTHER_ENTITY, ids=["en", "it", "de", "fr", "es"])
def test_a_receipt_that_sends_every_request_to_another_entity_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    """The receipt is a pleasantry; the operative sentence sends the request elsewhere."""
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "We will not stop the emails.",
        "We'll stop the emails once you confirm your address.",
        "Non smetteremo di inviarti email.",
        "Dejaremos de enviarte correos cuando confirmes tu dirección.",
        "Wir stellen die E-Mails nicht ein.",
        "Nous n'allons pas arrêter les e-mails.",
    ],
)
def test_a_negated_or_conditional_stop_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is not Category.ACCEPTANCE


NOT_REMOVED_OR_NOT_OURS = [
    "We can't scrub your name from old commits; the git history stays as it is.",
    "Requests published on the site are not removed.",
    "Unser Archiv ist öffentlich und wird nicht bereinigt; Ihre alten Beiträge bleiben dort erhalten.",
    "Le richieste pubblicate sul portale non vengono rimosse.",
    "Las solicitudes publicadas no se retiran de la web.",
    "Les demandes publiées ne sont jamais retirées du site.",
    "We didn't send those emails.",
    "Esos mensajes no los enviamos nosotros.",
]


@pytest.mark.parametrize("text", NOT_REMOVED_OR_NOT_OURS)
def test_content_that_is_not_removed_or_mail_not_sent_is_a_rejection(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_messages_not_deleted_automatically_but_by_hand_is_no_rejection(ruleset: Ruleset) -> None:
    text = "Your messages are not deleted automatically, so we removed them by hand."
    assert _category(text, ruleset) is not Category.REJECTION


def test_took_you_off_the_list_in_a_case_is_an_acceptance(ruleset: Ruleset) -> None:
    text = "Hey Jane, took you off the mailing list just now. Sorry for the noise!"
    assert _category(text, ruleset) is Category.ACCEPTANCE


ADMIN_NOTIFIED = [
    "L'action a été confirmée. L'administrateur du site a été notifié et répondra à votre demande au plus vite.",
    "Der Administrator der Website wurde benachrichtigt und wird deine Anfrage so schnell wie möglich beantworten.",
    "L'amministratore del sito è stato informato e risponderà alla tua richiesta il prima possibile.",
    "Se ha notificado al administrador del sitio, que responderá a tu solicitud lo antes posible.",
]


@pytest.mark.parametrize("text", ADMIN_NOTIFIED, ids=["fr", "de", "it", "es"])
def test_an_administrator_notified_who_will_answer_is_an_acknowledgement(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACKNOWLEDGEMENT, verdict.evidence


def test_unable_to_complete_the_request_is_a_rejection(ruleset: Ruleset) -> None:
    text = "As your account belongs to Example Corp, we are unable to complete your request."
    assert _category(text, ruleset) is Category.REJECTION


def test_unable_to_complete_until_verified_is_no_rejection(ruleset: Ruleset) -> None:
    text = "We are unable to complete your request until you verify your identity."
    assert _category(text, ruleset) is not Category.REJECTION


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Se ha procedido al bloqueo de sus datos personales.", Category.ACCEPTANCE),
        ("Le informamos que sus datos han sido cancelados.", Category.ACCEPTANCE),
        ("Se ha dado de baja su número de teléfono de nuestras campañas.", Category.ACCEPTANCE),
        ("Se le ha remitido la información solicitada.", Category.ACCEPTANCE),
        ("Wir haben Ihre Daten für Werbung gesperrt.", Category.ACCEPTANCE),
        ("No procede la supresión de sus datos, ya que existe una deuda pendiente.", Category.REJECTION),
        ("Su petición ha sido trasladada al departamento correspondiente.", Category.ACKNOWLEDGEMENT),
        ("I suoi dati sono stati bloccati.", Category.ACCEPTANCE),
        ("Vos données ont été bloquées.", Category.ACCEPTANCE),
        ("We have blocked your data from marketing use.", Category.ACCEPTANCE),
        ("Il n'est pas possible de donner suite à votre demande.", Category.REJECTION),
    ],
)
def test_formal_wordings_as_regulators_quote_them(text: str, category: Category, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is category, verdict.evidence


@pytest.mark.parametrize("text", ["Wir haben Ihr Konto gesperrt.", "Sus datos no han sido cancelados."])
def test_a_blocked_account_or_a_negated_erasure_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    assert _category(text, ruleset) is not Category.ACCEPTANCE
