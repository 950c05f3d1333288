"""The command line: contracts of classify and reply, help and README entries for every command."""

from __future__ import annotations

import email
import email.utils
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import MESSAGES, minimal_config

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


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"myhost\n", "not an e-mail"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not an e-mail"),
        (b"", "is empty"),
        (b"Just some notes: nothing else\n\nmore notes\n", "not an e-mail"),
    ],
)
def test_reply_to_a_file_that_is_not_an_email_is_one_line_exit_1(
    runner: CliRunner, tmp_path: Path, content: bytes, why: str
) -> None:
    """`mailbot reply` on a file that is not an e-mail (like /etc/hostname) says so in one line, exit 1."""
    path = tmp_path / "hostname"
    path.write_bytes(content)
    result = runner.invoke(cli, ["reply", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if "placeholder identity" not in line]
    assert lines == [f"mailbot: error: {path}: {why}" + lines[0].split(why, 1)[1]]
    assert "Traceback" not in result.output


def test_classify_refuses_non_email_files_and_classifies_the_others(runner: CliRunner, tmp_path: Path) -> None:
    """classify: a binary, an empty and a plain-text file each get an error line; the e-mail is classified; exit 1."""
    (tmp_path / "binary").write_bytes(bytes(range(256)))
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "text").write_bytes(b"hello\n")
    good = str(MESSAGES / "acceptance/meta-honour-en.eml")
    paths = [str(tmp_path / n) for n in ("binary", "empty", "text")]
    result = runner.invoke(cli, ["classify", "--json", *paths, good])
    assert result.exit_code == 1
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == [good]
    assert len(result.stderr.strip().splitlines()) == 3
    assert "Traceback" not in result.output


def test_an_mbox_style_message_is_still_an_email(runner: CliRunner, tmp_path: Path) -> None:
    """A message saved with an mbox 'From ' line first is read as the e-mail it is."""
    path = tmp_path / "saved.eml"
    path.write_bytes(
        b"From someone@example.org Mon Jan  1 00:00:00 2026\n"
        + (MESSAGES / "acceptance/meta-honour-en.eml").read_bytes()
    )
    result = runner.invoke(cli, ["classify", "--json", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["category"] == "acceptance"


def test_usage_errors_exit_1(runner: CliRunner) -> None:
    """A usage error (unknown option, missing argument, unknown command) exits 1, not click's 2."""
    for args in (["classify", "--no-such-option", "x"], ["reply"], ["no-such-command"], ["--no-such-flag"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, args


def test_unexpected_errors_are_one_line_without_debug(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug surfaces as one line and exit 1; --debug shows the traceback instead."""
    import mailbot.cli

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(mailbot.cli, "classify", broken)
    path = str(MESSAGES / "acceptance/meta-honour-en.eml")
    result = runner.invoke(cli, ["classify", path])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "mailbot: error: unexpected KeyError: 'boom' (run with --debug for the traceback, and report it)"
    ]
    debug = runner.invoke(cli, ["--debug", "classify", path])
    assert isinstance(debug.exception, KeyError)


def test_errors_from_every_command_module_are_the_same_one_line(runner: CliRunner, tmp_path: Path) -> None:
    """The case, complaint and teach commands live in their own modules; what they raise still ends as
    one `mailbot: error:` line and exit 1 (converted in one place, MailbotGroup), not click's 'Error:'."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[identity]\nname = 1\n")
    bad.chmod(0o600)
    for args in (
        ["case", "show", "7"],  # no state yet (a ClickException)
        ["case", "show", "7", "--config", str(bad)],  # a ConfigError (a MailbotError)
        ["complaint", "7"],  # no identity configured (a MailbotError)
        ["teach", str(tmp_path), "rejection"],  # a directory (a TeachError)
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert lines[0].startswith("mailbot: error: "), (args, lines)
        assert "Traceback" not in result.output


def fresh(path: Path) -> bytes:
    """A fixture dated now: a first scan files mail older than [scan] max_age_days without answering it."""
    now = email.utils.format_datetime(datetime.now(UTC)).encode()
    return re.sub(rb"(?m)^Date: [^\r\n]+", b"Date: " + now, path.read_bytes(), count=1)


def test_scan_completes_a_maildir_that_git_left_without_cur_and_tmp(runner: CliRunner, tmp_path: Path) -> None:
    """`scan --maildir` on a Maildir with only new/ (as a fresh clone has it) adds cur/ and tmp/ and drafts."""
    maildir = tmp_path / "Maildir"
    (maildir / "new").mkdir(parents=True)
    (maildir / "new" / "1.M1P1.test").write_bytes(fresh(MESSAGES / "rejection/meta-overriding-en.eml"))
    minimal_config(tmp_path / "config")
    result = runner.invoke(cli, ["scan", "--maildir", str(maildir)])
    assert result.exit_code == 0, result.output
    assert (maildir / "cur").is_dir()
    assert (maildir / "tmp").is_dir()
    assert len(list((maildir / ".Drafts" / "cur").iterdir())) == 1
    empty = tmp_path / "not-a-maildir"
    empty.mkdir()
    for path in (empty, tmp_path / "missing"):
        result = runner.invoke(cli, ["scan", "--maildir", str(path)])
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines()[-1].startswith(f"mailbot: error: {path}: ")


def test_scan_exits_2_and_lists_each_failed_message_with_its_reason(runner: CliRunner, tmp_path: Path) -> None:
    """When a message fails (here: its draft cannot be written), scan lists it with the reason on stderr
    and exits 2; the next scan, before the retry is due, has nothing new and exits 0."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.M1P1.test").write_bytes(fresh(MESSAGES / "rejection/meta-overriding-en.eml"))
    (maildir / ".Drafts").write_text("a file where the Drafts folder should be")
    minimal_config(tmp_path / "config")
    # A real process, so that what logging prints is seen too.
    result = subprocess.run(
        [sys.executable, "-m", "mailbot", "scan", "--maildir", str(maildir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ},
    )
    assert result.returncode == 2, result.stderr
    failed = [line for line in result.stderr.splitlines() if line.startswith("mailbot: failed:")]
    assert len(failed) == 1
    assert "NotADirectoryError" in failed[0]
    assert "attempt 1 of 5" in failed[0]
    assert "Traceback" not in result.stderr
    again = runner.invoke(cli, ["scan", "--maildir", str(maildir)])
    assert again.exit_code == 0, again.output
    assert "mailbot: 0 new," in again.stderr


def test_cases_proposes_the_complaint_after_a_refusal_or_an_expired_deadline(tmp_path: Path) -> None:
    """`mailbot cases` offers `mailbot complaint ID` for a refused case and an expired one, not for a running one."""
    from datetime import UTC, datetime, timedelta

    from mailbot.store import Store

    state = tmp_path / "state.sqlite3"
    today = datetime.now(UTC).date()
    store = Store(state)
    refused = store.open_case(platform="meta", thread_key="<a@x>", subject="a", ticket="", opened=today, due=today)
    store.add_to_case(refused.id, "<r@x>", "rejection", at=today, closes=False)
    expired = store.open_case(
        platform="meta",
        thread_key="<b@x>",
        subject="b",
        ticket="",
        opened=today - timedelta(days=60),
        due=today - timedelta(days=29),
    )
    running = store.open_case(
        platform="meta", thread_key="<c@x>", subject="c", ticket="", opened=today, due=today + timedelta(days=30)
    )
    store.close()
    config = tmp_path / "config.toml"
    config.write_text(f'[identity]\nname = "Ada"\nemail = "ada@example.org"\n[state]\npath = "{state}"\n')
    config.chmod(0o600)
    result = CliRunner().invoke(cli, ["cases", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in map(json.loads, result.stdout.splitlines()) if "id" in row}
    assert rows[refused.id]["complaint"] == f"mailbot complaint {refused.id}"
    assert rows[expired.id]["complaint"] == f"mailbot complaint {expired.id}"
    assert rows[running.id]["complaint"] is None
    text = CliRunner().invoke(cli, ["cases", "--config", str(config)]).stdout
    assert f"complaint ready: mailbot complaint {refused.id}" in text


def test_reply_prints_what_a_scan_would_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mailbot reply FILE` writes the very reply a scan drafts for it: the same case, the clock from the
    request the message quotes (not from the message's own date), the account configured for the controller."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    sample = Path(__file__).resolve().parent.parent / "samples" / "Maildir" / "new" / "1745000000.M1P1.sample"
    config = tmp_path / "config.toml"
    config.write_text(
        '[identity]\nname = "Ada Lovelace-Smith"\nemail = "ada@example.org"\nlanguage = "en"\n'
        '[identity.accounts]\nwhatsapp = "+39 000 0000000"\n[scan]\nmax_age_days = 0\n'
        f'[state]\npath = "{tmp_path / "state.sqlite3"}"\n'
    )
    config.chmod(0o600)
    runner = CliRunner()
    printed = runner.invoke(cli, ["reply", "--config", str(config), str(sample)])
    assert printed.exit_code == 0, printed.output
    assert not (tmp_path / "state.sqlite3").exists()  # a preview writes no state
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    shutil.copy(sample, maildir / "new" / sample.name)
    scanned = runner.invoke(cli, ["scan", "--config", str(config), "--maildir", str(maildir)])
    assert scanned.exit_code == 0, scanned.output
    (draft,) = (maildir / ".Drafts" / "cur").iterdir()
    drafted = email.message_from_bytes(draft.read_bytes())
    shown = email.message_from_string(printed.stdout)
    assert shown.get_payload(decode=True) == drafted.get_payload(decode=True)
    assert shown["Message-ID"] == drafted["Message-ID"]
    body = " ".join(shown.get_payload(decode=True).decode().split())
    assert "17 May 2025" in body  # one month from the quoted request of 17 April, not from 18 April
    assert "+39 000 0000000" in body


def test_a_dry_run_creates_no_state_and_no_folder(runner: CliRunner, tmp_path: Path) -> None:
    """`scan --mode dry-run` on a fresh setup says what it would do and leaves no state file and no .Drafts."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.M1P1.test").write_bytes(fresh(MESSAGES / "rejection/meta-overriding-en.eml"))
    result = runner.invoke(cli, ["scan", "--maildir", str(maildir), "--mode", "dry-run"])
    assert result.exit_code == 0, result.output
    assert "rejection" in result.stdout
    assert not (tmp_path / "state").exists()
    assert sorted(p.name for p in maildir.iterdir()) == ["cur", "new", "tmp"]


def test_scan_without_a_configuration_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    """Drafts are written in the person's name: with no configuration a scan is a one-line error (a dry run
    still shows what would be done)."""
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.M1P1.test").write_bytes(fresh(MESSAGES / "rejection/meta-overriding-en.eml"))
    result = runner.invoke(cli, ["scan", "--maildir", str(maildir)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("mailbot: error: ")
    assert "mailbot init" in result.stderr
    assert sorted(p.name for p in maildir.iterdir()) == ["cur", "new", "tmp"]
