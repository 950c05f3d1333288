"""The command line: contracts of classify and reply, help and README entries for every command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import MESSAGES

from mailbot.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
COMMANDS = sorted(cli.commands)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner with no configuration or state from the developer's own machine."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("MAILBOT_CONFIG", raising=False)
    return CliRunner()


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str, runner: CliRunner) -> None:
    """Every command has help text and answers --help."""
    command = cli.commands[name]
    assert isinstance(command, click.Command)
    assert command.help, f"{name} is missing its help"
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    """Every command has a README entry."""
    assert re.search(rf"mailbot {re.escape(name)}\b", README.read_text()), name


def test_classify_json_contract(runner: CliRunner) -> None:
    """--json prints one JSON object per file with the contract's keys."""
    files = [
        str(MESSAGES / "request_info/whatsapp-template-en.eml"),
        str(MESSAGES / "unrelated/friend-did-you-object-en.eml"),
    ]
    result = runner.invoke(cli, ["classify", "--json", *files])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == files
    for line in lines:
        assert {"file", "category", "platform", "language", "confidence", "rule", "evidence"} <= set(line)
        assert 0 <= line["confidence"] <= 1
        assert isinstance(line["evidence"], list)
    assert lines[0]["category"] == "request_info"
    assert lines[0]["platform"] == "whatsapp"
    assert lines[1]["category"] == "unrelated"


def test_classify_unreadable_file_exit_1_others_still_classified(runner: CliRunner, tmp_path: Path) -> None:
    """An unreadable file gets an error line and exit 1; the other files are still classified."""
    good = str(MESSAGES / "acceptance/meta-honour-en.eml")
    result = runner.invoke(cli, ["classify", "--json", str(tmp_path / "missing.eml"), str(tmp_path), good])
    assert result.exit_code == 1
    assert json.loads(result.stdout.strip())["category"] == "acceptance"
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert "missing.eml: cannot read" in errors[0]
    assert "is a directory" in errors[1]
    assert "Traceback" not in result.output


def test_classify_explain_lists_every_rule(runner: CliRunner) -> None:
    """--explain shows every rule considered, with its score."""
    from mailbot.rules import bundled_rules

    result = runner.invoke(cli, ["classify", "--explain", str(MESSAGES / "rejection/meta-overriding-en.eml")])
    assert result.exit_code == 0
    for rule in bundled_rules().rules:
        assert rule.id in result.stdout


def test_reply_prints_the_same_message_id_twice(runner: CliRunner) -> None:
    """`mailbot reply` on the same file twice prints the same Message-ID."""
    path = str(MESSAGES / "clarification/whatsapp-screenshots-it.eml")
    first = runner.invoke(cli, ["reply", path])
    second = runner.invoke(cli, ["reply", path])
    assert first.exit_code == second.exit_code == 0
    ids = [re.search(r"^Message-ID: (.+)$", r.stdout, re.M) for r in (first, second)]
    assert ids[0]
    assert ids[1]
    assert ids[0].group(1) == ids[1].group(1)
    assert "placeholder identity" in first.stderr


def test_reply_no_reply_category_prints_nothing(runner: CliRunner) -> None:
    """For a category that gets no reply, stdout is empty, the reason is on stderr, exit 0."""
    result = runner.invoke(cli, ["reply", str(MESSAGES / "acknowledgement/meta-received-en.eml")])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "acknowledgement" in result.stderr


def test_reply_lang_override(runner: CliRunner) -> None:
    """--lang writes the reply in the requested language."""
    result = runner.invoke(cli, ["reply", "--lang", "de", str(MESSAGES / "rejection/meta-overriding-en.eml")])
    assert result.exit_code == 0
    assert "Art 21 Abs. 1 DSGVO".replace("Art ", "Art. ") in result.stdout.replace("=\n", "")


def test_reply_uses_configured_identity(runner: CliRunner, tmp_path: Path) -> None:
    """With a config, the reply is written from the configured identity."""
    config = tmp_path / "c.toml"
    config.write_text('[identity]\nname = "Grace Example"\nemail = "grace@example.org"\nlanguage = "it"\n')
    config.chmod(0o600)
    result = runner.invoke(
        cli, ["reply", "--config", str(config), str(MESSAGES / "identity_check/meta-photo-id-en.eml")]
    )
    assert result.exit_code == 0, result.output
    assert "From: Grace Example <grace@example.org>" in result.stdout
    assert "placeholder" not in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[identity]\nname = 'A'\n", "[identity] email is required"),
        ("[identity]\nname = 'A'\nemail = 'a@example.org'\nlanguage = 'xx'\n", "[identity] language must be one of"),
        ("not toml = = =", "not valid TOML"),
        (
            "[identity]\nname='A'\nemail='a@example.org'\n[imap]\nhost='imap.example.org'\nsecurity='none'\n"
            "username='a'\npassword_env='X'\n",
            'security = "none" is refused for imap.example.org',
        ),
        (
            "[identity]\nname='A'\nemail='a@example.org'\n[imap]\nhost='imap.example.org'\nport='x'\n"
            "username='a'\npassword_env='X'\n",
            "[imap] port must be an integer",
        ),
        (
            "[identity]\nname='A'\nemail='a@example.org'\n[reply]\nmode='send'\n",
            '[reply] mode = "send" needs an [smtp]',
        ),
    ],
)
def test_bad_config_is_one_clear_line(runner: CliRunner, tmp_path: Path, text: str, message: str) -> None:
    """Every bad configuration gives one line naming the problem, never a traceback."""
    config = tmp_path / "bad.toml"
    config.write_text(text)
    result = runner.invoke(cli, ["reply", "--config", str(config), str(MESSAGES / "acceptance/meta-honour-en.eml")])
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_config_readable_by_others_warns(runner: CliRunner, tmp_path: Path) -> None:
    """A configuration file readable by other users is warned about."""
    config = tmp_path / "c.toml"
    config.write_text('[identity]\nname = "A"\nemail = "a@example.org"\n')
    config.chmod(0o644)
    result = runner.invoke(cli, ["reply", "--config", str(config), str(MESSAGES / "acceptance/meta-honour-en.eml")])
    assert "readable by other users" in result.stderr


def test_init_writes_private_starter_config(runner: CliRunner, tmp_path: Path) -> None:
    """`mailbot init` writes a commented config with mode 0600 that loads once filled in."""
    path = tmp_path / "conf" / "config.toml"
    result = runner.invoke(cli, ["init", "--config", str(path)])
    assert result.exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o600
    assert "password_env" in path.read_text()
    again = runner.invoke(cli, ["init", "--config", str(path)])
    assert again.exit_code == 1
    assert "exists" in again.stderr
