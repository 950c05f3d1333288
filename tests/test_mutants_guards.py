"""Guards that a planted bug once switched off unnoticed: negation, conditions, the fallback Message-ID, `>` lines.

Each test fails when its guard is removed (tried by hand: docs/mutation.md); the classifier tests judge whole
messages (the verdict of `classify(parse(raw), rules)`), not the classifier's internals.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from mailbot.checks import SAMPLE_IDENTITY
from mailbot.classify import classify
from mailbot.compose import compose, reply_message_id
from mailbot.decide import Policy, decide
from mailbot.models import ActionKind, Category, Message
from mailbot.parse import parse, strip_history
from mailbot.rules import Ruleset

AUTH = "mx.home.example; dkim=pass header.d=facebook.com; dmarc=pass header.from=facebook.com"


def _raw(body: str, *, message_id: str = "<guard-1@facebook.com>", subject: str = "Re: Your objection") -> bytes:
    msgid = f"Message-ID: {message_id}\r\n" if message_id else ""
    return (
        f"Authentication-Results: {AUTH}\r\nFrom: Facebook Privacy <privacy@facebook.com>\r\n"
        f"To: ada@example.org\r\nSubject: {subject}\r\n{msgid}Date: Mon, 14 Apr 2025 10:00:00 +0000\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def _category(body: str, ruleset: Ruleset) -> Category:
    return classify(parse(_raw(body)), ruleset).category


# (a granted sentence, the same with a negation): the first is an acceptance, the second never.
NEGATED = [
    ("Your objection was accepted.", "We cannot confirm that your objection was accepted."),
    ("Your objection has been approved.", "We are not able to confirm that your objection has been approved."),
    ("Your request has been completed.", "At this stage we cannot say that your request has been completed."),
    ("La tua obiezione è stata accolta.", "Non possiamo confermare che la tua obiezione è stata accolta."),
    (
        "Ihrem Widerspruch wurde stattgegeben.",
        "Wir können nicht bestätigen, dass Ihrem Widerspruch stattgegeben wurde.",
    ),
    ("Votre opposition a été acceptée.", "Nous ne pouvons pas confirmer que votre opposition a été acceptée."),
    ("Tu oposición ha sido aceptada.", "No podemos confirmar que tu oposición ha sido aceptada."),
    ("We have reviewed your request and will honour your objection.", "We will not honour your objection."),
]


@pytest.mark.parametrize(("granted", "negated"), NEGATED, ids=[f"negated-{i}" for i in range(len(NEGATED))])
def test_negated_acceptance_is_never_acceptance(granted: str, negated: str, ruleset: Ruleset) -> None:
    assert _category(granted, ruleset) is Category.ACCEPTANCE
    assert _category(negated, ruleset) is not Category.ACCEPTANCE


# (a granted sentence, the same promised on a condition).
CONDITIONAL = [
    ("We will accept your objection.", "When you send us the form, we will accept your objection."),
    ("We will honour your objection.", "If you send us the form, we will honour your objection."),
    ("We will honour your objection.", "If you object, we will confirm that we will honour your objection."),
    (
        "Wir werden Ihrem Widerspruch nachkommen.",
        "Wenn Sie uns das Formular senden, werden wir Ihrem Widerspruch nachkommen.",
    ),
    ("Aceptaremos su oposición.", "Si usted nos envía el formulario, aceptaremos su oposición."),
]


@pytest.mark.parametrize(
    ("granted", "conditional"), CONDITIONAL, ids=[f"conditional-{i}" for i in range(len(CONDITIONAL))]
)
def test_conditional_promise_is_never_acceptance(granted: str, conditional: str, ruleset: Ruleset) -> None:
    assert _category(granted, ruleset) is Category.ACCEPTANCE
    assert _category(conditional, ruleset) is not Category.ACCEPTANCE


def _without_id() -> bytes:
    return _raw("Please tell us which processing you object to and how it impacts you.", message_id="")


def test_fallback_message_id_is_derived_from_the_original_alone(ruleset: Ruleset) -> None:
    """An original without a Message-ID still gets one reply Message-ID: the same on every run (a re-run
    finds what it wrote), from nothing random or timed, and different for a different message or template."""
    first, again = parse(_without_id()), parse(_without_id())
    assert first.message_id == ""
    msgid = reply_message_id(first, "request_info.en", "example.org")
    assert re.fullmatch(r"<mailbot\.[0-9a-f]{32}@example\.org>", msgid)
    assert reply_message_id(again, "request_info.en", "example.org") == msgid
    other = parse(_raw("Please tell us which account you mean.", message_id=""))
    assert reply_message_id(other, "request_info.en", "example.org") != msgid
    assert reply_message_id(first, "clarification.en", "example.org") != msgid
    assert reply_message_id(first, "request_info.en", "").endswith("@mailbot.invalid>")


def test_reply_to_an_original_without_message_id_has_the_same_id_on_every_run(ruleset: Ruleset) -> None:
    ids = set()
    for now in (datetime(2025, 4, 20, 12, 0, tzinfo=UTC), datetime(2025, 4, 21, 9, 30, tzinfo=UTC)):
        message = parse(_without_id())
        verdict = classify(message, ruleset)
        action = decide(message, verdict, ruleset, Policy())
        assert action.kind is ActionKind.REPLY, action
        reply = compose(action, message, verdict, SAMPLE_IDENTITY, ruleset.platform(verdict.platform), now=now)
        ids.add(reply.message_id)
    assert len(ids) == 1


def test_quoted_lines_without_an_attribution_line_are_not_new_text() -> None:
    text = (
        "Thank you for your reply.\n"
        "> We will honour your objection.\n"
        ">> Earlier: please explain the processing.\n"
        "  > indented quote\n"
        "Please confirm in writing.\n"
    )
    assert strip_history(text) == "Thank you for your reply.\nPlease confirm in writing."


def test_a_quoted_acceptance_without_attribution_does_not_decide(ruleset: Ruleset) -> None:
    """A message whose only acceptance is in `>` lines (no "On … wrote:" above them) is not an acceptance."""
    body = "Please tell us which processing you object to.\r\n> We will honour your objection.\r\n"
    message: Message = parse(_raw(body))
    assert "honour" not in message.new_text
    assert "processing you object to" in message.new_text
    assert classify(message, ruleset).category is not Category.ACCEPTANCE
