"""The case lifecycle: requests recognised in sent mail, controllers, the Art. 12(3) clock, quoted dates."""

from __future__ import annotations

import re
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import case_row

from mailbot import cases
from mailbot.cases import Extension
from mailbot.models import RequestType
from mailbot.parse import parse
from mailbot.rules import Ruleset
from mailbot.store import CaseRow, Store

T = RequestType

# One request per type and language, written for these tests (invented people, example.org).
REQUESTS: dict[tuple[str, RequestType], str] = {
    ("en", T.OBJECTION): "I hereby object to the processing of my personal data based on your legitimate interests.",
    ("it", T.OBJECTION): "Mi oppongo al trattamento dei miei dati personali basato sul legittimo interesse.",
    ("de", T.OBJECTION): "Hiermit widerspreche ich der Verarbeitung meiner personenbezogenen Daten.",
    ("fr", T.OBJECTION): "Je m'oppose au traitement de mes données personnelles fondé sur votre intérêt légitime.",
    ("es", T.OBJECTION): "Me opongo al tratamiento de mis datos personales basado en su interés legítimo.",
    ("en", T.MARKETING_OBJECTION): "I object to the use of my personal data for direct marketing, profiling included.",
    ("it", T.MARKETING_OBJECTION): "Mi oppongo all'uso dei miei dati per finalità di marketing diretto.",
    ("de", T.MARKETING_OBJECTION): "Ich widerspreche der Nutzung meiner Daten für Zwecke der Direktwerbung.",
    ("fr", T.MARKETING_OBJECTION): "Je m'oppose à l'utilisation de mes données à des fins de prospection commerciale.",
    ("es", T.MARKETING_OBJECTION): "Me opongo al uso de mis datos con fines de mercadotecnia directa.",
    ("en", T.ACCESS): "Under Article 15 GDPR, please send me a copy of all the personal data you hold about me.",
    ("it", T.ACCESS): "Esercito il diritto di accesso: vi chiedo una copia dei miei dati personali.",
    ("de", T.ACCESS): "Ich bitte um Auskunft über die zu meiner Person gespeicherten Daten.",
    ("fr", T.ACCESS): "J'exerce mon droit d'accès et vous demande une copie de mes données.",
    ("es", T.ACCESS): "Ejerzo mi derecho de acceso y solicito una copia de mis datos.",
    ("en", T.RECTIFICATION): "Please rectify my address: the one on file is wrong.",
    ("it", T.RECTIFICATION): "Chiedo la rettifica del mio indirizzo, che risulta errato.",
    ("de", T.RECTIFICATION): "Bitte berichtigen Sie meine Anschrift, sie ist veraltet.",
    ("fr", T.RECTIFICATION): "Je vous demande de rectifier mon adresse postale.",
    ("es", T.RECTIFICATION): "Les solicito que rectifiquen mi dirección postal.",
    ("en", T.ERASURE): "Please delete all my personal data and close my account.",
    ("it", T.ERASURE): "Vi chiedo di cancellare tutti i miei dati personali.",
    ("de", T.ERASURE): "Bitte löschen Sie alle meine personenbezogenen Daten.",
    ("fr", T.ERASURE): "Je vous demande d'effacer toutes mes données personnelles.",
    ("es", T.ERASURE): "Les pido que supriman todos mis datos personales.",
    ("en", T.RESTRICTION): "Please restrict the processing of my personal data until this is resolved.",
    ("it", T.RESTRICTION): "Chiedo la limitazione del trattamento dei miei dati.",
    ("de", T.RESTRICTION): "Ich verlange die Einschränkung der Verarbeitung meiner Daten.",
    ("fr", T.RESTRICTION): "Je demande la limitation du traitement de mes données.",
    ("es", T.RESTRICTION): "Solicito la limitación del tratamiento de mis datos.",
    ("en", T.PORTABILITY): "Please send my data in a structured, machine-readable format.",
    ("it", T.PORTABILITY): "Esercito il diritto alla portabilità dei dati.",
    ("de", T.PORTABILITY): "Ich mache mein Recht auf Datenübertragbarkeit geltend.",
    ("fr", T.PORTABILITY): "J'exerce mon droit à la portabilité de mes données.",
    ("es", T.PORTABILITY): "Ejerzo mi derecho a la portabilidad de los datos.",
    ("en", T.CONSENT_WITHDRAWAL): "I withdraw my consent to the processing of my location history.",
    ("it", T.CONSENT_WITHDRAWAL): "Revoco il mio consenso al trattamento della cronologia delle posizioni.",
    ("de", T.CONSENT_WITHDRAWAL): "Ich widerrufe meine Einwilligung zur Nutzung meines Standortverlaufs.",
    ("fr", T.CONSENT_WITHDRAWAL): "Je retire mon consentement au suivi de ma localisation.",
    ("es", T.CONSENT_WITHDRAWAL): "Retiro mi consentimiento para el uso de mi historial de ubicaciones.",
}


def sent(
    body: str,
    *,
    to: str = "privacy@examplebank.example",
    subject: str = "Request",
    when: str = "Thu, 17 Apr 2025 10:00:00 +0200",
    msgid: str = "<req-1@example.org>",
) -> bytes:
    """A message the person sent."""
    msg = EmailMessage()
    msg["From"] = "Ada Lovelace-Smith <ada@example.org>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = when
    msg["Message-ID"] = msgid
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(("lang", "kind"), sorted(REQUESTS))
def test_every_type_in_every_language(ruleset: Ruleset, lang: str, kind: RequestType) -> None:
    """Each sample asks for exactly its own request type."""
    assert ruleset.requests is not None
    types, rule_ids = cases.recognise(REQUESTS[(lang, kind)], ruleset.requests)
    assert types == (kind,), (lang, kind, types, rule_ids)
    assert len(rule_ids) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for dinner yesterday, see you on Friday!",
        "Please find attached the invoice for March.",
        "Could you delete the meeting from the calendar?",
        "Ti ringrazio per la bella serata, a presto.",
        "Vielen Dank für Ihre Nachricht, ich melde mich morgen.",
    ],
)
def test_ordinary_mail_is_no_request(ruleset: Ruleset, text: str) -> None:
    """Everyday mail asks for nothing the GDPR names."""
    assert ruleset.requests is not None
    assert cases.recognise(text, ruleset.requests)[0] == ()


def test_combined_request_lists_every_type_in_article_order(ruleset: Ruleset) -> None:
    """One message may make several requests; the types come in article order."""
    assert ruleset.requests is not None
    text = (
        "Under Art. 15 GDPR I ask for a copy of my personal data. "
        "After that, please erase my data (Art. 17). "
        "I also object to direct marketing and withdraw my consent to personalised ads."
    )
    types, _ = cases.recognise(text, ruleset.requests)
    assert types == (T.MARKETING_OBJECTION, T.ACCESS, T.ERASURE, T.CONSENT_WITHDRAWAL)


def test_objection_and_marketing_in_separate_sentences_are_both_kept(ruleset: Ruleset) -> None:
    """A general objection yields to the marketing one only within the same sentence."""
    assert ruleset.requests is not None
    text = "I object to the processing of my data for AI training.\nI also object to direct marketing."
    assert cases.recognise(text, ruleset.requests)[0] == (T.OBJECTION, T.MARKETING_OBJECTION)


def test_article_numbers_alone_are_recognised(ruleset: Ruleset) -> None:
    """The article cited is enough ('Art. 21(1)' keeps the dot of the abbreviation in its sentence)."""
    assert ruleset.requests is not None
    assert cases.recognise("Request under Art. 21(1) GDPR.", ruleset.requests)[0] == (T.OBJECTION,)
    assert cases.recognise("Antrag nach Art. 20 DSGVO", ruleset.requests)[0] == (T.PORTABILITY,)


def test_request_from_sent_mail_any_controller(ruleset: Ruleset) -> None:
    """A request to any organisation opens a case for its registrable domain, with date, types and text."""
    message = parse(sent(REQUESTS[("it", T.ERASURE)], to="DPO <dpo@privacy.examplebank.example>"))
    request = cases.request_from_sent(message, ruleset, own={"ada@example.org"})
    assert request is not None
    assert request.controller == "examplebank.example"
    assert request.types == (T.ERASURE,)
    assert request.date == date(2025, 4, 17)
    assert "cancellare" in request.text
    assert request.message_id == "<req-1@example.org>"


def test_request_to_a_platform_uses_the_platform_id(ruleset: Ruleset) -> None:
    """A recipient at a built-in platform's domain is that platform."""
    message = parse(sent(REQUESTS[("en", T.ACCESS)], to="privacy@support.whatsapp.com"))
    request = cases.request_from_sent(message, ruleset)
    assert request is not None
    assert request.controller == "whatsapp"


def test_registrable_domain_of_multi_label_suffixes() -> None:
    """Public suffixes of several labels are honoured (shop.co.uk, not co.uk)."""
    assert cases.registrable_domain("privacy.mail.shop.co.uk") == "shop.co.uk"
    assert cases.registrable_domain("Example.ORG.") == "example.org"


def test_mail_to_people_is_never_a_request(ruleset: Ruleset) -> None:
    """A request-like text to a personal mail provider (a friend) or to oneself opens nothing."""
    body = REQUESTS[("en", T.ERASURE)]
    assert cases.request_from_sent(parse(sent(body, to="friend@gmail.com")), ruleset) is None
    assert cases.request_from_sent(parse(sent(body, to="ada@example.org")), ruleset, own={"ada@example.org"}) is None
    assert cases.request_from_sent(parse(sent("See you soon!")), ruleset) is None


def test_subject_counts_for_recognition(ruleset: Ruleset) -> None:
    """A short body under a telling subject is still a request."""
    message = parse(sent("See the subject. Regards, Ada", subject="Auskunftsersuchen nach Art. 15 DSGVO"))
    request = cases.request_from_sent(message, ruleset)
    assert request is not None
    assert request.types == (T.ACCESS,)


# --- the clock -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 4, 17), date(2025, 5, 17)),
        (date(2025, 12, 15), date(2026, 1, 15)),
    ],
)
def test_one_month_clamps_to_month_end(start: date, due: date) -> None:
    """31 January + one month is the last day of February (leap years too)."""
    assert cases.due_date(start) == due


def test_extended_is_three_months_from_the_request() -> None:
    """An extension counts from the request, not from the announcement."""
    assert cases.due_date(date(2025, 11, 30), extended=True) == date(2026, 2, 28)


EXTENSION = "Due to the complexity of your request, we need to extend the response period by two further months."
NO_REASONS = "We will extend the deadline for our response by two further months."


@pytest.mark.parametrize(
    ("text", "announced", "expected"),
    [
        (EXTENSION, date(2025, 5, 10), Extension.GRANTED),
        (EXTENSION, date(2025, 5, 17), Extension.GRANTED),  # the last day of the first month
        (EXTENSION, date(2025, 5, 18), Extension.LATE),
        (NO_REASONS, date(2025, 5, 10), Extension.NO_REASONS),
        (
            "Wir benötigen aufgrund der Komplexität Ihrer Anfrage zwei weitere Monate.",
            date(2025, 5, 1),
            Extension.GRANTED,
        ),
        ("Thank you, we are looking into it.", date(2025, 5, 1), Extension.NONE),
    ],
)
def test_extension_needs_first_month_and_reasons(
    ruleset: Ruleset, text: str, announced: date, expected: Extension
) -> None:
    """Art. 12(3): within one month of the request, with the reasons for the delay."""
    assert cases.assess_extension(text, announced, date(2025, 4, 17), ruleset) is expected


def _row(**fields: object) -> CaseRow:
    return case_row(**{"request_types": "access,erasure", **fields})


def test_extension_fields_move_the_due_date_or_note_why_not(ruleset: Ruleset) -> None:
    """A valid extension sets three months from the request; one without reasons is only noted."""
    granted = cases.extension_fields(_row(), EXTENSION, date(2025, 5, 2), ruleset)
    assert granted["extended"] == 1
    assert granted["due"] == "2025-07-17"
    refused = cases.extension_fields(_row(), NO_REASONS, date(2025, 5, 2), ruleset)
    assert "extended" not in refused
    assert "without reasons" in str(refused["extension_note"])
    assert cases.extension_fields(_row(extended=True), EXTENSION, date(2025, 5, 2), ruleset) == {}


def test_case_info_running_and_expired() -> None:
    """The due date itself still runs; the day after, the deadline has expired."""
    case = _row()
    running = cases.case_info(case, date(2025, 5, 17), account="ada.bank@example.org")
    assert running.types == (T.ACCESS, T.ERASURE)
    assert running.request_date == date(2025, 4, 17)
    assert running.due == date(2025, 5, 17)
    assert not running.expired
    assert running.account == "ada.bank@example.org"
    assert running.controller == "examplebank.example"
    after = cases.case_info(case, date(2025, 5, 18))
    assert after.expired
    assert cases.overdue(case, date(2025, 5, 18))
    assert not cases.overdue(_row(status="closed"), date(2025, 5, 18))


def test_case_info_extended_and_unknown_request_date() -> None:
    """An extended case runs three months; a case dated only by the controller's mail claims no request date."""
    extended = cases.case_info(_row(extended=True), date(2025, 6, 1))
    assert extended.extended
    assert extended.due == date(2025, 7, 17)
    assert not extended.expired
    legacy = cases.case_info(_row(due_basis=cases.BASIS_CONTROLLER, request_types=""), date(2025, 6, 1))
    assert legacy.request_date is None
    assert legacy.types == (T.OBJECTION,)
    assert legacy.expired


def test_due_never_moves_with_later_mail() -> None:
    """The due date is computed from the request, whatever the stored value or the last message says."""
    case = _row(due="2025-06-30", last_message_at="2025-05-20")
    assert cases.case_due(case) == date(2025, 5, 17)


# --- quoted requests -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attribution", "day"),
    [
        ("On 17 Apr 2025, at 10:02, Ada Lovelace-Smith <ada@example.org> wrote:", date(2025, 4, 17)),
        ("On Thu, Apr 17, 2025 at 10:02 AM Ada <ada@example.org> wrote:", date(2025, 4, 17)),
        ("On 2025-04-17 10:02, ada@example.org wrote:", date(2025, 4, 17)),
        ("Il giorno gio 17 apr 2025 alle ore 10:02 Ada <ada@example.org> ha scritto:", date(2025, 4, 17)),
        ("Am 17.04.2025 um 10:02 schrieb Ada <ada@example.org>:", date(2025, 4, 17)),
        ("Le jeu. 17 avr. 2025 à 10:02, Ada <ada@example.org> a écrit :", date(2025, 4, 17)),
        ("El jue, 17 abr 2025 a las 10:02, Ada (<ada@example.org>) escribió:", date(2025, 4, 17)),
        ("El 17 de abril de 2025, Ada escribió:", date(2025, 4, 17)),
        ("Am 3. März 2025 schrieb Ada:", date(2025, 3, 3)),
        ("Le 1er février 2025, Ada a écrit :", date(2025, 2, 1)),
    ],
)
def test_quoted_request_dates(ruleset: Ruleset, attribution: str, day: date) -> None:
    """The five languages' quote lines date the quoted request."""
    assert ruleset.requests is not None
    text = f"Thank you for your message.\n\n{attribution}\n> {REQUESTS[('en', T.ACCESS)]}\n"
    assert cases.quoted_request_date(text, ruleset.requests, {"ada@example.org"}) == day


def test_quoted_date_prefers_the_persons_oldest_and_ignores_the_future(ruleset: Ruleset) -> None:
    """The deepest quote of the person's own mail is the request; dates after the message are not."""
    assert ruleset.requests is not None
    text = (
        "We need more time.\n\nOn 2 May 2025, Privacy Team <privacy@examplebank.example> wrote:\n> Your ticket\n"
        ">\n> On 17 Apr 2025, Ada <ada@example.org> wrote:\n>> Please erase my data.\n"
        "On 1 Jan 2030, Ada <ada@example.org> wrote:\n"
    )
    rules = ruleset.requests
    assert cases.quoted_request_date(text, rules, {"ada@example.org"}, before=date(2025, 5, 3)) == date(2025, 4, 17)
    assert cases.quoted_request_date("No quote here.", rules) is None


# --- linking ---------------------------------------------------------------------------------------


def test_pick_case_thread_first_then_newest_open_case_of_controller() -> None:
    """Thread ids win; else the controller's newest open case whose request is older than the message."""
    old = _row(id=1, request_date="2025-01-10")
    new = _row(id=2, request_date="2025-04-17")
    closed = _row(id=3, request_date="2025-04-20", status="closed")
    assert cases.pick_case(old, [new], date(2025, 5, 1)) is old
    assert cases.pick_case(None, [old, new, closed], date(2025, 5, 1)) is new
    assert cases.pick_case(None, [old, new], date(2025, 3, 1)) is old
    assert cases.pick_case(None, [], date(2025, 3, 1)) is None
    assert cases.pick_case(None, [old, new], date(2025, 5, 1), threaded=True) is None
    by_controller = _row(id=4, request_date="2025-04-20", due_basis=cases.BASIS_CONTROLLER)
    assert cases.pick_case(None, [by_controller], date(2025, 5, 1)) is None


# --- the store -------------------------------------------------------------------------------------


def test_a_controllers_open_cases_can_leave_out_those_its_own_messages_opened() -> None:
    """controller_cases(except_basis=…): a message starting a thread of its own is matched only against
    the cases the person's requests opened, so a first scan's many controller-opened cases are not loaded."""
    store = Store(":memory:")
    for n, basis in enumerate([cases.BASIS_SENT, cases.BASIS_CONTROLLER, cases.BASIS_CONTROLLER]):
        store.open_request_case(
            controller="examplebank.example",
            platform="none",
            types=["objection"],
            request_date=date(2025, 4, 17),
            due=cases.due_date(date(2025, 4, 17)),
            basis=basis,
            thread_key=f"<thread-{n}@example.org>",
        )
    assert len(store.controller_cases("examplebank.example")) == 3
    kept = store.controller_cases("examplebank.example", except_basis=cases.BASIS_CONTROLLER)
    assert [c.thread_key for c in kept] == ["<thread-0@example.org>"]


def test_store_request_case_and_timeline() -> None:
    """A request case keeps controller, types, date and text; its timeline has messages in and out."""
    store = Store(":memory:")
    case = store.open_request_case(
        controller="examplebank.example",
        platform="none",
        types=["access", "erasure"],
        request_date=date(2025, 4, 17),
        due=cases.due_date(date(2025, 4, 17)),
        basis=cases.BASIS_SENT,
        thread_key="<req-1@example.org>",
        subject="Request",
        text="Please erase my data.",
        message_id="<req-1@example.org>",
    )
    again = store.open_request_case(
        controller="examplebank.example",
        platform="none",
        types=["access"],
        request_date=date(2025, 4, 18),
        due=date(2025, 5, 18),
        basis=cases.BASIS_SENT,
        thread_key="<req-1@example.org>",
    )
    assert again.id == case.id
    assert again.request_types == "access,erasure"
    store.add_case_event(case.id, "<req-1@example.org>", direction="out", dated=date(2025, 4, 17), subject="Request")
    store.add_to_case(
        case.id, "<ans-1@examplebank.example>", "request_info", at=date(2025, 4, 20), closes=False, rule="which-account"
    )
    store.add_case_event(case.id, "<me-2@example.org>", direction="out", dated=date(2025, 4, 22))
    events = store.timeline(case.id)
    assert [(e["direction"], e["date"]) for e in events] == [
        ("out", "2025-04-17"),
        ("in", "2025-04-20"),
        ("out", "2025-04-22"),
    ]
    assert events[1]["category"] == "request_info"
    assert events[1]["rule"] == "which-account"
    assert [c.id for c in store.controller_cases("examplebank.example")] == [case.id]
    row = store.case(case.id)
    assert row is not None
    assert cases.case_types(row) == (T.ACCESS, T.ERASURE)


def test_migration_keeps_old_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cases from before 0003 get their platform as controller and are dated from the controller's message."""
    from mailbot import store as store_module

    path = tmp_path / "old.sqlite3"
    monkeypatch.setattr(store_module, "_MIGRATIONS", store_module._MIGRATIONS[:1])
    old = Store(path)
    old.open_case(
        platform="meta",
        thread_key="<t@meta.com>",
        subject="s",
        ticket="",
        opened=date(2025, 4, 20),
        due=date(2025, 5, 20),
    )
    old.close()
    monkeypatch.undo()
    new = Store(path)
    (case,) = new.cases()
    assert case.controller == "meta"
    assert case.due_basis == cases.BASIS_CONTROLLER
    assert cases.request_day(case) == date(2025, 4, 20)
    assert cases.case_info(case, date(2025, 5, 1)).request_date is None
    new.close()


# --- the commands ----------------------------------------------------------------------------------


def test_case_open_and_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`case open` starts the clock on the given date (once, however often run); `case ID` shows it."""
    import json

    from click.testing import CliRunner

    from mailbot.cli import cli

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("MAILBOT_CONFIG", raising=False)
    text = tmp_path / "request.txt"
    text.write_text("Please send me a copy of my data and then delete my account.\n")
    runner = CliRunner()
    args = ["case", "open", "--controller", "DPO@Privacy.ExampleShop.co.uk", "--type", "erasure"]
    args += ["--type", "access", "--date", "2024-01-31", "--text", str(text)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "examplesho" in first.output
    assert "due 2024-02-29" in first.output
    second = runner.invoke(cli, args)
    assert second.output == first.output
    shown = runner.invoke(cli, ["case", "1", "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["controller"] == "exampleshop.co.uk"
    assert data["types"] == ["access", "erasure"]
    assert data["articles"] == ["Art. 15", "Art. 17"]
    assert data["request"]["date"] == "2024-01-31"
    assert data["request"]["basis"] == cases.BASIS_MANUAL
    assert data["due"] == "2024-02-29"
    assert data["expired"] is True
    assert "one month from 2024-01-31" in data["due_basis"]
    text_out = runner.invoke(cli, ["case", "1"])
    assert "EXPIRED" in text_out.output
    assert "access (Art. 15), erasure (Art. 17)" in text_out.output
    listing = runner.invoke(cli, ["cases", "--json"])
    (row,) = [json.loads(line) for line in listing.output.splitlines()]
    assert row["controller"] == "exampleshop.co.uk"
    assert row["types"] == ["access", "erasure"]
    assert row["request_date"] == "2024-01-31"
    assert row["expired"] is True
    assert runner.invoke(cli, ["case", "7"]).exit_code == 1
    bad = runner.invoke(cli, ["case", "open", "--controller", "nodomain", "--type", "access", "--date", "2025-01-01"])
    assert bad.exit_code == 1
    assert "neither a built-in platform nor a domain" in bad.output


def test_controller_platform_authority_from_rules_config_or_home(ruleset: Ruleset) -> None:
    """A built-in platform as it is; a [controllers.<id>] entry with its authority; else the home authority."""
    from mailbot.config import ControllerSettings

    meta = cases.controller_platform("meta", ruleset, {})
    assert meta is not None
    assert meta.lead_authority == "ie-dpc"
    shop = ControllerSettings(id="shop.example", authority="fr-cnil", domains=("shop.example",), name="Shop SAS")
    configured = cases.controller_platform("shop.example", ruleset, {"shop.example": shop})
    assert configured is not None
    assert configured.name == "Shop SAS"
    assert configured.lead_authority == "fr-cnil"
    home = cases.controller_platform("bank.example", ruleset, {}, country="it", language="de")
    assert home is not None
    assert home.lead_authority == "it-garante"
    by_language = cases.controller_platform("bank.example", ruleset, {}, language="es")
    assert by_language is not None
    assert by_language.lead_authority == "es-aepd"
    assert cases.controller_platform("", ruleset, {}) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[rule]]\nid = "x"\ntype = "wish"\n[rule.patterns]\nen = ["a"]\n',
            "requests.toml [x]: 'type' must be one of",
        ),
        ('[[rule]]\nid = "x"\ntype = "access"\n[rule.patterns]\nen = ["("]\n', "requests.toml [x]: bad pattern"),
        ('[[rule]]\nid = "x"\ntype = "access"\n', "requests.toml [x]: a request rule needs patterns"),
        ('[[rule]]\nid = "x"\ntype = "access"\n[rule.patterns]\nxx = ["a"]\n', "requests.toml [x]: 'patterns.xx'"),
        (
            '[[rule]]\nid = "x"\ntype = "access"\n[rule.patterns]\nen = ["a"]\n[quote]\nen = ["on (.*) wrote"]\n',
            "requests.toml [quote]: pattern 'on (.*) wrote' has no group named 'head'",
        ),
    ],
)
def test_request_rules_errors_name_file_and_rule(tmp_path: Path, text: str, message: str) -> None:
    """A broken requests file is refused with the file and the rule at fault."""
    from mailbot.errors import RulesError
    from mailbot.rules import load_requests

    path = tmp_path / "requests.toml"
    path.write_text(text)
    with pytest.raises(RulesError, match=re.escape(message)):
        load_requests(path)
