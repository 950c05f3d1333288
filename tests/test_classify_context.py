"""Classifier round 5: replies that name a request, other languages, and the families of round 5."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import team_reply

from mailbot.classify import answers_request, classify
from mailbot.models import Category, Message
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


def _reply(text: str, subject: str, sender: str = "support@lumenapp.example", name: str = "Lumen Support") -> Message:
    """A team's reply to the person's mail (In-Reply-To set) under the subject given."""
    return team_reply(text, subject, sender, name)


REQUEST_SUBJECTS = [
    "Re: Delete my account",
    "AW: Widerspruch nach Art. 21 DSGVO",
    "R: richiesta di cancellazione dei dati",
    "RE: Demande d'accès à mes données",
    "RE: derecho de supresión",
    "Re: Objection",
    "Re: Access request",
]
OTHER_SUBJECTS = ["Re: Fix typo in README", "AW: Treffen nächste Woche", "Re: Tus recomendaciones de noviembre"]


@pytest.mark.parametrize("subject", REQUEST_SUBJECTS)
def test_reply_under_a_request_subject_answers_the_request(subject: str, ruleset: Ruleset) -> None:
    """A reply whose subject names a data-protection request, in the five languages, answers it."""
    assert answers_request(ruleset, _reply("Hello.", subject))
    no_thread = replace(_reply("Hello.", subject), in_reply_to="", references=())
    assert not answers_request(ruleset, no_thread)


@pytest.mark.parametrize("subject", OTHER_SUBJECTS)
def test_reply_about_something_else_answers_no_request(subject: str, ruleset: Ruleset) -> None:
    assert not answers_request(ruleset, _reply("Hello.", subject))


def test_teams_reply_to_a_request_is_left_to_the_person_not_called_unrelated(ruleset: Ruleset) -> None:
    """Outside a case on record, a team's reply that answers a request and matches nothing abstains;
    the same text under another subject is unrelated, as before."""
    text = "Just checking in on this one, any news on your side?"
    verdict = classify(_reply(text, "Re: Please delete my data"), ruleset)
    assert verdict.category == Category.UNKNOWN, verdict.evidence
    assert classify(_reply(text, "Re: Fix typo in README"), ruleset).category == Category.UNRELATED


def test_named_persons_reply_to_a_request_meets_the_normal_threshold(ruleset: Ruleset) -> None:
    """A developer writing from their own address at the company answers the request: a redirect (a rule
    below the stranger threshold) decides; under another subject it does not, and nothing decided stays
    unrelated (a colleague or friend discussing a request is not a controller)."""
    text = "Please write to dpo@lumenapp.example for that."
    tomas = {"sender": "tomas@lumenapp.example", "name": "Tomas"}
    assert classify(_reply(text, "Re: Delete my account", **tomas), ruleset).category == Category.REJECTION
    assert classify(_reply(text, "Re: Fix typo in README", **tomas), ruleset).category == Category.UNRELATED
    chat = classify(_reply("See you on Thursday for coffee!", "Re: my GDPR request to the gym", **tomas), ruleset)
    assert chat.category == Category.UNRELATED, chat.evidence


def test_personal_mail_provider_stays_gated_under_a_request_subject(ruleset: Ruleset) -> None:
    """A friend replying from a personal mailbox to "Re: my GDPR request" is not a controller."""
    message = _reply("sure, thanks for the update", "Re: my GDPR request", sender="sam.roe@gmail.com", name="Sam")
    assert classify(message, ruleset).gate == "gate-personal-sender"


def test_abstention_claims_no_certainty(ruleset: Ruleset) -> None:
    """`unknown` (nothing decided inside a case) has confidence 0; `unrelated` keeps 1 - best score."""
    abstained = classify(_reply("Just checking in on this one, any news on your side?", "Re: Objection"), ruleset)
    assert (abstained.category, abstained.confidence) == (Category.UNKNOWN, 0.0)
    unrelated = classify(_reply("See you on Thursday for coffee!", "Re: Fix typo in README"), ruleset)
    assert unrelated.category == Category.UNRELATED
    assert unrelated.confidence > 0.5


# --- a language outside the five is left to the person, also when it borrows a few English words --------------


OTHER_LANGUAGES = [
    # Polish typed without diacritics: its "i" (and) is an English word, so English once won.
    "Otrzymalismy Twoj wniosek i rozpatrzymy go wkrotce. Dziekujemy za cierpliwosc i pozdrawiamy serdecznie.",
    "Vi har mottagit din begäran om radering och återkommer så snart som möjligt. Vänliga hälsningar",
    "Köszönjük megkeresését, kérelmét a következő napokban feldolgozzuk és válaszolunk Önnek.",
]


@pytest.mark.parametrize("text", OTHER_LANGUAGES, ids=["pl", "sv", "hu"])
def test_language_outside_the_five_abstains_without_certainty(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Objection", sender="privacy@facebook.com"), ruleset)
    assert verdict.language not in {"en", "it", "de", "fr", "es"}, verdict.evidence
    assert (verdict.category, verdict.confidence) == (Category.UNKNOWN, 0.0), verdict.evidence


def test_language_coverage_boundary(ruleset: Ruleset) -> None:
    """Two English function words among twenty words: recognised at a 0.10 floor, not above it."""
    text = "the and " + " ".join(f"zq{chr(97 + i)}x" for i in range(18))
    message = _reply(text, "Re: Objection", sender="privacy@facebook.com")
    at = replace(ruleset, tuning=replace(ruleset.tuning, language_coverage=0.1))
    above = replace(ruleset, tuning=replace(ruleset.tuning, language_coverage=0.11))
    assert classify(message, at).language == "en"
    assert classify(message, above).language == ""
    assert classify(message, above).confidence == 0.0


# --- a retention duty beside an explicit refusal refuses, even when something else was done ---------------------


RETENTION_AND_REFUSAL = [
    "Your account was closed last year. We are required by anti-money laundering regulations to keep these "
    "records for five years, and we cannot delete them before the end of that period.",
    "Il tuo account è stato chiuso. Siamo tenuti per legge a conservare questi dati per dieci anni e non possiamo "
    "cancellarli prima della scadenza.",
    "Ihr Konto wurde geschlossen. Aufgrund gesetzlicher Aufbewahrungspflichten speichern wir die Daten noch sechs "
    "Jahre; eine frühere Löschung ist nicht möglich.",
    "Votre compte est clôturé. Nous sommes tenus de conserver ces données dix ans et ne pouvons pas les effacer "
    "avant cette échéance.",
    "Tu cuenta ha sido cerrada. Estamos obligados a conservar estos datos seis años y no podemos suprimirlos antes "
    "de que finalice ese plazo.",
]


@pytest.mark.parametrize("text", RETENTION_AND_REFUSAL, ids=["en", "it", "de", "fr", "es"])
def test_retention_beside_an_explicit_refusal_is_a_refusal(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Erasure request", sender="privacy@bank.example"), ruleset, known_thread=True)
    assert verdict.category == Category.REJECTION, verdict.evidence


def test_retention_beside_a_confirmed_erasure_stays_an_acceptance(ruleset: Ruleset) -> None:
    """Without an explicit refusal, "deleted; invoices are kept by law" is still the confirmation."""
    text = "We have deleted your account. We are required by tax law to keep your invoices for ten years."
    verdict = classify(_reply(text, "Re: Erasure request", sender="privacy@bank.example"), ruleset, known_thread=True)
    assert verdict.category == Category.ACCEPTANCE, verdict.evidence


# --- asking whether the person managed it themselves, or "the self-service deletion works again" ------------------


DONE_YOURSELF = [
    "Quick follow-up: have you been able to remove your profile from the account page? Then we'll close this ticket.",
    "Sei riuscita a cancellare il tuo account dalle impostazioni dell'app? In quel caso chiudiamo la segnalazione.",
    "Haben Sie Ihr Profil mittlerweile über die Einstellungen entfernt? Dann schließen wir die Anfrage.",
    "La suppression du compte depuis l'application devrait de nouveau fonctionner, dites-nous si ce n'est pas le cas.",
    "¿Has podido darte de baja desde la aplicación? Si es así, cerramos la incidencia.",
]


@pytest.mark.parametrize("text", DONE_YOURSELF, ids=["en", "it", "de", "fr", "es"])
def test_asking_if_the_person_did_it_themselves_is_a_redirect(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset)
    assert (verdict.category, verdict.variant) == (Category.REJECTION, "medium"), verdict.evidence


def test_fix_announcement_without_a_deletion_word_is_no_redirect(ruleset: Ruleset) -> None:
    """ "This should be fixed now" about a crash leaves nothing undone on a request."""
    text = "This should be fixed now in version 2.3, please let us know if the crash comes back."
    verdict = classify(_reply(text, "Re: Crash on startup"), ruleset)
    assert verdict.category != Category.REJECTION, verdict.evidence


def test_retry_and_tell_us_is_no_ask_for_details(ruleset: Ruleset) -> None:
    """ "Pouvez-vous réessayer et nous dire si…" asks to retry the self-service way, not for details."""
    text = "Pouvez-vous réessayer de votre côté et nous dire si la suppression du compte bloque encore ?"
    verdict = classify(_reply(text, "RE: Suppression de mon compte"), ruleset)
    assert verdict.category != Category.REQUEST_INFO, verdict.evidence


# --- what the controller would need to know, asked politely or as a where/which question --------------------------


NEEDS_TO_KNOW = [
    "It would be really helpful if you could confirm which of your two accounts the request is about.",
    "Per procedere avremmo bisogno di sapere in quale anno ha effettuato l'ordine.",
    "Es wäre hilfreich, wenn Sie uns mitteilen könnten, welches Kundenkonto betroffen ist.",
    "Nous aurions besoin de savoir à quel contrat se rapporte votre opposition.",
    "Para continuar es necesario que nos facilite el número de contrato.",
    "Thanks. Which address are you receiving these mails on?",
]


@pytest.mark.parametrize("text", NEEDS_TO_KNOW, ids=["en", "it", "de", "fr", "es", "en-question"])
def test_what_it_needs_to_know_is_a_specific_ask(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Objection"), ruleset)
    assert verdict.category == Category.REQUEST_INFO, verdict.evidence


def test_a_where_statement_is_no_question(ruleset: Ruleset) -> None:
    verdict = classify(
        _reply("This is the page where you found your address, for your records.", "Re: Objection"), ruleset
    )
    assert verdict.category != Category.REQUEST_INFO, verdict.evidence


# --- an erasure under way, or whose result the person can see, is carried out --------------------------------------


UNDER_WAY = [
    "I'm processing the deletion now and will confirm here once it's complete.",
    "Abbiamo avviato la procedura di cancellazione del tuo profilo.",
    "Die Löschung Ihres Kontos ist bereits angestoßen.",
    "Vos données ne figurent plus dans nos fichiers clients.",
    "Ya hemos tramitado tu baja y tus datos ya no constan en nuestros sistemas.",
    "If you check now, your records are no longer present on our servers.",
]


@pytest.mark.parametrize("text", UNDER_WAY, ids=["en", "it", "de", "fr", "es", "en-check"])
def test_erasure_under_way_is_carried_out(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset)
    assert verdict.category == Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize(
    "text", ["We have not started the deletion yet.", "If your data is no longer present, we cannot send a copy."]
)
def test_erasure_not_started_or_conditional_is_not_carried_out(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset)
    assert verdict.category != Category.ACCEPTANCE, verdict.evidence


# --- refusing the e-mail channel (named first) or sending the person to do it in person ----------------------------


CHANNEL = [
    "By email we unfortunately can't process that, sorry. Account closures can only be done in person at your branch.",
    "Via e-mail non gestiamo richieste di cancellazione: le cancellazioni si fanno solo di persona presso la sede.",
    "Per E-Mail bearbeiten wir leider keine Löschanträge.",
    "Par e-mail, nous ne traitons pas les demandes de suppression : elles se font uniquement en agence.",
    "Las bajas solo se gestionan de forma presencial en la recepción de tu centro.",
]


@pytest.mark.parametrize("text", CHANNEL, ids=["en", "it", "de", "fr", "es"])
def test_refusing_the_channel_is_a_redirect(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Delete my account"), ruleset)
    assert (verdict.category, verdict.variant) == (Category.REJECTION, "medium"), verdict.evidence


def test_confirming_by_email_is_no_channel_refusal(ruleset: Ruleset) -> None:
    verdict = classify(_reply("We are happy to confirm by email that your account was deleted.", "Re: Delete"), ruleset)
    assert verdict.category == Category.ACCEPTANCE, verdict.evidence


# --- a footer listing everyone's rights speaks of no request; a request's number in the subject does ---------------


def _notification(text: str, subject: str) -> Message:
    """A platform's message that replies to nothing (no In-Reply-To, no Re:)."""
    return replace(_reply(text, subject, sender="privacy-response@microsoft.com"), in_reply_to="", references=())


@pytest.mark.parametrize(
    "footer",
    [
        "Information about your rights: you have the right to request access to or erasure of your personal data.",
        "Non è richiesta alcuna azione da parte tua.",
        "Sie haben das Recht auf Auskunft und das Recht auf Widerspruch.",
        "Vous disposez d'un droit d'opposition et d'un droit d'accès.",
        "Tienes derecho a presentar una reclamación y a la oposición al tratamiento.",
    ],
    ids=["en", "it", "de", "fr", "es"],
)
def test_rights_footer_makes_a_notification_no_answer(footer: str, ruleset: Ruleset) -> None:
    """A survey with a rights footer matches no rule: it is unrelated, not left to the person."""
    verdict = classify(_notification(f"Take our two-minute survey.\n\n{footer}", "How did we do?"), ruleset)
    assert verdict.category == Category.UNRELATED, verdict.evidence
    asked = classify(_notification("About your objection: we are looking at it.", "How did we do?"), ruleset)
    assert asked.category != Category.UNRELATED, asked.evidence


def test_request_number_in_the_subject_names_a_request(ruleset: Ruleset) -> None:
    assert answers_request(ruleset, _reply("Hello.", "RE: [Kasa Mode] Demande n°K-55102"))
    assert not answers_request(ruleset, _reply("Hello.", "RE: [Kasa Mode] Newsletter 12"))


# --- lookalikes: sign-in codes and password resets that mention a "request" stay notifications ---------------------


SECURITY_NOTICES = [
    "We received a request to sign in to your account. Your verification code is 123456.",
    "Abbiamo ricevuto una richiesta di reimpostazione della password del tuo account. Se non sei stato tu, ignora.",
    "Wir haben eine Anfrage zum Zurücksetzen deines Passworts erhalten. Ihr Bestätigungscode lautet 123456.",
    "Nous avons reçu une demande de réinitialisation du mot de passe de votre compte.",
    "Hemos recibido una solicitud para restablecer la contraseña de tu cuenta. Tu código de verificación es 482913.",
]


@pytest.mark.parametrize("text", SECURITY_NOTICES, ids=["en", "it", "de", "fr", "es"])
def test_security_notice_mentioning_a_request_stays_unrelated(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notification(text, "Security notice"), ruleset)
    assert verdict.category == Category.UNRELATED, verdict.evidence


# --- the sender erased, or will erase, the person's data: in the first person, in five languages ------------------


ERASED_BY_US = [
    "Hi, I deleted your account and the comments linked to it.",
    "Provvederemo a cancellare il tuo account entro oggi.",
    "Wir werden Ihr Konto und alle zugehörigen Daten löschen.",
    "J'ai supprimé votre compte ainsi que votre adresse.",
    "He borrado tu cuenta y tu dirección de correo.",
]


@pytest.mark.parametrize("text", ERASED_BY_US, ids=["en", "it", "de", "fr", "es"])
def test_first_person_erasure_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Please remove my data"), ruleset)
    assert verdict.category == Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize(
    "text",
    ["We will not delete your account.", "We will delete your account once you confirm.", "I deleted the branch."],
)
def test_erasure_refused_conditional_or_of_something_else_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Please remove my data"), ruleset)
    assert verdict.category != Category.ACCEPTANCE, verdict.evidence


def test_erasing_it_counts_only_inside_a_case(ruleset: Ruleset) -> None:
    """ "I'll remove it" grants a request under a subject that names one (or in a case on record); about a
    typo fix "it" is something else, and the rule does not count."""
    text = "Sure, I'll remove it in the next release."
    assert classify(_reply(text, "Re: Please remove my email address"), ruleset).category == Category.ACCEPTANCE
    other = _reply(text, "Re: Fix typo in README")
    assert classify(other, ruleset).category == Category.UNRELATED
    assert classify(other, ruleset, known_thread=True).category == Category.ACCEPTANCE


def test_verify_then_erase_is_an_identity_check(ruleset: Ruleset) -> None:
    text = "Please verify your request with the link below; we will then delete your account."
    verdict = classify(_reply(text, "Re: Please remove my data"), ruleset)
    assert verdict.category == Category.IDENTITY_CHECK, verdict.evidence


# --- keeps no personal data; will not rewrite history; what is your username; unsubscribe by the link --------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We do not collect or store personal information, so there is nothing to delete.", Category.ACCEPTANCE),
        ("Non raccogliamo né conserviamo dati personali degli utenti.", Category.ACCEPTANCE),
        ("Wir speichern keine personenbezogenen Daten.", Category.ACCEPTANCE),
        ("Nous ne stockons aucune donnée personnelle sur nos serveurs.", Category.ACCEPTANCE),
        ("No almacenamos ningún dato personal de los usuarios.", Category.ACCEPTANCE),
        ("The address is in the commits and we can't remove it without rewriting history.", Category.REJECTION),
        ("Non possiamo riscrivere la cronologia del repository.", Category.REJECTION),
        ("Die Git-Historie werden wir nicht umschreiben.", Category.REJECTION),
        ("Nous ne pouvons pas réécrire l'historique du dépôt.", Category.REJECTION),
        ("No podemos reescribir el historial del repositorio.", Category.REJECTION),
        ("Sure. What is your username?", Category.REQUEST_INFO),
        ("Qual è il tuo nome utente?", Category.REQUEST_INFO),
        ("Wie lautet Ihr Benutzername?", Category.REQUEST_INFO),
        ("Quel est votre nom d'utilisateur ?", Category.REQUEST_INFO),
        ("¿Cuál es tu nombre de usuario?", Category.REQUEST_INFO),
        ("You can unsubscribe using the link at the bottom of any email.", Category.REJECTION),
        ("Puoi disiscriverti usando il link in fondo a ogni email.", Category.REJECTION),
        ("Sie können sich über den Link am Ende jeder E-Mail abmelden.", Category.REJECTION),
        ("Vous pouvez vous désinscrire via le lien en bas de chaque e-mail.", Category.REJECTION),
        ("Puedes darte de baja con el enlace al final de cada correo.", Category.REJECTION),
    ],
)
def test_round_five_families_in_a_reply_to_a_request(text: str, expected: Category, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Please remove my email address"), ruleset)
    assert verdict.category == expected, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Here are this month's highlights. You can unsubscribe at any time using the link below.",
        "Your privacy matters: we do not store any personal data from your searches.",
        "We removed your post because it goes against our Community Standards.",
    ],
)
def test_notifications_saying_the_same_to_everyone_stay_unrelated(text: str, ruleset: Ruleset) -> None:
    """A newsletter footer, a privacy notice, a takedown notice: outside a case these rules do not count."""
    verdict = classify(_notification(text, "News from us"), ruleset)
    assert verdict.category == Category.UNRELATED, verdict.evidence


AIMS_TO_ANSWER = [
    "We aim to respond within one calendar month.",
    "Contiamo di risponderti entro trenta giorni.",
    "Wir bemühen uns, Ihnen innerhalb eines Monats zu antworten.",
    "Nous nous efforçons de vous répondre dans un délai d'un mois.",
    "Intentaremos responderte en un plazo de un mes.",
]


@pytest.mark.parametrize("text", AIMS_TO_ANSWER, ids=["en", "it", "de", "fr", "es"])
def test_aiming_to_answer_within_a_time_is_a_receipt(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "RE: Subject access request"), ruleset)
    assert verdict.category == Category.ACKNOWLEDGEMENT, verdict.evidence


def test_should_be_able_to_unsubscribe_is_a_redirect_only_in_a_case(ruleset: Ruleset) -> None:
    text = "You should now be able to unsubscribe from the account page."
    assert classify(_reply(text, "Re: Please remove my email address"), ruleset).category == Category.REJECTION
    assert classify(_notification(text, "Welcome to our newsletter"), ruleset).category == Category.UNRELATED


def test_erasure_without_an_object_counts_only_inside_a_case(ruleset: Ruleset) -> None:
    """ "I've deleted" / "l'ho rimosso" about a typo or a branch is no acceptance; in a reply that names the
    person's request it is."""
    for text in ("Thanks, I've deleted it in the latest commit!", "Grazie, l'ho rimosso nell'ultimo commit!"):
        other = classify(_reply(text, "Re: Fix typo in README"), ruleset)
        assert other.category == Category.UNRELATED, other.evidence
        asked = classify(_reply(text, "Re: Please remove my email address"), ruleset)
        assert asked.category == Category.ACCEPTANCE, asked.evidence


SUPPRESSION_LIST = [
    "We have added your address to our internal suppression list.",
    "Le confermiamo che il suo indirizzo email è stato inserito nella lista di esclusione.",
    "Wir haben Ihre E-Mail-Adresse in unsere Sperrliste aufgenommen.",
    "Votre adresse a été ajoutée à notre liste d'opposition.",
    "Su dirección ha sido incluida en nuestra lista Robinson interna.",
]


@pytest.mark.parametrize("text", SUPPRESSION_LIST, ids=["en", "it", "de", "fr", "es"])
def test_suppression_list_is_an_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Objection to marketing"), ruleset)
    assert verdict.category == Category.ACCEPTANCE, verdict.evidence


def test_suppression_list_refused_is_no_acceptance(ruleset: Ruleset) -> None:
    verdict = classify(_reply("We have not added your address to any suppression list.", "Re: Objection"), ruleset)
    assert verdict.category != Category.ACCEPTANCE, verdict.evidence


ASKED_TO_SPECIFY = [
    "We kindly ask you to specify which of the two services this concerns.",
    "Le chiediamo di specificare a quale servizio si riferisce la sua richiesta.",
    "Wir bitten Sie, uns kurz mitzuteilen, welcher Vertrag gemeint ist.",
    "Nous vous prions de bien vouloir préciser le contrat concerné.",
    "Le rogamos que nos precise a qué servicio se refiere.",
]


@pytest.mark.parametrize("text", ASKED_TO_SPECIFY, ids=["en", "it", "de", "fr", "es"])
def test_being_asked_to_specify_is_a_specific_ask(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Objection"), ruleset)
    assert verdict.category == Category.REQUEST_INFO, verdict.evidence


def test_short_text_in_the_five_is_not_taken_for_another_language(ruleset: Ruleset) -> None:
    """The other languages count only by words none of the five uses: "a", "se" made Spanish Czech."""
    verdict = classify(_reply("¿Podría concretar a qué tratamiento se opone?", "Re: Objection"), ruleset)
    assert verdict.language in {"", "es"}, verdict.evidence
    assert verdict.category == Category.REQUEST_INFO, verdict.evidence


def test_rights_via_form_is_a_redirect_only_in_a_case(ruleset: Ruleset) -> None:
    text = "Le informamos que puede ejercer sus derechos a través del formulario disponible en nuestra web."
    assert classify(_reply(text, "RE: Derecho de supresión"), ruleset).category == Category.REJECTION
    assert classify(_notification(text, "Novedades de noviembre"), ruleset).category == Category.UNRELATED


def test_asking_to_clarify_what_is_meant_stays_a_clarification(ruleset: Ruleset) -> None:
    text = "No hemos entendido bien tu consulta. ¿Podrías aclararnos cuál es el problema exactamente?"
    verdict = classify(_reply(text, "Re: your request", sender="privacy@amazon.de"), ruleset)
    assert verdict.category == Category.CLARIFICATION, verdict.evidence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I've gone ahead and closed your account.", Category.ACCEPTANCE),
        ("Closing this since the account was deleted.", Category.ACCEPTANCE),
        ("Account deletion isn't supported yet, but it's on our roadmap.", Category.REJECTION),
        ("La cancellazione dell'account non è ancora disponibile nell'app.", Category.REJECTION),
        ("Die Kontolöschung wird derzeit noch nicht unterstützt.", Category.REJECTION),
        ("La suppression du compte n'est pas encore disponible.", Category.REJECTION),
        ("La eliminación de la cuenta todavía no está disponible.", Category.REJECTION),
        ("Unfortunately, we're not able to help with that.", Category.REJECTION),
        ("Purtroppo non possiamo aiutarti in questo caso.", Category.REJECTION),
        ("Da können wir Ihnen leider nicht helfen.", Category.REJECTION),
        ("Nous ne pouvons malheureusement pas vous aider.", Category.REJECTION),
        ("Lo sentimos, no podemos ayudarte con esto.", Category.REJECTION),
        ("I'm not the right person for this, please contact the team at privacy@org.example.", Category.REJECTION),
        ("I've forwarded this to the team.", Category.ACKNOWLEDGEMENT),
        ("Ho inoltrato la tua richiesta al nostro DPO.", Category.ACKNOWLEDGEMENT),
        ("Wir kümmern uns diese Woche darum.", Category.ACKNOWLEDGEMENT),
        ("J'ai transmis votre message à notre délégué.", Category.ACKNOWLEDGEMENT),
        ("Hemos trasladado tu petición al equipo legal.", Category.ACKNOWLEDGEMENT),
        (
            "We have received your request and will respond within one month. "
            "For any questions, please contact our DPO at dpo@example.com.",
            Category.ACKNOWLEDGEMENT,
        ),
    ],
)
def test_maintainers_terse_replies(text: str, expected: Category, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: Please delete my account"), ruleset)
    assert verdict.category == expected, verdict.evidence


def test_product_news_saying_not_available_yet_stays_unrelated(ruleset: Ruleset) -> None:
    text = "Dark mode isn't available yet, but it's on our roadmap and will be available soon."
    assert classify(_notification(text, "What's new in November"), ruleset).category == Category.UNRELATED


def test_explain_shows_case_only_rules_as_not_counting_outside_a_case(ruleset: Ruleset) -> None:
    text = "Sure, I'll remove it in the next release."
    outside = classify(_reply(text, "Re: Fix typo in README"), ruleset, explain=True)
    assert all(s.score == 0 for s in outside.scores if s.rule == "erased-it-in-a-case")
    inside = classify(_reply(text, "Re: Please remove my email address"), ruleset, explain=True)
    assert any(s.score > 0 for s in inside.scores if s.rule == "erased-it-in-a-case")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We no longer have any data associated with your email.", Category.ACCEPTANCE),
        ("This is a volunteer project; we have no way to delete anything.", Category.REJECTION),
        ("Non abbiamo alcun modo di cancellare quei messaggi.", Category.REJECTION),
        ("Da können wir leider nichts tun.", Category.REJECTION),
        ("Nous ne pouvons rien faire de notre côté.", Category.REJECTION),
        ("No tenemos forma de borrar esos registros.", Category.REJECTION),
        ("You should ask GitHub to delete it, as we don't control that data.", Category.REJECTION),
        ("Please note that we need to keep your order history for tax purposes.", Category.REJECTION),
        ("Closing as won't fix.", Category.REJECTION),
        ("Could you provide more details?", Category.CLARIFICATION),
        ("Potresti fornirci maggiori dettagli?", Category.CLARIFICATION),
        ("What data exactly do you want us to remove?", Category.REQUEST_INFO),
    ],
)
def test_no_means_no_data_more_details(text: str, expected: Category, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: GDPR data deletion request"), ruleset)
    assert verdict.category == expected, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "We will provide more information soon.",
        "Más información en nuestra política de privacidad.",
        "Per darti maggiori informazioni, visita il nostro sito.",
    ],
)
def test_offering_more_information_is_no_ask_for_details(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: GDPR data deletion request"), ruleset)
    assert verdict.category != Category.CLARIFICATION, verdict.evidence


def test_wont_fix_outside_a_case_is_no_refusal(ruleset: Ruleset) -> None:
    verdict = classify(_reply("Closing as won't fix, sorry.", "Re: Crash on startup"), ruleset)
    assert verdict.category != Category.REJECTION, verdict.evidence


def test_promise_to_ask_if_needed_stays_a_receipt(ruleset: Ruleset) -> None:
    text = (
        "Tu solicitud ha sido registrada con el número de caso 1002345. "
        "Te contactaremos si necesitamos más información."
    )
    assert classify(_reply(text, "Solicitud recibida"), ruleset).category == Category.ACKNOWLEDGEMENT


def test_unsure_language_tries_every_languages_patterns(ruleset: Ruleset) -> None:
    """ "Avec quelle adresse e-mail t'es-tu inscrit ?" is guessed Spanish at 0.667: below the confidence
    floor, when the Spanish patterns decide nothing, the French ones are tried too; at the floor they are not."""
    message = _reply("Avec quelle adresse e-mail t'es-tu inscrit ?", "RE: suppression de compte")
    assert classify(message, ruleset).language == "es"
    at = replace(ruleset, tuning=replace(ruleset.tuning, language_patterns_confidence=0.667))
    above = replace(ruleset, tuning=replace(ruleset.tuning, language_patterns_confidence=0.668))
    assert classify(message, at).category == Category.UNKNOWN
    assert classify(message, above).category == Category.REQUEST_INFO


def test_service_closure_announcing_deletion_for_everyone_is_no_acceptance(ruleset: Ruleset) -> None:
    text = "We will delete all accounts and data on 31 December. You can export your data before then."
    verdict = classify(_notification(text, "We're closing our service"), ruleset)
    assert verdict.category != Category.ACCEPTANCE, verdict.evidence


MODERATION = [
    "We removed your post because it goes against our Community Standards.",
    "Abbiamo rimosso il tuo commento perché viola le nostre linee guida.",
    "Wir haben dein Video entfernt, weil es gegen unsere Gemeinschaftsstandards verstößt.",
    "Nous avons supprimé votre publication car elle enfreint nos règles.",
    "Hemos eliminado tu vídeo porque infringe nuestras normas.",
    "Your account was deleted due to inactivity, as announced in our terms.",
]


@pytest.mark.parametrize("text", MODERATION, ids=["en", "it", "de", "fr", "es", "inactivity"])
def test_moderation_or_housekeeping_removal_is_unrelated(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_notification(text, "A notice about your content"), ruleset)
    assert verdict.category == Category.UNRELATED, verdict.evidence
