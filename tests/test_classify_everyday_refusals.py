"""Refusals in everyday words, also beside a small concession: a refusal, never the concession's acceptance."""

from __future__ import annotations

import pytest
from conftest import store_reply

from mailbot.classify import classify
from mailbot.models import Category
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """What the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


LANGS = ["en", "de", "fr", "it", "es"]

# A landlord, a property manager, a shop: erasure refused in plain words, and something smaller done instead.
REFUSED_WITH_A_CONCESSION = [
    "I'm afraid we aren't able to do that at this time. We have removed you from our mailing list.",
    "Ihrem Löschwunsch können wir leider nicht entsprechen. Wir haben Sie aber aus dem Newsletter ausgetragen.",
    "Votre demande ne peut donc pas aboutir en l'état. Vos coordonnées ne sont plus utilisées pour aucun envoi.",
    "Purtroppo la sua richiesta non può avere seguito. Abbiamo comunque rimosso il suo indirizzo dalla newsletter.",
    "Lamentablemente su solicitud no puede prosperar. Le hemos dado de baja de nuestro boletín.",
]


@pytest.mark.parametrize("text", REFUSED_WITH_A_CONCESSION, ids=LANGS)
def test_a_plain_refusal_beside_a_small_concession_is_a_refusal(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Re: Please delete my data"), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


# Not refusals: an offer, a promise after a step, "able to" without a negation.
NOT_REFUSED = [
    "If you'd like us to delete it, we are able to do that within 30 days.",
    "We will be able to do that as soon as we have checked your account.",
]


@pytest.mark.parametrize("text", NOT_REFUSED, ids=["offer", "promise"])
def test_being_able_to_do_it_is_no_refusal(text: str, ruleset: Ruleset) -> None:
    verdict = classify(store_reply(text, "Re: Please delete my data"), ruleset, known_thread=True)
    assert verdict.category is not Category.REJECTION, verdict.evidence
