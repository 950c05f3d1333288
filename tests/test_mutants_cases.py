"""cases, function by function: the dates found, the clock, reminders, new cases and the exact words recorded."""

from __future__ import annotations

import time
from datetime import date

import pytest
from conftest import case_row

from mailbot import cases
from mailbot.cases import BASIS_CONTROLLER, BASIS_MANUAL, BASIS_QUOTED, NewCase, Request
from mailbot.config import ControllerSettings
from mailbot.models import Message, RequestType
from mailbot.parse import parse
from mailbot.rules import Platform, Ruleset

T = RequestType
ADA = "ada@example.org"


_row = case_row


def _mail(body: str, *, date_header: str = "Thu, 17 Apr 2025 10:00:00 +0200", extra: str = "") -> Message:
    head = f"Date: {date_header}\r\n" if date_header else ""
    raw = (
        f"From: Ada <{ADA}>\r\nTo: Example Bank <privacy@examplebank.example>\r\nSubject: Right of access\r\n"
        f"Message-ID: <req-1@example.org>\r\n{head}{extra}\r\n{body}\r\n"
    )
    return parse(raw.encode())


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Le 1 fevrier 2025, Ada a écrit", date(2025, 2, 1)),  # written without the accent
        ("Am 3. Marz 2025 schrieb Ada", date(2025, 3, 3)),
        ("Le 15 aout 2025, Ada a écrit", date(2025, 8, 15)),
    ],
)
def test_month_names_without_accents(text: str, day: date) -> None:
    """A month name typed without its accent ("fevrier", "Marz", "aout") still names its month."""
    # The month table is cached: rebuild it so that it is made by the code under test.
    cases._months.cache_clear()
    assert cases.find_date(text) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Am 17.04.25 um 10:02 schrieb Ada", date(2025, 4, 17)),  # a two-digit year is this century's
        ("On 4/17/2025 Ada wrote", date(2025, 4, 17)),  # only month/day makes a date
        ("On 4/5/2025 Ada wrote", date(2025, 5, 4)),  # both do: day first, as Europe writes it
        ("On 31/31/2025 Ada wrote", None),
        ("Am 17.04.0100 schrieb Ada", date(100, 4, 17)),  # four digits are the year as written
    ],
)
def test_numeric_dates(text: str, day: date | None) -> None:
    """Day first unless only the American order is a date; two-digit years are 20xx."""
    assert cases.find_date(text) == day


def test_message_day_and_time() -> None:
    """The Date header read as a day, and as a UTC time (a time without zone is taken as UTC)."""
    dated = _mail("Hello", date_header="Thu, 17 Apr 2025 01:30:00 +0200")
    assert cases.message_day(dated) == date(2025, 4, 17)
    when = cases.message_time(dated)
    assert when is not None
    assert (when.isoformat(), str(when.tzinfo)) == ("2025-04-16T23:30:00+00:00", "UTC")
    naive = cases.message_time(_mail("Hello", date_header="Thu, 17 Apr 2025 01:30:00 -0000"))
    assert naive is not None
    assert naive.isoformat() == "2025-04-17T01:30:00+00:00"
    for header in ("", "not a date"):
        assert cases.message_day(_mail("Hello", date_header=header)) is None
        assert cases.message_time(_mail("Hello", date_header=header)) is None


def test_message_time_does_not_depend_on_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Date without zone is UTC and a zoned one is converted to UTC, on a machine five hours behind too."""
    monkeypatch.setenv("TZ", "XYZ+05")  # a POSIX zone string: no tz database needed
    time.tzset()
    try:
        naive = cases.message_time(_mail("Hello", date_header="Thu, 17 Apr 2025 01:30:00 -0000"))
        zoned = cases.message_time(_mail("Hello", date_header="Thu, 17 Apr 2025 01:30:00 +0200"))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert naive is not None
    assert zoned is not None
    assert (naive.isoformat(), zoned.isoformat()) == ("2025-04-17T01:30:00+00:00", "2025-04-16T23:30:00+00:00")


def test_registrable_domain_is_lower_case_without_the_root_dot() -> None:
    """Also for a domain that is itself a public suffix (no registrable part to take)."""
    assert cases.registrable_domain("GitHub.IO.") == "github.io"
    assert cases.registrable_domain("Privacy.Bank.Example.") == "bank.example"


# --- requests in sent mail ----------------------------------------------------------------------


def test_request_from_sent_records_every_field(ruleset: Ruleset) -> None:
    """The request as stored: controller, recipient, types in article order, date, text, subject, rule ids."""
    body = "Please delete all my personal data. I object to direct marketing."
    request = cases.request_from_sent(_mail(body), ruleset, [ADA])
    assert request == Request(
        controller="examplebank.example",
        recipient="privacy@examplebank.example",
        types=(T.MARKETING_OBJECTION, T.ACCESS, T.ERASURE),  # the subject counts: "Right of access"
        date=date(2025, 4, 17),
        text=body,
        subject="Right of access",
        message_id="<req-1@example.org>",
        rules=("marketing-objection", "access", "erasure"),
    )


@pytest.mark.parametrize(
    "thread", ["In-Reply-To: <x@examplebank.example>\r\n", "References: <x@examplebank.example>\r\n"]
)
def test_a_replys_subject_is_not_a_request(ruleset: Ruleset, thread: str) -> None:
    """In a reply (In-Reply-To or References alone) the thread's subject "Right of access" asks for nothing."""
    assert cases.request_from_sent(_mail("Thank you.", extra=thread), ruleset, [ADA]) is None
    assert cases.request_from_sent(_mail("Thank you."), ruleset, [ADA]) is not None


# --- quoted requests ----------------------------------------------------------------------------


def test_quoted_date_prefers_the_persons_attribution(ruleset: Ruleset) -> None:
    """The person's own quoted message dates the request, even when another quote is older."""
    assert ruleset.requests is not None
    text = (
        "We are on it.\n\nOn 10 Apr 2025, Support <support@examplebank.example> wrote:\n> Ticket opened\n\n"
        "On 17 Apr 2025, Ada <ADA@example.org> wrote:\n> Please erase my data.\n"
    )
    assert cases.quoted_request_date(text, ruleset.requests, [ADA.upper()]) == date(2025, 4, 17)
    assert cases.quoted_request_date(text, ruleset.requests) == date(2025, 4, 10)


def test_quoted_date_limit_is_the_message_itself(ruleset: Ruleset) -> None:
    """A quote dated the same day as the message counts; a later one is skipped, not the end of the search."""
    assert ruleset.requests is not None
    rules = ruleset.requests
    same_day = "On 2 May 2025, Ada <ada@example.org> wrote:\n> Please erase my data.\n"
    assert cases.quoted_request_date(same_day, rules, [ADA], before=date(2025, 5, 2)) == date(2025, 5, 2)
    assert cases.quoted_request_date(same_day, rules, [ADA], before=date(2025, 5, 1)) is None
    future_first = "On 1 Jan 2030, Ada <ada@example.org> wrote:\n> x\n\nOn 17 Apr 2025, Ada <ada@example.org> wrote:\n"
    assert cases.quoted_request_date(future_first, rules, [ADA], before=date(2025, 5, 2)) == date(2025, 4, 17)


# --- the clock ----------------------------------------------------------------------------------

EXTENSION = "Due to the complexity of your request, we need to extend the response period by two further months."
NO_REASONS = "We will extend the deadline for our response by two further months."


def test_extension_fields_exactly(ruleset: Ruleset) -> None:
    """What each kind of announcement writes into the case."""
    case = _row()
    assert cases.extension_fields(case, EXTENSION, date(2025, 5, 2), ruleset) == {
        "extended": 1,
        "due": "2025-07-17",
        "extension_note": "extended by the controller on 2025-05-02 (Art. 12(3))",
    }
    assert cases.extension_fields(case, NO_REASONS, date(2025, 5, 2), ruleset) == {
        "extension_note": "extension announced on 2025-05-02 without reasons: not valid (Art. 12(3))"
    }
    assert cases.extension_fields(case, EXTENSION, date(2025, 5, 20), ruleset) == {
        "extension_note": "extension announced on 2025-05-20, after the first month: not valid (Art. 12(3))"
    }
    assert cases.extension_fields(case, "We are looking into it.", date(2025, 5, 2), ruleset) == {}


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({}, "one month from 2025-04-17, the request in your sent mail (Art. 12(3))"),
        (
            {"due_basis": BASIS_MANUAL},
            "one month from 2025-04-17, the request entered with 'mailbot case open' (Art. 12(3))",
        ),
        (
            {"due_basis": BASIS_QUOTED},
            "one month from 2025-04-17, the request quoted in the controller's message (Art. 12(3))",
        ),
        (
            {"due_basis": "", "request_date": "", "opened": "2025-04-20"},
            "one month from 2025-04-20, the controller's first message (the request's own date is unknown)"
            " (Art. 12(3))",
        ),
        (
            {"extended": True, "extension_note": "extended by the controller on 2025-05-02 (Art. 12(3))"},
            "three months (extended) from 2025-04-17, the request in your sent mail (Art. 12(3)); "
            "extended by the controller on 2025-05-02 (Art. 12(3))",
        ),
    ],
)
def test_describe_due_exactly(fields: dict[str, object], text: str) -> None:
    """The line `mailbot case ID` prints on how the due date was reached."""
    assert cases.describe_due(_row(**fields)) == text


def test_case_info_without_an_account() -> None:
    """No account known: the reply names none."""
    assert cases.case_info(_row(), date(2025, 5, 1)).account == ""


def test_pick_case_takes_a_request_of_the_same_day() -> None:
    """A controller's message on the day of the request belongs to it."""
    case = _row(request_date="2025-04-17")
    assert cases.pick_case(None, [case], date(2025, 4, 17)) is case
    assert cases.pick_case(None, [case], date(2025, 4, 16)) is None


def test_new_case_for_dates_from_the_quoted_request(ruleset: Ruleset) -> None:
    """A controller's first message opens a case dated from the person's quoted request, else from itself."""
    text = (
        "We received your request.\n\nOn 10 Apr 2025, Support <support@examplebank.example> wrote:\n> Ticket\n\n"
        "On 17 Apr 2025, Ada <ada@example.org> wrote:\n> Please erase my data.\n\n"
        "On 1 Jan 2030, Ada <ada@example.org> wrote:\n> later\n"
    )
    message = _mail(text, date_header="Fri, 2 May 2025 09:00:00 +0000")
    kw: dict[str, object] = {"controller": "examplebank.example", "platform": "none", "thread_key": "<t@x>"}
    quoted = cases.new_case_for(message, received=date(2025, 5, 2), rules=ruleset.requests, own=[ADA], **kw)  # type: ignore[arg-type]
    assert quoted == NewCase("examplebank.example", "none", date(2025, 4, 17), BASIS_QUOTED, "<t@x>", "Right of access")
    anyone = cases.new_case_for(message, received=date(2025, 5, 2), rules=ruleset.requests, **kw)  # type: ignore[arg-type]
    assert anyone.request_date == date(2025, 4, 10)
    future_only = _mail("On 1 Jan 2030, Ada <ada@example.org> wrote:\n> later\n")
    later = cases.new_case_for(future_only, received=date(2025, 5, 2), rules=ruleset.requests, own=[ADA], **kw)  # type: ignore[arg-type]
    assert (later.request_date, later.basis) == (date(2025, 5, 2), BASIS_CONTROLLER)  # a quote after it is no request
    unknown = cases.new_case_for(message, received=date(2025, 5, 2), rules=None, **kw)  # type: ignore[arg-type]
    assert unknown == NewCase(
        "examplebank.example", "none", date(2025, 5, 2), BASIS_CONTROLLER, "<t@x>", "Right of access"
    )


# --- the controller as replies name it ----------------------------------------------------------


def test_controller_platform_built_in_is_the_rules_entry(ruleset: Ruleset) -> None:
    """A built-in platform is returned as rules/platforms has it."""
    assert cases.controller_platform("amazon", ruleset, {}) == ruleset.platform("amazon")


def test_controller_platform_from_a_config_entry(ruleset: Ruleset) -> None:
    """A [controllers.<id>] entry: its name and domains; the authority's English name and country from the rules."""
    cnil = ruleset.authority("fr-cnil")
    assert cnil is not None
    shop = ControllerSettings(id="shop.example", authority="fr-cnil", domains=("mail.shop.example",), name="Shop SAS")
    assert cases.controller_platform("shop.example", ruleset, {"shop.example": shop}) == Platform(
        id="shop.example",
        name="Shop SAS",
        domains=("mail.shop.example",),
        authority=cnil.name("en"),
        privacy_senders=(),
        lead_authority="fr-cnil",
    )


def test_a_configured_controllers_contact_and_form_are_where_replies_go(ruleset: Ruleset) -> None:
    """`[controllers.<id>] contact` and `form` become the controller's privacy contact and web form."""
    shop = ControllerSettings(
        id="shop.example",
        authority="fr-cnil",
        domains=("shop.example",),
        contact="dpo@shop.example",
        form="https://shop.example/privacy",
    )
    got = cases.controller_platform("shop.example", ruleset, {"shop.example": shop})
    assert got is not None
    assert (got.privacy_contact, got.privacy_form) == ("dpo@shop.example", "https://shop.example/privacy")


def test_controller_platform_with_an_authority_the_rules_do_not_know(ruleset: Ruleset) -> None:
    """An unknown authority is named as configured, with no lead authority and no country; no domains: the id."""
    odd = ControllerSettings(id="odd.example", authority="Datatilsynet", domains=())
    assert cases.controller_platform("odd.example", ruleset, {"odd.example": odd}) == Platform(
        id="odd.example",
        name="odd.example",
        domains=("odd.example",),
        authority="Datatilsynet",
        privacy_senders=(),
        lead_authority="",
    )


@pytest.mark.parametrize(
    ("country", "language", "key"),
    [("se", "en", "se-imy"), ("", "es", "es-aepd"), ("", "en", "ie-dpc")],
)
def test_controller_platform_home_authority(ruleset: Ruleset, country: str, language: str, key: str) -> None:
    """Else the person's home authority: by country (any case), else by language."""
    home = ruleset.authority(key)
    assert home is not None
    expected = Platform(
        id="bank.example",
        name="bank.example",
        domains=("bank.example",),
        authority=home.name("en"),
        privacy_senders=(),
        lead_authority=key,
    )
    assert cases.controller_platform("bank.example", ruleset, {}, country=country, language=language) == expected


def test_controller_platform_defaults_to_the_english_home(ruleset: Ruleset) -> None:
    """No country or language given: the home authority of English."""
    platform = cases.controller_platform("bank.example", ruleset, {})
    assert platform is not None
    assert platform.lead_authority == "ie-dpc"
    assert cases.controller_platform("bank.example", ruleset, {}, language="nl") is None


def test_quoted_date_reads_the_sender_after_the_german_verb(ruleset: Ruleset) -> None:
    """ "Am … schrieb Ada <ada@…>:" names the person after the verb; that line is still the person's, and only it."""
    assert ruleset.requests is not None
    text = (
        "Wir arbeiten daran.\n\nAm 10.04.2025 um 09:00 schrieb Support <support@bank.example>:\n> Ticket\n\n"
        "Am 17.04.2025 um 10:02 schrieb Ada <ada@example.org>:\n> Bitte löschen Sie meine Daten.\n"
    )
    assert cases.quoted_request_date(text, ruleset.requests, [ADA]) == date(2025, 4, 17)
    assert cases.quoted_request_date(text, ruleset.requests, ["ada@elsewhere.example"]) == date(2025, 4, 10)
