"""Sender verification, where replies go, who the privacy team is, and the no-relay rules (pure)."""

from __future__ import annotations

import email.headerregistry

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailbot.auth import SenderCheck, aligned, from_problem, plain_mailbox, registry_problem, verify_sender
from mailbot.decide import CaseState, Policy, automatic, decide, recipient
from mailbot.models import ActionKind, Category, Message, Verdict
from mailbot.parse import parse
from mailbot.rules import Ruleset

SERVER = "mx.home.example"


def _mail(
    *,
    sender: str = "Facebook <privacy@facebook.com>",
    results: tuple[str, ...] = (f"{SERVER}; dkim=pass header.d=facebook.com; dmarc=pass header.from=facebook.com",),
    extra: str = "",
    message_id: str = "<m1@facebook.com>",
) -> Message:
    head = "".join(f"Authentication-Results: {r}\r\n" for r in results)
    raw = (
        f"{head}From: {sender}\r\nTo: ada@example.org\r\nSubject: Your objection\r\n"
        f"Message-ID: {message_id}\r\nDate: Mon, 14 Apr 2025 10:00:00 +0000\r\n{extra}\r\n"
        "Please tell us which processing you object to and how it impacts you.\r\n"
    )
    return parse(raw.encode())


def _verdict(platform: str = "facebook", category: Category = Category.REQUEST_INFO) -> Verdict:
    return Verdict(category, platform, "en", 0.9, "asks-which-processing")


SEND = Policy(mode="send", authserv_id=SERVER)


# --- Authentication-Results ------------------------------------------------------------------------


def test_topmost_result_decides_and_a_forged_pass_below_it_does_not_count() -> None:
    results = [
        f"{SERVER}; spf=fail smtp.mailfrom=evil.example; dkim=none; dmarc=fail (p=reject) header.from=facebook.com",
        "mx.facebook.com; dkim=pass header.d=facebook.com; dmarc=pass header.from=facebook.com",
    ]
    assert verify_sender(results, "facebook.com").check is SenderCheck.FAILED


def test_dmarc_pass_for_another_domain_is_not_a_pass_for_this_one() -> None:
    results = [f"{SERVER}; dmarc=pass header.from=evil.example"]
    assert verify_sender(results, "facebook.com").check is not SenderCheck.VERIFIED


@pytest.mark.parametrize(
    ("signer", "verified"),
    [
        ("facebook.com", True),
        ("support.facebook.com", True),
        ("mail.facebook.com", False),  # a sibling: narrower than RFC 7489, never wider
        ("evil.example", False),
        ("com", False),
    ],
)
def test_dkim_pass_counts_only_when_aligned(signer: str, verified: bool) -> None:
    results = [f"{SERVER}; dkim=pass (2048-bit key) header.d={signer} header.s=s1; dmarc=none"]
    check = verify_sender(results, "facebookmail.com" if signer == "com" else "support.facebook.com")
    assert (check.check is SenderCheck.VERIFIED) is verified


def test_no_results_is_unverified_and_a_none_result_is_not_a_failure() -> None:
    assert verify_sender([], "facebook.com").check is SenderCheck.UNVERIFIED
    assert verify_sender([f"{SERVER}; none"], "facebook.com").check is SenderCheck.UNVERIFIED
    assert verify_sender([f"{SERVER}; dkim=none; dmarc=none"], "x.example").check is SenderCheck.UNVERIFIED


def test_pinned_authserv_id_ignores_every_other_servers_results() -> None:
    forged_on_top = "mx.forged.example; dmarc=pass header.from=facebook.com"
    ours = f"{SERVER.upper()}; dmarc=fail header.from=facebook.com"
    assert verify_sender([forged_on_top, ours], "facebook.com", SERVER).check is SenderCheck.FAILED
    # Without a result of the pinned server, a forged pass is no proof.
    assert verify_sender([forged_on_top], "facebook.com", SERVER).check is SenderCheck.UNVERIFIED
    assert verify_sender([forged_on_top], "facebook.com").check is SenderCheck.VERIFIED  # the unpinned default


def test_alignment_is_never_wider_than_the_organisational_domain() -> None:
    assert aligned("facebook.com", "support.facebook.com")
    assert aligned("support.facebook.com", "facebook.com")
    assert not aligned("notfacebook.com", "facebook.com")
    assert not aligned("facebook.com.evil.example", "facebook.com")


# --- From --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "privacy@facebook.com <attacker@evil.example>",
        "privacy@facebook.com, attacker@evil.example",
        "Facebook <privacy@facebook.com> <attacker@evil.example>",
        "Team: privacy@facebook.com;",
        "Facebook <privacy@localhost>",
    ],
)
def test_from_must_be_exactly_one_valid_mailbox(value: str) -> None:
    assert from_problem([value])


# Pieces of From values, valid and not: the plain-mailbox shortcut must never accept what the strict parser refuses.
_FROM_PIECES = st.sampled_from(
    [
        " ",
        "\t",
        '"',
        "\\",
        "<",
        ">",
        "@",
        ".",
        ",",
        ";",
        ":",
        "(",
        ")",
        "[",
        "]",
        "é",
        "a",
        "Z",
        "9",
        "-",
        "_",
        "+",
        "'",
        "=",
        "example",
        "org",
        "privacy",
        "Meta",
        "..",
        "@@",
        "localhost",
        "x.example",
        "\x00",
        "\x7f",
    ]
)


@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.lists(_FROM_PIECES, max_size=14).map("".join))
def test_the_plain_mailbox_shortcut_accepts_only_what_the_strict_parser_accepts(value: str) -> None:
    if plain_mailbox(value):
        assert registry_problem(value) == ""


@pytest.mark.parametrize(
    "value",
    [
        "privacy@facebook.com",
        "<privacy@facebook.com>",
        "Facebook Privacy <privacy@facebook.com>",
        '"Meta Platforms, Inc. (Privacy)" <privacy@support.facebook.com>',
        "  Meta\t<no-reply+x=y@mail.instagram.com>  ",
    ],
)
def test_plain_mailboxes_take_the_shortcut_and_the_parser_agrees(value: str) -> None:
    assert plain_mailbox(value)
    assert registry_problem(value) == ""


@pytest.mark.parametrize(
    "value",
    [
        "privacy@facebook.com <attacker@evil.example>",  # an address as the display name
        "John Q. Public <jqp@example.org>",  # obsolete period in a phrase
        "Meta (privacy team) <privacy@facebook.com>",  # a comment
        '"Meta \\"Privacy\\"" <privacy@facebook.com>',  # a quoted pair
        "Méta <privacy@facebook.com>",  # non-ASCII
        "privacy@localhost",
        "a@b.example, c@d.example",
    ],
)
def test_everything_else_goes_to_the_strict_parser(value: str) -> None:
    assert not plain_mailbox(value)


def test_two_from_headers_are_refused_and_ordinary_ones_accepted() -> None:
    assert from_problem(["privacy@facebook.com", "attacker@evil.example"]) == "2 From headers"
    for good in ["Facebook <privacy@facebook.com>", '"Meta, Privacy" <privacy@support.facebook.com>', "a@b.example"]:
        assert from_problem([good]) == ""
    assert from_problem(["=?utf-8?q?Evil=0D=0ABcc=3A_x=40example=2Ecom?= <privacy@facebook.com>"]) == ""


# Red-team findings: values the check passed while parse.py read another sender from them.
@pytest.mark.parametrize(
    "value",
    [
        # An encoded word's charset or text hiding an angle address: the check saw `x <x@evil.example>`,
        # parse.py's sender was privacy@facebook.com.
        "=?a<privacy@facebook.com>?q?x?= <x@evil.example>",
        "=?utf-8?q?a,<privacy@facebook.com>,?= <x@evil.example>",
        "=?utf-8?q?privacy@facebook.com?= <x@evil.example>",
        # An encoded word as part of an address: the check saw x@evil.example.
        "=?utf-8?q?x@evil.example=?=?utf-8?q?=?x@evil.example",
        # A CR removed joined two words into one address; parse.py reads the CR as a space.
        "__\rprivacy@facebook.com",
    ],
)
def test_a_from_that_parse_reads_as_another_sender_is_refused(value: str, ruleset: Ruleset) -> None:
    assert from_problem([value])
    message = _mail(sender=value) if "\r" not in value else None
    if message is not None:
        assert message.from_problem
        assert decide(message, _verdict(), ruleset, Policy()).kind is ActionKind.HOLD


_SPOOF_PIECES = st.sampled_from(
    [
        " ",
        "\t",
        '"',
        "<",
        ">",
        "@",
        ".",
        ",",
        "(",
        ")",
        "=?utf-8?q?",
        "=?a<b",
        "?=",
        "?q?",
        "=?",
        "x",
        "_",
        "=3C",
        "privacy@facebook.com",
        "x@evil.example",
        "evil.example",
        "Meta",
        "é",
        "\u200b",
        "\r\n ",
    ]
)


@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.lists(_SPOOF_PIECES, max_size=10).map("".join))
def test_an_accepted_from_is_one_sender_to_parse_and_to_the_strict_parser(value: str) -> None:
    raw = f"From: {value}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    message = parse(raw)
    if message.from_problem:
        return
    # The strict parser, on the raw value (it decodes encoded words itself), finds the one mailbox parse.py took.
    header = email.headerregistry.HeaderRegistry()("from", value.replace("\r\n", " "))
    assert message.sender is not None
    assert [a.addr_spec for a in header.addresses] == [message.sender.email]


def test_parsed_message_carries_the_from_problem_and_decide_holds_it(ruleset: Ruleset) -> None:
    message = _mail(sender="privacy@facebook.com <attacker@evil.example>")
    assert message.from_problem
    action = decide(message, _verdict(), ruleset, Policy())
    assert action.kind is ActionKind.HOLD
    assert "sender cannot be trusted" in action.reason


# --- decide ------------------------------------------------------------------------------------------


def test_failed_verification_is_held_without_a_draft(ruleset: Ruleset) -> None:
    message = _mail(results=(f"{SERVER}; dmarc=fail header.from=facebook.com",))
    for policy in (Policy(), SEND):
        action = decide(message, _verdict(), ruleset, policy)
        assert action.kind is ActionKind.HOLD
        assert "failed verification" in action.reason


def test_reply_to_outside_the_controllers_domains_is_set_aside(ruleset: Ruleset) -> None:
    message = _mail(extra="Reply-To: exfil@evil.example\r\n")
    action = decide(message, _verdict(), ruleset, SEND)
    assert action.kind is ActionKind.REPLY
    assert action.to == "privacy@facebook.com"
    assert "set aside" in action.reason
    inside = _mail(extra="Reply-To: case-123@support.facebook.com\r\n")
    assert decide(inside, _verdict(), ruleset, SEND).to == "case-123@support.facebook.com"
    two = _mail(extra="Reply-To: a@support.facebook.com, b@support.facebook.com\r\n")
    assert recipient(two, ("facebook.com",))[0] == "privacy@facebook.com"


@pytest.mark.parametrize(
    "sender",
    ["calendar-notification@google.com", "seller-123@marketplace.amazon.de", "inmail-hit-reply@linkedin.com"],
)
def test_other_addresses_of_a_platforms_domain_are_not_its_privacy_team(ruleset: Ruleset, sender: str) -> None:
    platform = {"google.com": "google", "marketplace.amazon.de": "amazon", "linkedin.com": "linkedin"}
    domain = sender.rpartition("@")[2]
    results = (f"{SERVER}; dmarc=pass header.from={domain}",)
    message = _mail(sender=sender, results=results)
    verdict = _verdict(platform[domain])
    assert decide(message, verdict, ruleset, Policy()).kind is ActionKind.HOLD
    # Inside the thread of an open case it is answered (drafted).
    assert decide(message, verdict, ruleset, Policy(), CaseState(known=True)).kind is ActionKind.REPLY


def test_privacy_team_patterns(ruleset: Ruleset) -> None:
    facebook = ruleset.platform("facebook")
    assert facebook is not None
    assert facebook.is_privacy_team("privacy@facebook.com")
    assert facebook.is_privacy_team("case-9@support.facebook.com")
    assert not facebook.is_privacy_team("notification@facebookmail.com")
    assert not facebook.is_privacy_team("privacy@facebook.com.evil.example")
    assert not facebook.is_privacy_team("x@notsupport.facebook.com")


def test_only_verified_non_automatic_mail_is_sent_by_itself(ruleset: Ruleset) -> None:
    verified = _mail()
    assert decide(verified, _verdict(), ruleset, SEND).send
    unverified = _mail(results=())
    action = decide(unverified, _verdict(), ruleset, SEND)
    assert action.kind is ActionKind.REPLY
    assert not action.send
    assert "sender not verified" in action.reason
    assert decide(unverified, _verdict(), ruleset, Policy(mode="send", allow_unverified_send=True)).send
    assert not decide(verified, _verdict(), ruleset, Policy(mode="draft")).send


@pytest.mark.parametrize(
    "extra",
    [
        "Auto-Submitted: auto-replied\r\n",
        "Auto-Submitted: auto-generated\r\n",
        "Precedence: auto_reply\r\n",
        "Precedence: bulk\r\n",
        "X-Auto-Response-Suppress: All\r\n",
    ],
)
def test_automatic_mail_gets_a_draft_never_an_automatic_send(ruleset: Ruleset, extra: str) -> None:
    message = _mail(extra=extra)
    assert automatic(message)
    action = decide(message, _verdict(), ruleset, SEND)
    assert action.kind is ActionKind.REPLY
    assert not action.send
    assert "automatic mail" in action.reason


def test_auto_submitted_no_and_mailbot_message_ids() -> None:
    assert automatic(_mail(extra="Auto-Submitted: no\r\n")) == ""
    other_instance = _mail(message_id="<mailbot.0123456789abcdef0123456789abcdef@example.net>")
    assert automatic(other_instance) == "written by mailbot"


def test_daily_caps_across_cases_and_per_recipient(ruleset: Ruleset) -> None:
    message = _mail()
    ok = CaseState(known=True, sent_before=True)
    assert decide(message, _verdict(), ruleset, SEND, ok).send
    over_all = CaseState(known=True, sends_today_all=10)
    assert not decide(message, _verdict(), ruleset, SEND, over_all).send
    over_recipient = CaseState(known=True, sends_today_by_recipient={"privacy@facebook.com": 2})
    assert not decide(message, _verdict(), ruleset, SEND, over_recipient).send
    other_recipient = CaseState(known=True, sends_today_by_recipient={"privacy@google.com": 2})
    assert decide(message, _verdict(), ruleset, SEND, other_recipient).send
    over_case = CaseState(known=True, sends_today=2)
    action = decide(message, _verdict(), ruleset, SEND, over_case)
    assert not action.send
    assert "loop guard" in action.reason


def test_a_cases_first_automatic_send_goes_only_to_the_privacy_team(ruleset: Ruleset) -> None:
    # A verified platform address that is not the privacy team, inside an open case's thread.
    message = _mail(
        sender="notification@facebookmail.com",
        results=(f"{SERVER}; dmarc=pass header.from=facebookmail.com",),
    )
    first = decide(message, _verdict(), ruleset, SEND, CaseState(known=True))
    assert first.kind is ActionKind.REPLY
    assert not first.send
    assert "first automatic send" in first.reason
    later = decide(message, _verdict(), ruleset, SEND, CaseState(known=True, sent_before=True))
    assert later.send


# --- where a no-reply sender's answer goes -------------------------------------------------------------


def test_no_reply_sender_is_answered_at_the_documented_privacy_contact(ruleset: Ruleset) -> None:
    message = _mail(sender="Spotify <no-reply@spotify.com>", results=(f"{SERVER}; dmarc=pass header.from=spotify.com",))
    action = decide(message, _verdict("spotify"), ruleset, Policy(person="ada@example.org"), CaseState(known=True))
    assert action.kind is ActionKind.REPLY
    assert action.to == "privacy@spotify.com"
    assert not action.form


def test_form_only_controller_gets_a_draft_to_the_person_never_a_send(ruleset: Ruleset) -> None:
    message = _mail(sender="TikTok <noreply@tiktok.com>", results=(f"{SERVER}; dmarc=pass header.from=tiktok.com",))
    state = CaseState(known=True, sent_before=True)
    for policy in (Policy(person="ada@example.org"), Policy(mode="send", person="ada@example.org")):
        action = decide(message, _verdict("tiktok"), ruleset, policy, state)
        assert action.kind is ActionKind.REPLY
        assert action.to == "ada@example.org"
        assert action.form.startswith("https://www.tiktok.com/")
        assert not action.send


def test_no_reply_sender_that_asks_for_an_email_reply_is_answered_there(ruleset: Ruleset) -> None:
    raw = (
        f"Authentication-Results: {SERVER}; dmarc=pass header.from=tiktok.com\r\n"
        "From: TikTok <noreply@tiktok.com>\r\nTo: ada@example.org\r\nSubject: La tua richiesta\r\n"
        "Message-ID: <t1@tiktok.com>\r\n\r\nPer favore indicaci quale trattamento. "
        "Rispondi direttamente a questa e-mail.\r\n"
    )
    action = decide(
        parse(raw.encode()), _verdict("tiktok"), ruleset, Policy(person="a@example.org"), CaseState(known=True)
    )
    assert action.to == "noreply@tiktok.com"
    assert not action.form


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Please reply directly to this email with the information.", True),
        ("Please do not reply to this email.", False),
        ("Do not reply to this message: it is not monitored.", False),
        ("Rispondi direttamente a questa e-mail.", True),
        ("Non rispondere direttamente a questa e-mail.", False),
        ("Bitte antworten Sie nicht direkt auf diese E-Mail.", False),
        ("Antworten Sie bitte direkt auf diese E-Mail.", True),
        ("Ne répondez pas directement à cet e-mail.", False),
        ("No responda directamente a este correo.", False),
    ],
)
def test_asking_for_an_email_reply_and_saying_not_to(text: str, asks: bool) -> None:
    from mailbot.recipients import asks_email_reply

    assert asks_email_reply(text) is asks


@pytest.mark.parametrize(
    "text",
    [
        "Se ci invii il modulo, accoglieremo la tua obiezione.",
        "Once your identity is verified, we will honour your objection.",
    ],
)
def test_conditional_promises_found_by_mutation_testing_are_not_acceptance(ruleset: Ruleset, text: str) -> None:
    from mailbot.classify import classify

    raw = (
        "From: Meta <privacy@facebook.com>\r\nTo: ada@example.org\r\nSubject: Re: objection\r\n"
        f"Message-ID: <c1@facebook.com>\r\nIn-Reply-To: <o@example.org>\r\n\r\n{text}\r\n"
    )
    assert classify(parse(raw.encode()), ruleset, known_thread=True).category is not Category.ACCEPTANCE


def test_french_future_acceptance_is_acceptance(ruleset: Ruleset) -> None:
    from mailbot.classify import classify

    raw = (
        "From: Meta <privacy@facebook.com>\r\nTo: ada@example.org\r\nSubject: Re: opposition\r\n"
        "Message-ID: <f1@facebook.com>\r\nIn-Reply-To: <o@example.org>\r\n\r\n"
        "Bonjour, nous accepterons votre opposition au traitement de vos données. Cordialement\r\n"
    )
    assert classify(parse(raw.encode()), ruleset, known_thread=True).category is Category.ACCEPTANCE


@pytest.mark.parametrize(
    "value",
    [
        "privacy@facebооk.com",  # Cyrillic o's
        "Facebook <privacy＠facebook.com>",  # a fullwidth at sign
        "privacy@facebook.com\u200b",  # an invisible character after the address
        "Facebook\x00 <privacy@facebook.com>",  # a control character in the name
        "Facebook <privacy@facebook.com\x0b>",
        "Facebook <privacy@facebook.com>\x7f",
        "x" * 4_000 + " <privacy@facebook.com>" + " " * 200,  # longer than any From a server writes
    ],
)
def test_lookalikes_control_characters_and_overlong_froms_are_refused(value: str) -> None:
    assert from_problem([value])


def test_the_plain_mailbox_shortcut_takes_time_linear_in_the_value() -> None:
    """No ReDoS: sixteen times the length takes far less than the 256 times a quadratic match would."""
    import timeit

    shapes = ["\t", " ", "a ", "a\t", "a.", "a@a.", "<a", '"a', "a-", "=?a?q?"]

    def cost(n: int) -> float:
        values = [(s * n)[:n] + "\x00" for s in shapes]
        return min(timeit.repeat(lambda: [plain_mailbox(v) for v in values], number=20, repeat=5))

    assert cost(4_000) / cost(250) < 64
