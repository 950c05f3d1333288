"""Cases begin with the person's sent requests: Dovecot and Maildir, several types, languages and controllers."""

from __future__ import annotations

import email
import email.utils
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file, imap_client, write_config
from servers import Dovecot

from mailbot.cases import due_date
from mailbot.cli import cli
from mailbot.compose import format_date

ADA = "Ada Lovelace-Smith <ada@example.org>"
TODAY = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)


def ago(days: int, hours: int = 0) -> datetime:
    return TODAY - timedelta(days=days, hours=hours)


def mail(
    sender: str,
    to: str,
    subject: str,
    body: str,
    when: datetime,
    msgid: str,
    *,
    reply_to: str = "",
    refs: tuple[str, ...] = (),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(when)
    msg["Message-ID"] = msgid
    if reply_to:
        msg["In-Reply-To"] = reply_to
        msg["References"] = " ".join((*refs, reply_to))
    msg.set_content(body)
    return msg.as_bytes()


@dataclass
class Scenario:
    """The person's sent requests and the controllers' answers, threaded under them."""

    sent: list[bytes]
    inbox: list[bytes]


def scenario() -> Scenario:
    sent = [
        # Art. 15 in Italian to a bank (any controller), ten days ago.
        mail(
            ADA,
            "Privacy <privacy@examplebank.example>",
            "Richiesta di accesso",
            "Buongiorno,\nesercito il diritto di accesso ai sensi dell'art. 15 GDPR: vi chiedo una copia dei miei "
            "dati personali.\nAda",
            ago(10),
            "<req-access@example.org>",
        ),
        # Art. 17 in German to a shop, twenty days ago; answered by the person three days ago.
        mail(
            ADA,
            "datenschutz@shop.example",
            "Löschung meiner Daten",
            "Guten Tag,\nbitte löschen Sie alle meine personenbezogenen Daten.\nAda",
            ago(20),
            "<req-erasure@example.org>",
        ),
        mail(
            ADA,
            "datenschutz@shop.example",
            "Re: Löschung meiner Daten",
            "Das Konto ist ada@example.org.\nAda",
            ago(3),
            "<me-shop@example.org>",
            reply_to="<in-shop@shop.example>",
            refs=("<req-erasure@example.org>",),
        ),
        # Art. 21(1) and 18 in English to another shop, 45 days ago: the deadline has expired.
        mail(
            ADA,
            "privacy@negozio.example",
            "Objection",
            "I object to the processing of my personal data for profiling.\nPlease restrict the processing of my "
            "data while you assess this objection.\nAda",
            ago(45),
            "<req-objection@example.org>",
        ),
        # Art. 21(2) in French to a platform, more than a year ago.
        mail(
            ADA,
            "privacy@fb.com",
            "Opposition",
            "Je m'oppose au traitement de mes données à des fins de prospection commerciale.",
            ago(400),
            "<req-old@example.org>",
        ),
        # Art. 15 in Spanish to a gym, 40 days ago, never answered: overdue, reminded under the request.
        mail(
            ADA,
            "dpo@gym.example",
            "Solicitud de acceso",
            "Hola,\nejerzo mi derecho de acceso y solicito una copia de mis datos.\nGracias,\nAda",
            ago(40),
            "<req-gym@example.org>",
        ),
        # Art. 20 in English, two years ago, never answered: old history, no reminder.
        mail(
            ADA,
            "dpo@oldgym.example",
            "Portability",
            "Please send my data in a machine-readable format.",
            ago(730),
            "<req-oldgym@example.org>",
        ),
        # Not a request: mail to a friend.
        mail(ADA, "friend@gmail.com", "Dinner", "See you on Friday!", ago(2), "<friend@example.org>"),
    ]
    inbox = [
        mail(
            "Data Protection <privacy@examplebank.example>",
            ADA,
            "Re: Richiesta di accesso",
            "Hello,\n\nThank you for your request. To locate your data, please tell us which account your request "
            "concerns: the e-mail address or phone number linked to your account.\n\nKind regards,\n"
            "Example Bank Data Protection Team",
            ago(5),
            "<in-bank@examplebank.example>",
            reply_to="<req-access@example.org>",
        ),
        mail(
            "Datenschutz <datenschutz@shop.example>",
            ADA,
            "Re: Löschung meiner Daten",
            "Guten Tag,\n\nvielen Dank für Ihre Anfrage. Bitte teilen Sie uns mit, welches Kundenkonto betroffen ist "
            "und welche E-Mail-Adresse mit dem Konto verknüpft ist.\n\nMit freundlichen Grüßen\nIhr Datenschutzteam",
            ago(5),
            "<in-shop@shop.example>",
            reply_to="<req-erasure@example.org>",
        ),
        mail(
            "Ufficio Privacy <privacy@negozio.example>",
            ADA,
            "Re: Objection",
            "Gentile cliente,\n\nper procedere con la sua richiesta abbiamo bisogno di una copia del suo documento "
            "d'identità.\n\nCordiali saluti,\nUfficio Privacy",
            ago(40),
            "<in-negozio@negozio.example>",
            reply_to="<req-objection@example.org>",
        ),
        mail(
            "Facebook <noreply@facebookmail.com>",
            ADA,
            "Re: Opposition",
            "Hi,\n\nCould you please explain the issue in more detail? Screenshots would help us understand your "
            "request.\n\nThanks,\nPrivacy Team",
            ago(390),
            "<in-old@facebookmail.com>",
            reply_to="<req-old@example.org>",
        ),
    ]
    return Scenario(sent, inbox)


def maildir_with(root: Path, data: Scenario) -> Path:
    maildir = root / "Maildir"
    for folder in (maildir, maildir / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    for i, raw in enumerate(data.sent):
        (maildir / ".Sent" / "cur" / f"1700000{i}.M{i}P1.test:2,S").write_bytes(raw)
    for i, raw in enumerate(data.inbox):
        (maildir / "new" / f"1710000{i}.M{i}P1.test").write_bytes(raw)
    return maildir


def check(
    runner: CliRunner, config: Path, scan_args: list[str], drafts: list[bytes], account: str = "ada@example.org"
) -> None:
    """What both mailbox kinds must show after the scan."""
    by_subject = {email.message_from_bytes(d)["In-Reply-To"]: email.message_from_bytes(d) for d in drafts}
    # Answered and old messages got no draft; the other two did.
    assert sorted(by_subject) == [
        "<in-bank@examplebank.example>",
        "<in-negozio@negozio.example>",
        "<req-gym@example.org>",
    ]
    reminder = by_subject["<req-gym@example.org>"]
    assert reminder["To"] == "dpo@gym.example"
    assert reminder["Subject"] == "Re: Solicitud de acceso"
    text = reminder.get_payload(decode=True).decode()
    # In the request's language, with its real date and the expired deadline.
    assert format_date(ago(40).date(), "es") in text
    assert "artículo 15" in text
    assert format_date(due_date(ago(40).date()), "es") in text
    bank = by_subject["<in-bank@examplebank.example>"].get_payload(decode=True).decode()
    # The due date counts from the request (ten days ago), not from the bank's answer (five days ago).
    assert format_date(due_date(ago(10).date()), "en") in bank
    assert format_date(due_date(ago(5).date()), "en") not in bank
    # An access thread is answered under Art. 15, and the account the bank asked for is given.
    assert "Art. 15" in bank
    assert "Art. 21" not in bank
    assert f"The account concerned: {account}" in bank

    listing = runner.invoke(cli, ["cases", "--config", str(config), "--json"])
    assert listing.exit_code == 0, listing.output
    rows = {row["controller"]: row for row in map(json.loads, listing.stdout.splitlines())}
    assert set(rows) == {
        "examplebank.example",
        "shop.example",
        "negozio.example",
        "meta",
        "gym.example",
        "oldgym.example",
    }
    assert rows["oldgym.example"]["overdue"] is True
    assert rows["oldgym.example"]["replies"] == []
    assert rows["gym.example"]["types"] == ["access"]
    assert rows["examplebank.example"]["types"] == ["access"]
    assert rows["shop.example"]["types"] == ["erasure"]
    assert rows["negozio.example"]["types"] == ["objection", "restriction"]
    assert rows["meta"]["types"] == ["marketing_objection"]
    for controller, days in [("examplebank.example", 10), ("shop.example", 20), ("negozio.example", 45)]:
        assert rows[controller]["request_date"] == ago(days).date().isoformat()
        assert rows[controller]["due"] == due_date(ago(days).date()).isoformat()
    assert rows["negozio.example"]["expired"] is True
    assert rows["examplebank.example"]["expired"] is False

    shop = runner.invoke(cli, ["case", str(rows["shop.example"]["id"]), "--json", "--config", str(config)])
    events = json.loads(shop.stdout)["events"]
    assert [(e["direction"], e["message_id"]) for e in events] == [
        ("out", "<req-erasure@example.org>"),
        ("in", "<in-shop@shop.example>"),
        ("out", "<me-shop@example.org>"),
    ]
    assert events[1]["category"] == "request_info"
    assert events[1]["rule"]
    assert "already answered" in events[1]["reason"]
    assert rows["shop.example"]["not_answered"] == [
        {"message_id": "<in-shop@shop.example>", "reason": events[1]["reason"]}
    ]
    assert "older than 60 days" in rows["meta"]["not_answered"][0]["reason"]
    assert rows["examplebank.example"]["not_answered"] == []
    old = runner.invoke(cli, ["case", str(rows["meta"]["id"]), "--json", "--config", str(config)])
    assert [e["message_id"] for e in json.loads(old.stdout)["events"]][-1] == "<in-old@facebookmail.com>"


def test_maildir_cases_from_sent_requests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Maildir with .Sent: cases from the requests, replies dated from them, answered and old mail not drafted."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    maildir = maildir_with(tmp_path, scenario())
    config = config_file(tmp_path, '[identity.accounts]\n"examplebank.example" = "ada.bank@example.org"\n')
    runner = CliRunner()
    args = ["scan", "--config", str(config), "--maildir", str(maildir)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "you already answered it" in first.stdout
    assert "older than 60 days on the first scan" in first.stdout
    drafts = [p.read_bytes() for p in sorted((maildir / ".Drafts" / "cur").iterdir())]
    check(runner, config, args, drafts, account="ada.bank@example.org")
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert len(list((maildir / ".Drafts" / "cur").iterdir())) == 3


def test_dovecot_cases_from_sent_requests(dovecot: Dovecot, env: Path) -> None:
    """The IMAP Sent folder (SPECIAL-USE) is read the same way."""
    data = scenario()
    client = imap_client(dovecot)
    for raw in data.sent:
        client.append("Sent", raw, flags=[b"\\Seen"])
    for raw in data.inbox:
        client.append("INBOX", raw, flags=[])
    client.logout()
    config = write_config(env / "config.toml", dovecot)
    runner = CliRunner()
    first = runner.invoke(cli, ["scan", "--config", str(config)])
    assert first.exit_code == 0, first.output
    client = imap_client(dovecot)
    client.select_folder("Drafts", readonly=True)
    fetched = client.fetch(client.search(["ALL"]), ["BODY.PEEK[]"])
    drafts = [bytes(v[b"BODY[]"]) for v in fetched.values()]
    client.logout()
    check(runner, config, ["scan", "--config", str(config)], drafts)
    # A later request in Sent opens its case on the next scan; nothing already handled is drafted again.
    client = imap_client(dovecot)
    client.append(
        "Sent",
        mail(
            ADA,
            "dpo@insurer.example",
            "Datenportabilität",
            "Ich bitte um meine Daten, maschinenlesbar.",
            ago(1),
            "<req-new@example.org>",
        ),
        flags=[b"\\Seen"],
    )
    client.logout()
    second = runner.invoke(cli, ["scan", "--config", str(config)])
    assert second.exit_code == 0, second.output
    rows = [
        json.loads(line)
        for line in runner.invoke(cli, ["cases", "--config", str(config), "--json"]).stdout.splitlines()
    ]
    assert {r["controller"]: r["types"] for r in rows}["insurer.example"] == ["portability"]
    assert sum(1 for r in rows for w in r["replies"]) == 3


def test_quoted_request_dates_a_case_without_sent_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No request in Sent: the platform's message that quotes it dates the case from the quote."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    requested = ago(12).date()
    quoted = (
        "Hi,\n\nCould you please explain the issue in more detail? Screenshots would help us understand your "
        f"request.\n\nThanks,\nPrivacy Team\n\nOn {requested.day} {requested.strftime('%b')} {requested.year}, "
        "Ada Lovelace-Smith <ada@example.org> wrote:\n> I object to the processing of my data.\n"
    )
    data = Scenario(
        [],
        [
            mail(
                "Facebook <noreply@facebookmail.com>",
                ADA,
                "Re: Objection",
                quoted,
                ago(4),
                "<q@facebookmail.com>",
                reply_to="<unknown-request@example.org>",
            )
        ],
    )
    maildir = maildir_with(tmp_path, data)
    config = config_file(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", "--config", str(config), "--maildir", str(maildir)]).exit_code == 0
    (row,) = [
        json.loads(x) for x in runner.invoke(cli, ["cases", "--config", str(config), "--json"]).stdout.splitlines()
    ]
    assert row["request_date"] == requested.isoformat()
    assert row["due"] == due_date(requested).isoformat()
    (draft,) = sorted((maildir / ".Drafts" / "cur").iterdir())
    body = email.message_from_bytes(draft.read_bytes()).get_payload(decode=True).decode()
    assert format_date(due_date(requested), "en") in body
    assert isinstance(requested, date)


def test_web_form_case_takes_the_controllers_new_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`case open` for a web-form request; the controller's first mail (no thread) joins that case and is
    answered with the due date counted from the form's date."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    config = config_file(tmp_path)
    runner = CliRunner()
    form_day = ago(8).date()
    args = ["case", "open", "--config", str(config), "--controller", "airline.example", "--type", "access"]
    opened = runner.invoke(cli, [*args, "--date", form_day.isoformat()])
    assert opened.exit_code == 0, opened.output
    answer = mail(
        "Customer Privacy <privacy@mail.airline.example>",
        ADA,
        "Your data request 4711",
        "Hello,\n\nThank you for your request. To locate your data, please tell us which account your request "
        "concerns: the e-mail address or phone number linked to your account.\n\nKind regards,\nPrivacy",
        ago(2),
        "<first@mail.airline.example>",
    )
    offer = mail(
        "Airline News <news@airline.example>",
        ADA,
        "Summer offers",
        "Fly to the sea this summer! Tell us which destinations you like and update your details in your account.",
        ago(1),
        "<offer@airline.example>",
    )
    maildir = maildir_with(tmp_path, Scenario([], [answer, offer]))
    scanned = runner.invoke(cli, ["scan", "--config", str(config), "--maildir", str(maildir)])
    assert scanned.exit_code == 0, scanned.output
    (row,) = [
        json.loads(x) for x in runner.invoke(cli, ["cases", "--config", str(config), "--json"]).stdout.splitlines()
    ]
    assert row["controller"] == "airline.example"
    assert row["last_category"] == "request_info"
    # The same organisation's newsletter is judged as a stranger's mail (not held as a case message).
    assert "news@airline.example\tSummer offers\tunrelated\tignore" in scanned.stdout
    # One draft: the privacy team's; the same organisation's newsletter is not answered.
    (draft,) = sorted((maildir / ".Drafts" / "cur").iterdir())
    assert email.message_from_bytes(draft.read_bytes())["In-Reply-To"] == "<first@mail.airline.example>"
    body = email.message_from_bytes(draft.read_bytes()).get_payload(decode=True).decode()
    assert format_date(due_date(form_day), "en") in body


def test_a_date_in_the_future_does_not_move_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform message dated 2099 is received today as far as the case and the reply are concerned: the
    deadline is not pushed decades out, and the reply names no date in 2099."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    raw = mail(
        "Facebook <privacy@facebook.com>",
        ADA,
        "Your objection",
        "Hi,\n\nCould you please explain the issue in more detail? Screenshots would help us.\n\nPrivacy Team",
        datetime(2099, 11, 20, 9, 0, tzinfo=UTC),
        "<future@facebook.com>",
    )
    auth = b"Authentication-Results: mx.example.org; dmarc=pass header.from=facebook.com\n"
    (maildir / "new" / "1.M1P1.test").write_bytes(auth + raw)
    config = config_file(tmp_path)
    runner = CliRunner()
    scanned = runner.invoke(cli, ["scan", "--config", str(config), "--maildir", str(maildir)])
    assert scanned.exit_code == 0, scanned.output
    listed = runner.invoke(cli, ["cases", "--config", str(config), "--json"])
    assert listed.exit_code == 0, listed.output
    assert "2099" not in listed.stdout
    assert '"due": "' in listed.stdout
    (draft,) = (maildir / ".Drafts" / "cur").iterdir()
    body = email.message_from_bytes(draft.read_bytes()).get_payload(decode=True).decode()
    # Only the quote's attribution repeats the Date the message claims ("On 20 November 2099, … wrote:").
    assert all(line.endswith("wrote:") for line in body.splitlines() if "2099" in line), body
