"""Classifier round 6: the families behind blind-f's and heldout-real-3's misses, and the rules' pre-filter."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from conftest import MESSAGES, team_reply

from mailbot import classify as classify_module
from mailbot.classify import _contained_literals, _pattern_hit, _prepare, _rule_text, classify, score_rules
from mailbot.models import Category, Message, RuleScore
from mailbot.parse import parse
from mailbot.rules import Ruleset


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


def _reply(text: str, subject: str, sender: str = "support@lumenapp.example", name: str = "Lumen Support") -> Message:
    """A team's reply to the person's mail (In-Reply-To set) under the subject given."""
    return team_reply(text, subject, sender, name)


def _stranger(text: str, subject: str) -> Message:
    """A message from an unknown sender that replies to nothing (a newsletter, a notice)."""
    return replace(_reply(text, subject, sender="news@digest.example", name="Digest"), in_reply_to="", references=())


def _category(text: str, subject: str, ruleset: Ruleset) -> Category:
    verdict = classify(_reply(text, subject), ruleset)
    return verdict.category


NO_NEED_TO_RESEND = [
    "We have your request and will answer by e-mail. There is no need to send it to us again.",
    "Abbiamo ricevuto la sua richiesta. Non è necessario che ce la mandi di nuovo.",
    "Ihre Anfrage ist eingegangen. Sie müssen sie uns nicht erneut schicken.",
    "Votre demande a bien été reçue. Inutile de nous la renvoyer.",
    "Hemos recibido su solicitud. No es necesario que nos la envíe de nuevo.",
]


@pytest.mark.parametrize("text", NO_NEED_TO_RESEND, ids=["en", "it", "de", "fr", "es"])
def test_no_need_to_resend_keeps_a_receipt_a_receipt(text: str, ruleset: Ruleset) -> None:
    """ "You need not send it again" asks for nothing: the receipt decides (blind-f's wrong reply)."""
    assert _category(text, "Re: Access request", ruleset) == Category.ACKNOWLEDGEMENT


SCREENSHOT_GIVEN = [
    "You can close the account yourself in Settings. I've attached a screenshot of the page.",
    "Puoi chiudere l'account da solo nelle impostazioni. Ti allego lo screenshot della pagina.",
    "Sie können das Konto selbst in den Einstellungen löschen. Anbei ein Screenshot der Seite.",
    "Vous pouvez supprimer votre compte vous-même depuis les paramètres. Voici une capture d'écran de la page.",
    "Puedes eliminar tu cuenta desde la configuración. Te adjunto una captura de pantalla.",
]


@pytest.mark.parametrize("text", SCREENSHOT_GIVEN, ids=["en", "it", "de", "fr", "es"])
def test_screenshot_given_is_no_ask_for_one(text: str, ruleset: Ruleset) -> None:
    assert _category(text, "Re: Delete my account", ruleset) != Category.CLARIFICATION


def test_screenshot_asked_for_still_asks(ruleset: Ruleset) -> None:
    text = "We could not reproduce it. Attaching a screenshot of what you see may help us."
    assert _category(text, "Re: Delete my account", ruleset) == Category.CLARIFICATION


def test_optional_identifier_beside_an_unclear_request_is_a_clarification(ruleset: Ruleset) -> None:
    text = (
        "We are not sure what you would like us to do: close the account or stop the newsletter? "
        "Could you explain a bit more, with your customer number if you have one?"
    )
    assert _category(text, "Re: Delete my data", ruleset) == Category.CLARIFICATION


@pytest.mark.parametrize(
    "text",
    [
        "Please send the request again signed with the PGP key on your account.",
        "Please write to us from your confirmed email address and we will export your data.",
        "Schreib uns bitte vom hinterlegten Konto aus, mit deinem GPG-Schlüssel signiert.",
        "Envíanos un correo desde la dirección con la que te registraste.",
    ],
    ids=["en-key", "en-confirmed", "de-key", "es-registered"],
)
def test_proof_of_ownership_is_an_identity_check(text: str, ruleset: Ruleset) -> None:
    assert _category(text, "Re: Delete my account", ruleset) == Category.IDENTITY_CHECK


def test_username_asked_beside_a_redirect_is_an_ask(ruleset: Ruleset) -> None:
    text = "Happy to help. Could you email help@lumenapp.example, quoting your username?"
    assert _category(text, "Re: Delete my account", ruleset) == Category.REQUEST_INFO


def test_reply_stop_to_be_removed_is_a_redirect_in_a_case_only(ruleset: Ruleset) -> None:
    text = "To be taken off the list, just reply STOP to the last newsletter you received."
    assert _category(text, "Re: stop mailing me - GDPR objection", ruleset) == Category.REJECTION
    outside = classify(_stranger(text, "Our November newsletter"), ruleset)
    assert outside.category == Category.UNRELATED, outside.evidence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fixed.", Category.ACCEPTANCE),
        ("Risolto.", Category.ACCEPTANCE),
        ("C'est réglé !", Category.ACCEPTANCE),
        ("Hecho.", Category.ACCEPTANCE),
        ("I've removed you from our mailing list, apologies.", Category.ACCEPTANCE),
        ("Wir werden Sie nicht mehr kontaktieren.", Category.ACCEPTANCE),
        ("Your email address is not listed in this dataset.", Category.ACCEPTANCE),
        ("We are entitled to keep this list online, the data is public.", Category.REJECTION),
        ("Profiles cannot be deleted because they hold other members' reviews.", Category.REJECTION),
        ("I've raised this with our security officer, who will contact you.", Category.ACKNOWLEDGEMENT),
    ],
)
def test_maintainers_one_liners_decide_in_a_case(text: str, expected: Category, ruleset: Ruleset) -> None:
    assert _category(text, "Re: Remove my data", ruleset) == expected


@pytest.mark.parametrize("text", ["Fixed.", "I've removed you from our mailing list, apologies."])
def test_one_liners_outside_a_case_grant_nothing(text: str, ruleset: Ruleset) -> None:
    """The same words from a stranger, replying to nothing, are no acceptance (they count only in a case)."""
    assert classify(_stranger(text, "Weekly update"), ruleset).category != Category.ACCEPTANCE


def test_pre_filter_waits_for_enough_messages(ruleset: Ruleset) -> None:
    """One file classified reads no literal starts (that costs more than it saves); a scan's later messages do."""
    assert all(entry[3] is None for entry in classify_module._plan(ruleset, "en", False))
    assert any(entry[3] for entry in classify_module._plan(ruleset, "en", True))


def test_literal_texts_are_those_one_of_which_every_match_contains() -> None:
    parse_pattern = classify_module._parser.parse
    assert _contained_literals(parse_pattern(r"\b(?:we|they) (?:will|shall)", 0)) == frozenset({"will", "shall"})
    assert _contained_literals(parse_pattern(r"(?<!not )\bdeleted\b|\bremoved", 0)) == frozenset({"deleted", "removed"})
    # Optional parts and classes give nothing, the rest of the match does; zero-width tests join a run.
    assert _contained_literals(parse_pattern(r"(?:all )?data", 0)) == frozenset({"data"})
    assert _contained_literals(parse_pattern(r"\b(?:i|we) did", 0)) == frozenset({" did"})
    assert _contained_literals(parse_pattern(r"we\s+(?:have\s+)?deleted\b", 0)) == frozenset({"deleted"})
    assert _contained_literals(parse_pattern(r"it(?='s)'s gone", 0)) == frozenset({"it's gone"})
    assert _contained_literals(parse_pattern(r"(?:foo|barbaz)+", 0)) == frozenset({"foo", "barbaz"})
    # Nothing certain: case-insensitive, an empty or one-letter alternative, only optional parts.
    assert _contained_literals(parse_pattern(r"(?i:abc)", 0)) is None
    assert _contained_literals(parse_pattern(r"a(?:bc|)d", 0)) is None
    assert _contained_literals(parse_pattern(r"(?:ab)*[a-z]", 0)) is None
    assert _contained_literals(parse_pattern(r"[a-z]+", 0)) is None


def test_every_match_of_every_rule_contains_one_of_its_literal_texts(ruleset: Ruleset) -> None:
    """On the fixtures and the development corpus, in every language's patterns: wherever a rule's
    pattern matches, the text holds one of the literal texts the pre-filter looks for."""
    texts = []
    for path in [*sorted(MESSAGES.glob("*/*.eml")), *sorted((MESSAGES.parents[2] / "corpus").glob("[rw]*/*.eml"))]:
        message = parse(path.read_bytes())
        text = _prepare(ruleset, message)
        texts += [text.body, text.plain, f"{text.subject}\n{text.body}"]
    checked = 0
    for language in ("", "en", "it", "de", "fr", "es"):
        for rule, pattern, _zero, literals in classify_module._plan(ruleset, language, True):
            if pattern is None:
                continue
            assert literals, rule.id  # every bundled rule can be pre-filtered
            for text in texts:
                if pattern.search(text):
                    checked += 1
                    assert any(literal in text for literal in literals), (rule.id, language, text[:200])
    assert checked > 1000


def test_pre_filter_changes_no_rules_hit(ruleset: Ruleset) -> None:
    """Every fixture, in every language's patterns: the pre-filtered scores equal a scan of every rule,
    and the pre-filter does skip scans (counted)."""
    ruleset = replace(ruleset, tuning=replace(ruleset.tuning, prefilter_after=0))
    skipped = 0
    for path in sorted(MESSAGES.glob("*/*.eml")):
        message = parse(path.read_bytes())
        text = _prepare(ruleset, message)
        original = "\n".join(text.segments)
        for language in ("", "en", "it", "de", "fr", "es"):
            scores = score_rules(message, ruleset, fuzzy=False, language=language)
            scored = {s.rule: s.matched for s in scores if s.score}
            for rule in ruleset.rules:
                hit = _pattern_hit(ruleset, rule, _rule_text(rule, text), original, language)
                assert scored.get(rule.id, "") == hit, (path.name, language, rule.id)
            for rule, pattern, _zero, starts in classify_module._plan(ruleset, language, True):
                source = _rule_text(rule, text)
                if pattern is not None and starts and rule.cased is None:
                    skipped += not any(start in source for start in starts)
    assert skipped > 0


def test_the_finder_finds_every_literal_a_text_holds(ruleset: Ruleset) -> None:
    """The automaton finds overlapping and nested literals and non-ASCII ones, as a substring search would."""
    zero = RuleScore(ruleset.rules[0].id, ruleset.rules[0].category, 0.0)
    plan = (
        (ruleset.rules[0], None, zero, ("objection", "object", "ject", "widerspruch")),
        (ruleset.rules[1], None, zero, ("löschung", "ción")),
        (ruleset.rules[2], None, zero, None),
    )
    finder = classify_module._make_finder(plan)
    for text in ("your objection", "das objekt", "die löschung und widerspruch", "la supresión", "ject"):
        held = finder.found(text)
        for (_rule, _pattern, _zero, literals), ids in zip(plan, finder.ids, strict=True):
            if literals is None:
                assert ids is None
                continue
            assert (not ids.isdisjoint(held)) == any(literal in text for literal in literals), (text, literals)
    assert len(finder.found("objection")) == 3  # "objection", "object" and "ject", one inside another
    assert classify_module._make_finder(plan[2:]).found("anything") == set()


def test_pre_filter_keeps_case_insensitive_patterns_whole() -> None:
    assert classify_module._literals(re.compile("abc", re.IGNORECASE)) is None
    assert classify_module._literals(re.compile(r"\babc|\bdef")) == ("abc", "def")
    assert classify_module._literals(re.compile(r"(?:please )?\b(?:send|give) us")) == ("give", "send")
