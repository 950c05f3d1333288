"""Safety against a real Dovecot and aiosmtpd: mail loops, secrets, TLS, file modes."""

from __future__ import annotations

import email
import email.utils
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner
from conftest import RecordingHandler, imap_client, write_config
from servers import Dovecot, make_dovecot
from test_scan_imap import SEED, folder_messages, seed, seeded_raw

from mailbot.cli import cli

pytestmark = pytest.mark.integration


def scan(config: Path, *args: str) -> tuple[int, str, str]:
    """`mailbot [args] scan --config config` in-process."""
    result = CliRunner().invoke(cli, [*args, "scan", "--config", str(config)])
    return result.exit_code, result.stdout, result.stderr


def append(server: Dovecot, raw: bytes) -> None:
    client = imap_client(server)
    client.append("INBOX", raw)
    client.logout()


# --- loops ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("marker", "expected"), [("Auto-Submitted: auto-replied\r\n", 1), ("", 2)])
def test_autoresponder_loop_is_capped_by_the_loop_guard(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int], marker: str, expected: int
) -> None:
    """A platform autoresponder that answers every reply: when it says it is automatic (RFC 3834) it
    gets no automatic answer at all (only the first, human-looking message was sent to); when it
    does not, the loop guard stops at 2 sends per case per day, however many rounds it plays."""
    handler, port = smtpd
    seed(dovecot, {"loop": SEED["rejection"]})
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
    answered = 0
    for round_ in range(6):
        code, _, err = scan(config)
        assert code == 0, err
        for raw in handler.received[answered:]:
            ours = email.message_from_bytes(raw)
            auto = seeded_raw("loop", SEED["rejection"], n=round_ + 1)
            auto = auto.replace(
                b"Subject:",
                f"{marker}In-Reply-To: {ours['Message-ID']}\r\n"
                f"References: <objection-loop-0@example.org> {ours['Message-ID']}\r\nSubject:".encode(),
                1,
            )
            auto = auto.replace(b"<objection-loop-1@example.org>", b"<objection-loop-0@example.org>")
            append(dovecot, auto)
        answered = len(handler.received)
    assert len(handler.received) == expected


def test_bounce_storm_gets_no_reply(dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]) -> None:
    """Thirty bounces carrying platform templates (MAILER-DAEMON, null Return-Path, multipart/report)
    get no reply, not even in send mode."""
    handler, port = smtpd
    template = (
        b"In order for us to review your objection, please reply to this email with the following information: "
        b"What information processing you are objecting to."
    )
    for i in range(30):
        kind = i % 3
        head = [
            b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>",
            b"Return-Path: <>\r\nFrom: WhatsApp <noreply@support.whatsapp.com>",
            b"From: postmaster@facebookmail.com\r\n"
            b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        ][kind]
        body = b"--b\r\nContent-Type: text/plain\r\n\r\n" + template + b"\r\n--b--\r\n" if kind == 2 else template
        append(dovecot, head + f"\r\nSubject: Undelivered {i}\r\nMessage-ID: <bounce-{i}@x>\r\n\r\n".encode() + body)
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
    code, _, err = scan(config)
    assert code == 0, err
    assert handler.received == []
    assert folder_messages(dovecot, "Drafts") == []


def test_own_replies_coming_back_are_not_answered(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """mailbot's own sent replies arriving back in INBOX (Bcc to self, a forward) get no reply."""
    handler, port = smtpd
    seed(dovecot, {"rejection": SEED["rejection"], "identity_check": SEED["identity_check"]})
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
    scan(config)
    assert len(handler.received) == 2
    for raw in list(handler.received):
        append(dovecot, raw)
        # The same reply as a platform's system might reflect it, From rewritten to the platform.
        append(dovecot, raw.replace(b"From: Ada Lovelace-Smith <ada@example.org>", b"From: <noreply@facebookmail.com>"))
    code, _, err = scan(config)
    assert code == 0, err
    assert len(handler.received) == 2


def test_mailing_list_reflection_gets_no_reply(
    dovecot: Dovecot, env: Path, smtpd: tuple[RecordingHandler, int]
) -> None:
    """A mailing list reflecting a platform's message (its From kept, List-Id added) is never answered."""
    handler, port = smtpd
    raw = seeded_raw("list", SEED["request_info"]).replace(
        b"Subject:", b"List-Id: Privacy talk <privacy-talk.lists.example.org>\r\nPrecedence: list\r\nSubject:", 1
    )
    append(dovecot, raw)
    config = write_config(env / "config.toml", dovecot, smtp_port=port, mode="send")
    code, _, err = scan(config)
    assert code == 0, err
    assert handler.received == []
    assert folder_messages(dovecot, "Drafts") == []


# --- secrets -------------------------------------------------------------------------------------

SECRET = "s3cret-Pa55word-do-not-leak"
TOKEN = "ya29.TOKEN-do-not-leak-0123456789"


def _leaks(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [s for s in (SECRET, TOKEN) if s.encode() in data]


@pytest.mark.parametrize(
    "secret_config",
    [
        'password_env = "MAILBOT_LEAK_TEST"',
        f"password_command = \"sh -c 'echo {SECRET}; echo {SECRET} >&2; exit 3'\"",
        f'oauth2_token_command = "echo {TOKEN}"',
    ],
    ids=["wrong-password", "failing-command", "oauth-token"],
)
def test_secrets_never_leak(dovecot: Dovecot, env: Path, monkeypatch: pytest.MonkeyPatch, secret_config: str) -> None:
    """A wrong password, a failing password command and a refused OAuth token, with debug logging, in
    `scan` and in `run --log-json`: neither the password nor the token appears in any output, log
    line, exception message or the state file."""
    monkeypatch.setenv("MAILBOT_LEAK_TEST", SECRET)
    config = write_config(env / "config.toml", dovecot)
    config.write_text(config.read_text().replace('password_env = "MAILBOT_TEST_PASSWORD"', secret_config))
    code, out, err = scan(config)
    assert code == 1
    assert _leaks(out + err) == [], err
    assert len(err.strip().splitlines()) == 1, err
    # With --debug the error is raised with its traceback: that must not carry the secret either.
    result = CliRunner().invoke(cli, ["--debug", "scan", "--config", str(config)])
    assert result.exit_code == 1
    assert result.exc_info is not None
    trace = "".join(traceback.format_exception(*result.exc_info))
    assert _leaks(result.output + trace) == [], trace
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailbot", "--debug", "run", "--config", str(config), "--log-json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "MAILBOT_LEAK_TEST": SECRET},
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # until the refusal is logged (pytest's timeout bounds a hang)
        seen.append(line)
        if line.startswith(b"{") and json.loads(line)["level"] == "warning":
            break
    proc.send_signal(signal.SIGTERM)
    out_b, rest = proc.communicate(timeout=60)
    err_b = b"".join(seen) + rest
    # 0 when SIGTERM came first; 1 when the account had already stopped after 3 refused logins.
    assert proc.returncode in (0, 1)
    lines = [json.loads(line) for line in err_b.decode().splitlines() if line.startswith("{")]
    assert any(line["level"] == "warning" for line in lines), err_b.decode()
    assert _leaks(out_b + err_b) == []
    for path in env.rglob("*.sqlite3*"):
        assert _leaks(path.read_bytes()) == [], path


# --- TLS and files -------------------------------------------------------------------------------


@pytest.fixture
def tls_dovecot(tmp_path: Path) -> Iterator[tuple[Dovecot, Path]]:
    """Dovecot with TLS (imaps and STARTTLS) under a certificate from a private CA."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"mbtls-{os.getpid()}-{time.time_ns()}"
    folder.mkdir(mode=0o755)
    cert_path, key_path, ca_path = folder / "cert.pem", folder / "key.pem", tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_path))
    cert.private_key_pem.write_to_path(str(key_path))
    ca.cert_pem.write_to_path(str(ca_path))
    server = make_dovecot(tls=(cert_path, key_path))
    server.start()
    try:
        yield server, ca_path
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


def _tls_config(path: Path, server: Dovecot, security: str, port: int, ca: Path | None) -> Path:
    config = write_config(path, server)
    text = config.read_text().replace('security = "none"', f'security = "{security}"')
    text = text.replace(f"port = {server.port}", f"port = {port}")
    if ca:
        text = text.replace("[reply]", f'ca_file = "{ca}"\n[reply]')
    config.write_text(text)
    return config


def test_self_signed_certificate_is_refused_with_a_clear_error(tls_dovecot: tuple[Dovecot, Path], env: Path) -> None:
    """TLS is verified by default: a certificate from an unknown CA gives one clear line."""
    server, _ = tls_dovecot
    config = _tls_config(env / "config.toml", server, "tls", server.tls_port, None)
    code, _, err = scan(config)
    assert code == 1
    assert "TLS certificate of 127.0.0.1" in err
    assert "not trusted" in err
    assert "ca_file" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_trusted_ca_file_connects(tls_dovecot: tuple[Dovecot, Path], env: Path, security: str) -> None:
    """With ca_file naming the private CA, implicit TLS and STARTTLS both connect and scan."""
    server, ca = tls_dovecot
    seed(server, {"rejection": SEED["rejection"]})
    port = server.tls_port if security == "tls" else server.port
    config = _tls_config(env / "config.toml", server, security, port, ca)
    code, _, err = scan(config)
    assert code == 0, err
    assert len(folder_messages(server, "Drafts")) == 1


def test_state_file_is_private(dovecot: Dovecot, env: Path) -> None:
    """The state file is created with mode 0600."""
    config = write_config(env / "config.toml", dovecot)
    scan(config)
    state = env / "state.sqlite3"
    assert state.exists()
    assert state.stat().st_mode & 0o777 == 0o600


def test_security_none_refused_off_loopback(env: Path) -> None:
    """security = "none" is refused for a host that is not loopback, before anything connects."""
    config = env / "c.toml"
    config.write_text(
        '[identity]\nname = "A"\nemail = "a@example.org"\n[imap]\nhost = "192.0.2.1"\nsecurity = "none"\n'
        'username = "a"\npassword_env = "X"\n'
    )
    config.chmod(0o600)
    code, _, err = scan(config)
    assert code == 1
    assert 'security = "none" is refused for 192.0.2.1' in err
