"""Classifier round 17: redirects to another team's address, a form or a settings page; "what do you object to?"."""

from __future__ import annotations

import pytest
from conftest import store_reply, team_reply

from mailbot.classify import classify
from mailbot.models import Category
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


LANGS = ["en", "de", "fr", "it", "es"]

# heldout-real-27 (fun-mooc, odysee), blind-28af: the request goes to another team's address, nothing is done here.
TO_ANOTHER_TEAM = [
    "Hi, data requests are handled by our member services team at members@club.example, so please send it there.",
    "Auskunftsanfragen bearbeitet unsere Geschäftsstelle unter info@verein.example, bitte schreib direkt dorthin.",
    "Les demandes de suppression sont traitées par notre service clients à clients@boutique.example.",
    "Le richieste di accesso sono gestite dall'ufficio soci all'indirizzo soci@circolo.example.",
    "Las solicitudes de acceso las gestiona nuestro equipo de atención en ayuda@tienda.example.",
]

# heldout-real-27 (freecodecamp, nuget), blind-28af/051: the person is sent to a settings page or member area.
TO_A_SETTINGS_PAGE = [
    "To close your profile, please follow the instructions in our FAQ.",
    "Das musst du über dein Kundenkonto in der App machen, dort gibt es unten einen Button.",
    "Pour la suppression, il faut passer par votre espace client sur notre site.",
    "Per la cancellazione devi passare dalla tua area personale sul sito.",
    "Tienes que hacerlo desde la configuración de tu cuenta en la web.",
]

OTHER_ENGLISH_REDIRECTS = [
    "Account removal is a manual step on our end, done on request at support@club.example.",
    "Please reach out through our contact form so we can help you further.",
    "If you'd like to delete your account, you have to visit the settings page of the website.",
    "Since you are in the EU you can fill this out and we'll take care of the rest.",
]


@pytest.mark.parametrize("text", TO_ANOTHER_TEAM, ids=LANGS)
def test_a_redirect_to_another_teams_address_in_a_case_is_a_refusal(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


@pytest.mark.parametrize("text", TO_A_SETTINGS_PAGE, ids=LANGS)
def test_a_redirect_to_a_settings_page_in_a_case_is_a_refusal(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


@pytest.mark.parametrize("text", OTHER_ENGLISH_REDIRECTS)
def test_a_manual_process_a_contact_form_or_a_form_to_fill_in_a_case_is_a_refusal(text: str, ruleset: Ruleset) -> None:
    verdict = classify(team_reply(text, "Re: [example/site] Delete my account (#12)"), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


@pytest.mark.parametrize("text", TO_ANOTHER_TEAM + TO_A_SETTINGS_PAGE, ids=[f"team-{x}" for x in LANGS] + LANGS)
def test_the_same_redirects_outside_a_case_are_no_refusal(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Newsletter", in_case=False), ruleset)
    assert verdict.category is not Category.REJECTION, verdict.evidence


# blind-28af/035, 048, 095: a small team did not follow what the person objects to and asks them to say more.
NOT_SURE_WHAT_YOU_OBJECT_TO = [
    "I'm not quite sure what you are objecting to. Could you tell me more?",
    "Ich weiß nicht genau, wogegen Sie widersprechen. Können Sie mir genauer schreiben, worum es geht?",
    "Je n'ai pas bien saisi ce que vous voulez qu'on arrête. Vous pouvez m'en dire un peu plus ?",
    "Non ho capito bene a cosa ti opponi: puoi spiegarmi di più cosa non vuoi che facciamo?",
    "No tenemos del todo claro a qué se opone. ¿Nos puede explicar un poco más?",
]


@pytest.mark.parametrize("text", NOT_SURE_WHAT_YOU_OBJECT_TO, ids=LANGS)
def test_not_sure_what_you_object_to_in_a_case_asks_for_clarification(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Re: Objection"), ruleset, known_thread=True)
    assert verdict.category is Category.CLARIFICATION, verdict.evidence


LOOKALIKES = [
    # A grant with a contact line: the grant decides.
    (
        "Your account has been deleted. If you have any questions, please contact us through our contact form.",
        {Category.ACCEPTANCE},
    ),
    ("We have deleted your data. You can fill out the feedback form if you like.", {Category.ACCEPTANCE}),
    # A receipt that forwarded the request internally names a team, not an address to write to.
    (
        "Danke, deine Anfrage ist angekommen. Ich habe sie an unsere Geschäftsstelle weitergeleitet; "
        "du hörst bald von uns.",
        {Category.ACKNOWLEDGEMENT},
    ),
    # A parcel's pickup point and a service survey are no redirect and no clarification.
    ("Pour récupérer votre colis, il faut passer par le point relais indiqué dans l'e-mail.", {Category.UNKNOWN}),
    ("Puoi dirci qualcosa di più sulla tua esperienza con il nostro servizio?", {Category.UNKNOWN}),
    # Understanding the objection is not asking about it.
    (
        "We understand what you are objecting to and have stopped the processing.",
        {Category.UNKNOWN, Category.ACCEPTANCE},
    ),
    (
        "Hemos borrado todos tus datos. Si tienes dudas, escríbenos a ayuda@tienda.example.",
        {Category.ACCEPTANCE, Category.UNKNOWN},
    ),
]


@pytest.mark.parametrize(("text", "allowed"), LOOKALIKES)
def test_lookalikes_in_a_case_are_not_read_as_a_redirect_or_a_clarification(
    text: str, allowed: set[Category], ruleset: Ruleset
) -> None:
    verdict = classify(store_reply(text), ruleset, known_thread=True)
    assert verdict.category in allowed, verdict.evidence
