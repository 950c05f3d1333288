"""decide and recipients, reason by reason: what each branch does and the exact words it records."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mailbot.decide import CaseState, Policy, automatic, decide, reply_language, verification
from mailbot.models import Action, ActionKind, Address, Category, Message, Verdict
from mailbot.parse import parse
from mailbot.recipients import asks_email_reply, recipient, reply_address, reply_target, takes_replies, valid_address
from mailbot.rules import Ruleset

MX = "mx.home.example"
PASS = f"{MX}; dkim=pass header.d=facebook.com; dmarc=pass header.from=facebook.com"


def _mail(
    sender: str = "Facebook <privacy@facebook.com>",
    *,
    results: str = PASS,
    extra: str = "",
    body: str = "Please tell us which processing you object to.",
) -> Message:
    raw = (
        f"Authentication-Results: {results}\r\nFrom: {sender}\r\nTo: ada@example.org\r\nSubject: Your objection\r\n"
        f"Message-ID: <m1@facebook.com>\r\nDate: Mon, 14 Apr 2025 10:00:00 +0000\r\n{extra}\r\n{body}\r\n"
    )
    return parse(raw.encode())


def _verdict(category: Category = Category.REQUEST_INFO, platform: str = "facebook", **kw: object) -> Verdict:
    return replace(Verdict(category, platform, "en", 0.9, "asks-which-processing"), **kw)  # type: ignore[arg-type]


SEND = Policy(mode="send", person="ada@example.org", authserv_id=MX)
DRAFT = Policy(person="ada@example.org")
KNOWN = CaseState(known=True, sent_before=True)


def _hold(reason: str) -> Action:
    return Action(ActionKind.HOLD, reason, language="en")


DECIDE_CASES: list[tuple[Message, Verdict, Policy, CaseState | None, Action]] = [
    (
        replace(_mail(), truncated=True, defects=()),
        _verdict(),
        DRAFT,
        None,
        _hold("not read in full (larger than the size limit): left for you to read"),
    ),
    (
        replace(_mail(), truncated=True, defects=("a", "too many MIME parts")),
        _verdict(),
        DRAFT,
        None,
        _hold("not read in full (too many MIME parts): left for you to read"),
    ),
    (
        _mail(),
        _verdict(Category.UNRELATED, rule="newsletter"),
        DRAFT,
        None,
        Action(ActionKind.IGNORE, "not a controller's answer (newsletter)", language="en"),
    ),
    (
        _mail(),
        _verdict(Category.UNRELATED, rule=None),
        DRAFT,
        None,
        Action(ActionKind.IGNORE, "not a controller's answer (no rule)", language="en"),
    ),
    (
        _mail(),
        _verdict(Category.UNRELATED, rule=None, gate="gate-bulk"),
        DRAFT,
        None,
        Action(ActionKind.IGNORE, "not a controller's answer (gate gate-bulk)", language="en"),
    ),
    (
        _mail(extra="From: other@example.org\r\n"),
        _verdict(),
        DRAFT,
        None,
        _hold("sender cannot be trusted: 2 From headers"),
    ),
    (
        _mail(results=f"{MX}; dmarc=fail header.from=facebook.com"),
        _verdict(),
        DRAFT,
        None,
        _hold(f"sender failed verification: facebook.com failed verification at {MX}: dmarc=fail"),
    ),
    (_mail(), _verdict(Category.UNKNOWN), DRAFT, None, _hold("no rule was confident: left for you to read")),
    (
        _mail(),
        _verdict(Category.ACKNOWLEDGEMENT),
        DRAFT,
        None,
        Action(ActionKind.RECORD, "acknowledgement: ticket recorded, the clock runs", language="en"),
    ),
    (
        _mail(),
        _verdict(Category.REQUEST_INFO),
        DRAFT,
        CaseState(known=True, answered_by_person=True),
        Action(ActionKind.RECORD, "you already answered it (a later message of yours is in Sent)", language="en"),
    ),
    (
        _mail("Someone <someone@example.net>", results=f"{MX}; dmarc=pass header.from=example.net"),
        _verdict(platform="none"),
        DRAFT,
        None,
        _hold("sender is not a known platform and no case is open"),
    ),
    (
        _mail("Facebook <ads@facebook.com>"),
        _verdict(),
        DRAFT,
        None,
        _hold("ads@facebook.com is not facebook's privacy team and no case is open"),
    ),
    (
        _mail(),
        _verdict(),
        DRAFT,
        None,
        Action(ActionKind.REPLY, "request_info reply", "request_info.en", "en", to="privacy@facebook.com"),
    ),
    (  # in a known case, any sender of the platform is answered
        _mail("Facebook <ads@facebook.com>"),
        _verdict(),
        DRAFT,
        KNOWN,
        Action(ActionKind.REPLY, "request_info reply", "request_info.en", "en", to="ads@facebook.com"),
    ),
    (
        _mail(extra="Reply-To: attacker@evil.example\r\n"),
        _verdict(),
        DRAFT,
        None,
        Action(
            ActionKind.REPLY,
            "request_info reply; Reply-To attacker@evil.example set aside (outside the controller's domains)",
            "request_info.en",
            "en",
            to="privacy@facebook.com",
        ),
    ),
    (  # no-reply sender of a platform that takes requests by web form: a draft to the person, never sent
        _mail("Facebook <no-reply@facebook.com>"),
        _verdict(),
        SEND,
        KNOWN,
        Action(
            ActionKind.REPLY,
            "request_info reply; no-reply@facebook.com takes no replies; draft to you for the web form "
            "https://www.facebook.com/help/contact/540977946302970",
            "request_info.en",
            "en",
            to="ada@example.org",
            form="https://www.facebook.com/help/contact/540977946302970",
        ),
    ),
    (
        _mail("Spotify <no-reply@spotify.com>", results=f"{MX}; dmarc=pass header.from=spotify.com"),
        _verdict(platform="spotify"),
        DRAFT,
        KNOWN,
        Action(
            ActionKind.REPLY,
            "request_info reply; no-reply@spotify.com takes no replies; written to privacy@spotify.com",
            "request_info.en",
            "en",
            to="privacy@spotify.com",
        ),
    ),
    (  # no privacy contact, no form, no person: nowhere to write
        _mail("X <no-reply@x.com>", results=f"{MX}; dmarc=pass header.from=x.com"),
        _verdict(platform="x"),
        Policy(),
        KNOWN,
        _hold("reply address no-reply@x.com does not take replies"),
    ),
]


@pytest.mark.parametrize(("message", "verdict", "policy", "case", "action"), DECIDE_CASES)
def test_decide(
    message: Message, verdict: Verdict, policy: Policy, case: CaseState | None, action: Action, ruleset: Ruleset
) -> None:
    assert decide(message, verdict, ruleset, policy, case) == action


def test_acknowledgement_of_an_extension_without_reasons_is_answered(ruleset: Ruleset) -> None:
    got = decide(_mail(), _verdict(Category.ACKNOWLEDGEMENT, variant="extension_no_reasons"), ruleset, DRAFT)
    assert got.kind is ActionKind.REPLY
    assert got.template == "acknowledgement.en"


SENT = Action(ActionKind.REPLY, "request_info reply", "request_info.en", "en", to="privacy@facebook.com", send=True)


def _refused(why: str, to: str = "privacy@facebook.com") -> Action:
    return replace(SENT, reason=f"request_info reply; drafted, not sent: {why}", send=False, to=to)


SEND_CASES: list[tuple[Message, Policy, CaseState | None, Action]] = [
    (_mail(), SEND, None, SENT),
    (_mail(), SEND, CaseState(sends_today=1, sends_today_all=9, sends_today_by_recipient={"x": 5}), SENT),
    (
        _mail(results=f"{MX}; dkim=none"),
        SEND,
        None,
        _refused(f"sender not verified (facebook.com not verified by {MX}: dkim=none)"),
    ),
    (_mail(results=f"{MX}; dkim=none"), replace(SEND, allow_unverified_send=True), None, SENT),
    (
        _mail(extra="Auto-Submitted: auto-replied\r\n"),
        SEND,
        None,
        _refused("automatic mail (Auto-Submitted: auto-replied)"),
    ),
    (
        _mail(extra="Reply-To: team@facebook.com\r\n"),
        SEND,
        None,
        _refused(
            "a case's first automatic send goes only to a privacy team's address, not team@facebook.com",
            to="team@facebook.com",
        ),
    ),
    (_mail(extra="Reply-To: team@facebook.com\r\n"), SEND, KNOWN, replace(SENT, to="team@facebook.com")),
    (_mail(), SEND, CaseState(sends_today=2), _refused("loop guard: daily send limit for this case reached")),
    (_mail(), SEND, CaseState(sends_today_all=10), _refused("daily send limit reached")),
    (
        _mail(),
        SEND,
        CaseState(sends_today_by_recipient={"privacy@facebook.com": 2}),
        _refused("daily send limit for privacy@facebook.com reached"),
    ),
    (
        _mail("Facebook <Privacy@Facebook.com>"),
        SEND,
        CaseState(sends_today_by_recipient={"privacy@facebook.com": 2}),
        _refused("daily send limit for Privacy@Facebook.com reached", to="Privacy@Facebook.com"),
    ),
]


@pytest.mark.parametrize(("message", "policy", "case", "action"), SEND_CASES)
def test_send_rules(message: Message, policy: Policy, case: CaseState | None, action: Action, ruleset: Ruleset) -> None:
    assert decide(message, _verdict(), ruleset, policy, case) == action


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ("Auto-Submitted: auto-generated; type=ticket\r\n", "Auto-Submitted: auto-generated; type=ticket"),
        ("Auto-Submitted: " + "a" * 60 + "\r\n", "Auto-Submitted: " + "a" * 40),
        ("Auto-Submitted: no; reason=human\r\n", ""),
        ("Auto-Submitted: No\r\n", ""),
        ("Precedence: bulk\r\n", "Precedence: bulk"),
        ("Precedence: auto_reply\r\n", "Precedence: auto_reply"),
        ("Precedence: first-class\r\n", ""),
        ("X-Auto-Response-Suppress: OOF\r\n", "X-Auto-Response-Suppress"),
        ("List-Id: <l.example.org>\r\n", "list or bulk mail"),
        ("List-Unsubscribe: <mailto:u@example.org>\r\n", "list or bulk mail"),
        ("", ""),
    ],
)
def test_automatic(extra: str, why: str) -> None:
    assert automatic(_mail(extra=extra)) == why


def test_mail_written_by_mailbot_is_automatic() -> None:
    mine = replace(_mail(), message_id="<mailbot." + "0a" * 16 + "@example.org>")
    assert automatic(mine) == "written by mailbot"
    assert automatic(replace(_mail(), message_id="<mailbot.0a@example.org>")) == ""


@pytest.mark.parametrize(
    ("language", "default", "override", "expected"),
    [("de", "en", None, "de"), ("de", "en", "it", "it"), ("nl", "fr", None, "fr"), ("nl", "nl", None, "en")],
)
def test_reply_language(language: str, default: str, override: str | None, expected: str) -> None:
    assert reply_language(_verdict(language=language), default, override) == expected


def test_reply_address_and_recipient() -> None:
    message = _mail(extra="Reply-To: Team <team@support.facebook.com>\r\n")
    assert reply_address(message) == "team@support.facebook.com"
    assert reply_address(_mail()) == "privacy@facebook.com"
    assert reply_address(replace(_mail(), sender=None)) == ""
    assert recipient(message, ("facebook.com",)) == ("team@support.facebook.com", "")
    assert recipient(message, ("FACEBOOK.COM",))[0] == "privacy@facebook.com"  # domains come lower-case
    dotted = _mail(extra="Reply-To: team@Facebook.com.\r\n")
    assert recipient(dotted, ("facebook.com",)) == ("team@Facebook.com.", "")
    assert recipient(message, ("book.com",))[0] == "privacy@facebook.com"
    two = _mail(extra="Reply-To: a@facebook.com, b@facebook.com\r\n")
    assert recipient(two, ("facebook.com",)) == (
        "privacy@facebook.com",
        "Reply-To a@facebook.com set aside (outside the controller's domains)",
    )
    long = _mail(extra=f"Reply-To: {'a' * 90}@evil.example\r\n")
    assert recipient(long, ("facebook.com",))[1] == f"Reply-To {'a' * 80} set aside (outside the controller's domains)"


@pytest.mark.parametrize(
    ("address", "takes"),
    [
        ("privacy@facebook.com", True),
        ("noreply@example.org", False),
        ("no-reply@example.org", False),
        ("do-not-reply@example.org", False),
        ("donotreply@example.org", False),
        ("mailer-daemon@example.org", False),
        ("bounces+123@example.org", False),
        ("team.noreply@example.org", False),
        ("replyno@example.org", True),
        ("noreply@facebookmail.com", True),  # a facebook privacy sender, though no-reply by name
        ("not an address", False),
    ],
)
def test_takes_replies(address: str, takes: bool, ruleset: Ruleset) -> None:
    assert takes_replies(address, ruleset.platform("facebook")) is takes


def test_takes_replies_without_platform() -> None:
    assert takes_replies("privacy@example.org", None)
    assert not takes_replies("noreply@facebookmail.com", None)
    assert valid_address("a.b+c@sub.example.org")
    assert not valid_address("a@localhost")


@pytest.mark.parametrize(
    "text",
    [
        "Please reply directly to this email.",
        "Simply reply to this\nmessage.",
        "Rispondi direttamente a questa e-mail.",
        "Antworten Sie bitte direkt auf diese Nachricht.",
        "Antworte direkt auf diese E-Mail.",
        "Répondez directement à cet e-mail.",
        "Réponds directement a cet courriel.",
        "Responde directamente a este correo.",
    ],
)
def test_asks_email_reply(text: str) -> None:
    assert asks_email_reply(text)


def test_does_not_ask_email_reply() -> None:
    assert not asks_email_reply("Please use the form in the Help Centre.")


def test_reply_target_order(ruleset: Ruleset) -> None:
    spotify, facebook, x = (ruleset.platform(p) for p in ("spotify", "facebook", "x"))
    noreply = _mail("Spotify <no-reply@spotify.com>")
    assert reply_target(_mail(), facebook, False) == ("privacy@facebook.com", None)
    assert reply_target(noreply, spotify, True) == ("no-reply@spotify.com", None)
    assert reply_target(noreply, spotify, False) == ("privacy@spotify.com", None)
    fb_noreply = _mail("Facebook <no-reply@facebook.com>")
    assert reply_target(fb_noreply, facebook, False, person="ada@example.org") == (
        "ada@example.org",
        "https://www.facebook.com/help/contact/540977946302970",
    )
    assert reply_target(_mail("X <no-reply@x.com>"), x, False) == ("", "https://help.x.com/forms/privacy")
    assert reply_target(noreply, None, False, person="ada@example.org") == ("ada@example.org", None)
    assert reply_target(replace(noreply, sender=None), None, True) == ("", None)


@pytest.mark.parametrize("index", range(len(DECIDE_CASES)))
def test_every_action_carries_the_reply_language(index: int, ruleset: Ruleset) -> None:
    message, verdict, policy, case, _ = DECIDE_CASES[index]
    assert decide(message, replace(verdict, language="it"), ruleset, policy, case).language == "it"


@pytest.mark.parametrize("index", range(len(SEND_CASES)))
def test_sends_carry_the_reply_language(index: int, ruleset: Ruleset) -> None:
    message, policy, case, _ = SEND_CASES[index]
    assert decide(message, _verdict(language="de"), ruleset, policy, case).language == "de"


def test_the_configured_default_language(ruleset: Ruleset) -> None:
    got = decide(_mail(), _verdict(language="nl"), ruleset, Policy(default_language="fr"))
    assert (got.language, got.template) == ("fr", "request_info.fr")


def test_a_recipient_limit_of_one(ruleset: Ruleset) -> None:
    got = decide(_mail(), _verdict(), ruleset, replace(SEND, max_sends_per_recipient_per_day=1), None)
    assert got == SENT


def test_a_known_case_with_an_unknown_controller(ruleset: Ruleset) -> None:
    message = _mail("DPO <dpo@example.net>", results=f"{MX}; dmarc=pass header.from=example.net")
    got = decide(message, _verdict(platform="none"), ruleset, DRAFT, CaseState(known=True))
    assert (got.kind, got.to) == (ActionKind.REPLY, "dpo@example.net")


def test_a_privacy_sender_named_no_reply_is_answered_there(ruleset: Ruleset) -> None:
    message = _mail("Facebook <noreply@facebookmail.com>", results=f"{MX}; dmarc=pass header.from=facebookmail.com")
    got = decide(message, _verdict(), ruleset, DRAFT)
    assert (got.kind, got.to, got.reason) == (ActionKind.REPLY, "noreply@facebookmail.com", "request_info reply")
    assert reply_target(message, ruleset.platform("facebook"), False) == ("noreply@facebookmail.com", None)


def test_verification_of_a_message_without_sender_and_with_a_pinned_server() -> None:
    assert verification(replace(_mail(), sender=None), Policy()).reason == "no From domain to verify"
    elsewhere = _mail(results="other.example; dmarc=pass header.from=facebook.com")
    assert verification(elsewhere, Policy(authserv_id=MX)).reason == f"no Authentication-Results from {MX}"


def test_the_mailbox_domain_is_after_the_last_at() -> None:
    quoted = replace(_mail(), reply_to=(Address("", "x@evil.example@facebook.com"),))
    assert recipient(quoted, ("facebook.com",)) == ("x@evil.example@facebook.com", "")
    assert recipient(replace(_mail(), sender=None), ()) == ("", "")
