"""decide from what the state says: answered already, superseded, too old, fill-in, automatic mail, reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from mailbot.compose import compose_reminder, reply_message_id
from mailbot.decide import CaseState, Overdue, Policy, decide, remind, superseded, thread_key
from mailbot.models import Action, ActionKind, Category, DeliveryStatus, Identity, Message, ReminderTarget, Verdict
from mailbot.parse import parse
from mailbot.rules import Ruleset

MX = "mx.home.example"
PASS = f"{MX}; dkim=pass header.d=facebook.com; dmarc=pass header.from=facebook.com"
TODAY = date(2025, 6, 20)
DRAFT = Policy(person="ada@example.org")
SEND = Policy(mode="send", person="ada@example.org", authserv_id=MX)
KNOWN = CaseState(known=True, sent_before=True, today=TODAY)


def _mail(
    *,
    msgid: str = "<m1@facebook.com>",
    dated: str = "Mon, 16 Jun 2025 10:00:00 +0000",
    extra: str = "",
    body: str = "Please tell us which processing you object to.",
    refs: str = "",
) -> Message:
    threading = f"References: {refs}\r\nIn-Reply-To: {refs.split()[-1]}\r\n" if refs else ""
    raw = (
        f"Authentication-Results: {PASS}\r\nFrom: Facebook <privacy@facebook.com>\r\nTo: ada@example.org\r\n"
        f"Subject: Your objection\r\nMessage-ID: {msgid}\r\nDate: {dated}\r\n{threading}{extra}\r\n{body}\r\n"
    )
    return parse(raw.encode())


def _verdict(category: Category = Category.REQUEST_INFO, **kw: object) -> Verdict:
    return replace(Verdict(category, "facebook", "en", 0.9, "asks-which-processing"), **kw)  # type: ignore[arg-type]


def _reply_id(message: Message, template: str = "request_info.en") -> str:
    return reply_message_id(message, template, "example.org")


# --- answered already ------------------------------------------------------------------------------


def test_a_message_the_person_answered_is_recorded_not_answered(ruleset: Ruleset) -> None:
    """A reply of the person's in Sent (answered_by_person, from the store) means no draft."""
    got = decide(_mail(), _verdict(), ruleset, DRAFT, replace(KNOWN, answered_by_person=True))
    assert got == Action(
        ActionKind.RECORD, "you already answered it (a later message of yours is in Sent)", language="en"
    )


def test_answered_applies_only_to_what_would_be_answered(ruleset: Ruleset) -> None:
    """A message held for a human stays held even when the person answered it: the hold says more."""
    got = decide(_mail(), _verdict(Category.UNKNOWN), ruleset, DRAFT, replace(KNOWN, answered_by_person=True))
    assert got.kind is ActionKind.HOLD


def test_another_reply_written_to_the_message_means_no_second_one(ruleset: Ruleset) -> None:
    """A reply with another Message-ID (another template: the message was answered as another category)
    already written, or perhaps written, to the message: recorded, never a second reply."""
    message = _mail()
    state = replace(KNOWN, replies=(_reply_id(message, "clarification.en"),))
    got = decide(message, _verdict(), ruleset, DRAFT, state)
    assert got == Action(ActionKind.RECORD, "already answered by another reply", language="en")
    italian = replace(KNOWN, replies=(_reply_id(message, "clarification.it"),))
    got = decide(message, _verdict(language="it"), ruleset, DRAFT, italian)
    assert got == Action(ActionKind.RECORD, "already answered by another reply", language="it")


def test_the_same_reply_pending_goes_on_to_the_delivery_protocol(ruleset: Ruleset) -> None:
    """This very reply in the state (pending after a crash) is no other answer: deliver looks for it in Drafts."""
    message = _mail()
    got = decide(message, _verdict(), ruleset, DRAFT, replace(KNOWN, replies=(_reply_id(message),)))
    assert (got.kind, got.template) == (ActionKind.REPLY, "request_info.en")


def test_the_reply_id_follows_the_variant_template(ruleset: Ruleset) -> None:
    """The reply a variant calls for (already_done) is the one compared, as compose names it."""
    message = _mail()
    verdict = _verdict(Category.REJECTION, variant="already_done")
    own = replace(KNOWN, replies=(_reply_id(message, "already_done.en"),))
    assert decide(message, verdict, ruleset, DRAFT, own).kind is ActionKind.REPLY
    plain = replace(KNOWN, replies=(_reply_id(message, "rejection.en"),))
    assert decide(message, verdict, ruleset, DRAFT, plain).kind is ActionKind.RECORD


# --- superseded and too old --------------------------------------------------------------------------


def test_a_message_with_a_newer_one_in_its_thread_is_superseded(ruleset: Ruleset) -> None:
    """newer_in_thread (the pipeline's batch) turns a reply into superseded."""
    got = decide(_mail(), _verdict(), ruleset, DRAFT, replace(KNOWN, newer_in_thread=True))
    assert got == Action(ActionKind.SUPERSEDED, "a newer message in this thread is answered instead")


@pytest.mark.parametrize(
    ("first_scan", "age_days", "limit", "kind"),
    [
        (True, 61, 60, ActionKind.RECORD),
        (True, 60, 60, ActionKind.REPLY),
        (True, 59, 60, ActionKind.REPLY),
        (True, 2, 1, ActionKind.RECORD),
        (False, 400, 60, ActionKind.REPLY),
        (True, 400, 0, ActionKind.REPLY),
    ],
)
def test_old_mail_on_a_first_scan_is_filed(
    first_scan: bool, age_days: int, limit: int, kind: ActionKind, ruleset: Ruleset
) -> None:
    """On the first scan only, a message older than max_age_days (0: no limit) is filed, not answered."""
    when = TODAY - timedelta(days=age_days)
    message = _mail(dated=f"{when:%a, %d %b %Y} 10:00:00 +0000")
    state = replace(KNOWN, first_scan=first_scan)
    got = decide(message, _verdict(), ruleset, replace(DRAFT, max_age_days=limit), state)
    assert got.kind is kind
    if kind is ActionKind.RECORD:
        assert got.reason == f"older than {limit} days on the first scan: filed into its case, not answered"


def test_superseded_keeps_the_newest_of_each_thread() -> None:
    """Per thread the newest reply-worthy message (by Date, then UID) is kept; other threads and
    messages that get no reply are left alone."""
    root = "<root@example.org>"
    older = _mail(msgid="<a@facebook.com>", dated="Mon, 16 Jun 2025 10:00:00 +0000", refs=root)
    newer = _mail(msgid="<b@facebook.com>", dated="Tue, 17 Jun 2025 10:00:00 +0000", refs=root)
    same_day = _mail(msgid="<c@facebook.com>", dated="Tue, 17 Jun 2025 10:00:00 +0000", refs=root)
    ack = _mail(msgid="<d@facebook.com>", dated="Wed, 18 Jun 2025 10:00:00 +0000", refs=root)
    alone = _mail(msgid="<e@facebook.com>")
    oldest_late = _mail(msgid="<f@facebook.com>", dated="Tue, 10 Jun 2025 10:00:00 +0000", refs=root)
    batch = [
        (8, oldest_late, _verdict()),
        (5, newer, _verdict()),
        (3, older, _verdict(Category.ACCEPTANCE)),
        (7, same_day, _verdict()),
        (9, ack, _verdict(Category.ACKNOWLEDGEMENT)),
        (2, alone, _verdict()),
    ]
    assert superseded(batch) == {3, 5, 8}
    assert superseded([(5, newer, _verdict())]) == set()


def test_thread_key_is_the_root_of_the_thread() -> None:
    """References' first id, else In-Reply-To, else the message's own."""
    assert thread_key(_mail(refs="<r@x> <s@x>")) == "<r@x>"
    assert thread_key(replace(_mail(), references=(), in_reply_to="<i@x>")) == "<i@x>"
    assert thread_key(_mail()) == "<m1@facebook.com>"


# --- fill-in and automatic mail -----------------------------------------------------------------------


def test_an_identifier_nobody_configured_is_a_placeholder_never_sent(ruleset: Ruleset) -> None:
    """A request for the phone number without [identity.accounts] entry: drafted with a placeholder, not sent."""
    message = _mail(body="What is the phone number linked to your account?")
    got = decide(message, _verdict(), ruleset, SEND, KNOWN)
    assert got.kind is ActionKind.REPLY
    assert got.send is False
    assert got.fill_in.startswith("[")
    assert "phone" in got.fill_in
    assert "drafted, not sent: fill in" in got.reason
    italian = decide(
        replace(message, new_text="Qual è il numero di telefono?"), _verdict(language="it"), ruleset, SEND, KNOWN
    )
    assert italian.fill_in
    assert italian.fill_in != got.fill_in
    configured = decide(message, _verdict(), ruleset, SEND, replace(KNOWN, account="+39 333 0000000"))
    assert (configured.fill_in, configured.send) == ("", True)


def test_automatic_mail_is_drafted_never_sent(ruleset: Ruleset) -> None:
    """Auto-Submitted other than "no" (the platforms' usual auto-generated) gets a draft, never a send."""
    automatic = decide(_mail(extra="Auto-Submitted: auto-generated\r\n"), _verdict(), ruleset, SEND, KNOWN)
    assert (automatic.kind, automatic.send) == (ActionKind.REPLY, False)
    assert "automatic mail (Auto-Submitted: auto-generated)" in automatic.reason
    personal = decide(_mail(extra="Auto-Submitted: no\r\n"), _verdict(), ruleset, SEND, KNOWN)
    assert personal.send


# --- reminders ------------------------------------------------------------------------------------------

TARGET = ReminderTarget("<last@facebook.com>", "privacy@facebook.com", "Your objection", "it", Category.REQUEST_INFO)
DUE = Overdue(overdue=True, reminded=False, refused=False, last_word=None, replied_since=False, target=TARGET)


def test_an_overdue_quiet_case_gets_its_reminder(ruleset: Ruleset) -> None:
    """The reminder goes to the last message's sender, in its language, with the reminder template."""
    got = remind(DUE, ruleset.platform("facebook"), DRAFT, TODAY)
    assert got == Action(
        ActionKind.REPLY,
        "Art. 12(3) deadline passed",
        template="reminder.it",
        language="it",
        to="privacy@facebook.com",
    )


@pytest.mark.parametrize(
    ("case", "why"),
    [
        (replace(DUE, overdue=False), "not overdue"),
        (replace(DUE, reminded=True), "already reminded"),
        (replace(DUE, refused=True), "refused: the complaint is the next step"),
        (replace(DUE, last_word=TODAY - timedelta(days=6)), "correspondence within the last 7 days"),
        (replace(DUE, replied_since=True), "correspondence within the last 7 days"),
        (replace(DUE, target=None), "nothing to remind under"),
        (replace(DUE, target=replace(TARGET, sender="noreply@facebook.com")), "noreply@facebook.com takes no replies"),
    ],
)
def test_no_reminder(case: Overdue, why: str, ruleset: Ruleset) -> None:
    """Each reason a case gets no reminder, in its own words."""
    assert remind(case, ruleset.platform("facebook"), DRAFT, TODAY) == Action(ActionKind.IGNORE, why)


def test_a_week_of_quiet_is_enough_and_the_language_falls_back(ruleset: Ruleset) -> None:
    """Last word exactly a week ago counts as quiet; a language without templates takes the configured one."""
    case = replace(DUE, last_word=TODAY - timedelta(days=7), target=replace(TARGET, language="nl"))
    got = remind(case, ruleset.platform("facebook"), replace(DRAFT, default_language="de"), TODAY)
    assert (got.kind, got.template) == (ActionKind.REPLY, "reminder.de")
    assert remind(DUE, None, DRAFT, TODAY) == Action(ActionKind.IGNORE, "the controller is unknown")
    unsupported = remind(case, ruleset.platform("facebook"), replace(DRAFT, default_language="nl"), TODAY)
    assert (unsupported.template, unsupported.language) == ("reminder.en", "en")


def test_a_privacy_team_writing_from_a_noreply_address_is_reminded_there(ruleset: Ruleset) -> None:
    """The platform's own privacy sender takes replies even when its name says no-reply."""
    target = replace(TARGET, sender="noreply@facebookmail.com")
    got = remind(replace(DUE, target=target), ruleset.platform("facebook"), DRAFT, TODAY)
    assert (got.kind, got.to) == (ActionKind.REPLY, "noreply@facebookmail.com")


def test_the_reminder_is_threaded_and_keeps_its_message_id(ruleset: Ruleset) -> None:
    """compose_reminder threads under the target (and the case's root) without quoting anything, with the
    Message-ID earlier versions derived (so a reminder written before an upgrade is found again)."""
    target = replace(TARGET, references=("<root@example.org>",))
    action = remind(replace(DUE, target=target), ruleset.platform("facebook"), DRAFT, TODAY)
    identity = Identity("Ada Example", "ada@example.org")
    reply = compose_reminder(
        action, target, identity, ruleset.platform("facebook"), now=datetime(2025, 6, 20, tzinfo=UTC)
    )
    as_message = replace(_mail(), message_id=target.message_id)
    assert reply.message_id == reply_message_id(as_message, "reminder.it", "example.org")
    text = reply.raw.decode()
    assert "In-Reply-To: <last@facebook.com>" in text
    assert "References: <root@example.org> <last@facebook.com>" in text
    assert "To: privacy@facebook.com" in text
    assert "Subject: Re: Your objection" in text
    assert (reply.template, reply.category, reply.language) == ("reminder.it", Category.REQUEST_INFO, "it")


def test_delivery_states_that_answer_a_message() -> None:
    """Every state but failed counts as (perhaps) written: pending and interrupted block a second reply."""
    assert {s for s in DeliveryStatus if s.counts} == {
        DeliveryStatus.PENDING,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.INTERRUPTED,
    }
    assert [str(s) for s in DeliveryStatus] == ["pending", "delivered", "failed", "interrupted"]
