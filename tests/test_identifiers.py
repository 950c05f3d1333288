"""An identifier mailbot does not know becomes a marked placeholder: never the identity e-mail, never sent by itself."""

from __future__ import annotations

import email
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import config_file
from test_cases_scan import ADA, Scenario, ago, mail, maildir_with

from mailbot.checks import SAMPLE_IDENTITY
from mailbot.classify import classify
from mailbot.cli import cli
from mailbot.compose import asked_identifiers, compose, identifier_placeholder
from mailbot.decide import Policy, decide, to_fill_in
from mailbot.errors import RulesError
from mailbot.models import Action, ActionKind, CaseInfo
from mailbot.parse import parse
from mailbot.rules import Ruleset, load_identifiers

NOW = datetime(2025, 4, 20, 12, 0, tzinfo=UTC)
PHONE_EN = "[FILL IN: the phone number linked to your account]"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Please send us the phone number linked to your account.", {"phone"}),
        ("Puoi mandarci il nome utente o il numero di telefono associato?", {"username", "phone"}),
        ("Bitte nennen Sie uns die Telefonnummer Ihres Kontos.", {"phone"}),
        ("Indiquez votre nom d'utilisateur ou le numéro de téléphone associé.", {"username", "phone"}),
        ("Indíquenos el número de teléfono de su cuenta.", {"phone"}),
        ("Please tell us the e-mail address or phone number linked to your account.", {"email", "phone"}),
        ("Bitte teilen Sie uns die E-Mail-Adresse Ihres Kontos mit.", {"email"}),
        ("Which account does your request concern?", set()),
        ("Estimado usuario, gracias por su mensaje.", set()),
    ],
)
def test_asked_identifier_kinds(text: str, kinds: set[str], ruleset: Ruleset) -> None:
    assert ruleset.identifiers is not None
    assert asked_identifiers(text, ruleset.identifiers) == kinds


def test_placeholder_only_when_no_email_is_asked(ruleset: Ruleset) -> None:
    rules = ruleset.identifiers
    assert identifier_placeholder("What is the phone number linked to your account?", rules, "en") == PHONE_EN
    assert identifier_placeholder("the e-mail address or phone number of the account", rules, "en") == ""
    assert identifier_placeholder("Which account is it?", rules, "en") == ""
    assert identifier_placeholder("il nome utente o il numero di telefono", rules, "it") == (
        "[DA COMPLETARE: il numero di telefono associato al tuo account / il nome utente del tuo account]"
    )


def test_draft_carries_the_placeholder_not_the_identity_email(ruleset: Ruleset) -> None:
    raw = (
        b"From: WhatsApp <privacy@support.whatsapp.com>\r\nTo: ada@example.org\r\nSubject: Re: Objection\r\n"
        b"Date: Fri, 18 Apr 2025 09:00:00 +0000\r\nMessage-ID: <ask@support.whatsapp.com>\r\n"
        b"In-Reply-To: <objection@example.org>\r\n\r\n"
        b"Hello,\r\n\r\nTo review your objection we need more information. Please reply with the phone number "
        b"linked to your WhatsApp account.\r\n\r\nThanks,\r\nWhatsApp Privacy Operations\r\n"
    )
    message = parse(raw)
    verdict = classify(message, ruleset, known_thread=True)
    assert verdict.category == "request_info", verdict
    action = decide(message, verdict, ruleset, Policy(mode="send"))
    assert action.kind is ActionKind.REPLY
    fill = identifier_placeholder(message.new_text, ruleset.identifiers, action.language)
    assert fill == PHONE_EN
    platform = ruleset.platform(verdict.platform)
    reply = compose(action, message, verdict, SAMPLE_IDENTITY, platform, now=NOW, case=CaseInfo(account=fill))
    body = " ".join(email.message_from_bytes(reply.raw).get_payload(decode=True).decode().split())
    assert PHONE_EN in body
    assert f"The account concerned: {SAMPLE_IDENTITY.email}" not in body


def test_a_draft_to_fill_in_is_never_sent() -> None:
    action = Action(ActionKind.REPLY, "asks for information", "request_info.en", "en", "a@example.org", send=True)
    held = to_fill_in(action, PHONE_EN)
    assert held.send is False
    assert held.reason == f"asks for information; drafted, not sent: fill in {PHONE_EN}"
    assert (held.kind, held.template, held.to) == (action.kind, action.template, action.to)


def test_identifiers_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "identifiers.toml"
    what = 'what = { en = "x", it = "x", de = "x", fr = "x", es = "x" }\n'
    fill = 'fill_in = { en = "F", it = "F", de = "F", fr = "F", es = "F" }\n'
    bad.write_text(fill + f'[[kind]]\nid = "phone"\n{what}patterns = {{ en = ["phone"] }}\n')
    with pytest.raises(RulesError, match="'email'"):
        load_identifiers(bad)
    bad.write_text(fill + f'[[kind]]\nid = "email"\n{what}patterns = {{ en = ["(unclosed"] }}\n')
    with pytest.raises(RulesError, match=r"\[email\]: bad pattern"):
        load_identifiers(bad)
    bad.write_text(fill + '[[kind]]\nid = "email"\nwhat = { en = "x" }\npatterns = { en = ["mail"] }\n')
    with pytest.raises(RulesError, match="needs exactly the languages"):
        load_identifiers(bad)


def _bank(root: Path) -> Path:
    request = mail(
        ADA,
        "privacy@examplebank.example",
        "Access request",
        "Hello,\nI exercise my right of access under Art. 15 GDPR: please send me a copy of my personal data.\nAda",
        ago(10),
        "<req-access@example.org>",
    )
    ask = mail(
        "Data Protection <privacy@examplebank.example>",
        ADA,
        "Re: Access request",
        "Hello,\n\nThank you for your request. To locate your data, please tell us the phone number linked to "
        "your account.\n\nKind regards,\nExample Bank Data Protection Team",
        ago(5),
        "<in-bank@examplebank.example>",
        reply_to="<req-access@example.org>",
    )
    return maildir_with(root, Scenario([request], [ask]))


@pytest.mark.parametrize("account", ["", "+39 000 0000000"])
def test_scan_says_what_to_fill_in(account: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without [identity.accounts] for the bank the draft has the placeholder and the scan row says what to
    fill in; with it, the configured number is given."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    maildir = _bank(tmp_path)
    accounts = f'[identity.accounts]\n"examplebank.example" = "{account}"\n' if account else ""
    config = config_file(tmp_path, accounts)
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--maildir", str(maildir), "--json"])
    assert result.exit_code == 0, result.output
    (row,) = [r for r in map(json.loads, result.stdout.splitlines()) if r["action"] == "reply"]
    (path,) = (maildir / ".Drafts" / "cur").iterdir()
    body = " ".join(email.message_from_bytes(path.read_bytes()).get_payload(decode=True).decode().split())
    if account:
        assert f"The account concerned: {account}." in body
        assert "FILL IN" not in body + row["detail"]
    else:
        assert f"The account concerned: {PHONE_EN}." in body
        assert "The account concerned: ada@example.org" not in body
        assert f"not sent: fill in {PHONE_EN}" in row["detail"]
