"""Shared fixtures: paths to the .eml corpus and the loaded rules."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import imapclient
import pytest
from hypothesis import HealthCheck, settings
from servers import Dovecot, ImapProxy, free_port, make_dovecot

from mailbot.models import Address, Message
from mailbot.parse import parse
from mailbot.rules import Ruleset, bundled_rules
from mailbot.store import CaseRow

# CI draws the same examples on every run (a failure there is reproducible, never a coin toss);
# `HYPOTHESIS_PROFILE=explore bash scripts/test.sh -m hypothesis` (hypothesis marks its own tests) draws
# new random examples, far more of them, by hand; a failure prints the blob that reproduces it.
settings.register_profile("ci", max_examples=200, derandomize=True, deadline=None, print_blob=True)
settings.register_profile(
    "explore", max_examples=5_000, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

T = TypeVar("T")

FIXTURES = Path(__file__).parent / "fixtures"
MESSAGES = FIXTURES / "messages"
ALL_EML = sorted(MESSAGES.glob("*/*.eml"))


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    """The bundled rules, loaded once."""
    return bundled_rules()


@pytest.fixture(scope="session")
def rules_alone() -> Ruleset:
    """The bundled rules without the text model's second opinion: what the rules themselves decide."""
    return dataclasses.replace(bundled_rules(), model=None)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A running Dovecot on 127.0.0.1 for one test."""
    server = make_dovecot()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def proxies() -> Iterator[Callable[..., ImapProxy]]:
    """Starts IMAP proxies in front of a server (see servers.ImapProxy); stops them all afterwards."""
    started: list[ImapProxy] = []

    def start(server: Dovecot, **behaviour: Any) -> ImapProxy:
        proxy = ImapProxy(upstream=server.port, **behaviour).start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


@dataclass
class RecordingHandler:
    """aiosmtpd handler that keeps every message it receives."""

    received: list[bytes] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    fail_codes: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        if self.fail_codes:
            return self.fail_codes.pop(0)
        self.received.append(bytes(envelope.original_content or envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


@pytest.fixture
def smtpd() -> Iterator[tuple[RecordingHandler, int]]:
    """A real aiosmtpd server on 127.0.0.1 recording what it receives."""
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def imap_client(server: Dovecot) -> imapclient.IMAPClient:
    """A logged-in IMAPClient for the test user."""
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=10)
    client.login(server.user, server.password)
    return client


def write_config(
    path: Path,
    server: Dovecot,
    *,
    smtp_port: int | None = None,
    mode: str = "draft",
    reply: str = "",
    imap: str = "",
    identity: str = 'name = "Ada Lovelace-Smith"\nemail = "ada@example.org"\n',
) -> Path:
    """A mailbot config for the test Dovecot (password from $MAILBOT_TEST_PASSWORD); `reply`,
    `imap` and `identity` are TOML lines for those tables."""
    smtp = ""
    if smtp_port:
        smtp = f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
    path.write_text(
        f'[identity]\n{identity}language = "en"\n'
        f'[imap]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\nusername = "{server.user}"\n'
        'password_env = "MAILBOT_TEST_PASSWORD"\n'
        f"{imap}" + ("" if "authserv_id" in imap or mode != "send" else 'authserv_id = "mx.test.example"\n') + f"{smtp}"
        # Send mode needs the server pinned whose results count: the one the tests' mail names.
        f'[reply]\nmode = "{mode}"\n{reply}'
        f'[state]\npath = "{path.parent / "state.sqlite3"}"\n'
    )
    path.chmod(0o600)
    return path


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The test password in the environment, XDG paths in the temporary folder."""
    from servers import PASSWORD

    monkeypatch.setenv("MAILBOT_TEST_PASSWORD", PASSWORD)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path


def written(state: Path) -> dict[str, dict[str, Any]]:
    """What mailbot recorded writing, by reply Message-ID (drafts carry no header that says it)."""
    from mailbot.store import Store

    store = Store(state)
    try:
        return {row.message_id: dataclasses.asdict(row) for row in store.written()}
    finally:
        store.close()


def written_kind(state: Path, msg: Any) -> str:
    """The category of a reply mailbot wrote, or 'reminder'."""
    row = written(state)[str(msg["Message-ID"])]
    return str(row["category"] or row["kind"])


def drafts_count(server: Dovecot) -> int:
    """How many messages the Drafts folder holds (IMAP STATUS)."""
    client = imap_client(server)
    try:
        return int(client.folder_status("Drafts", [b"MESSAGES"])[b"MESSAGES"])
    finally:
        client.logout()


def wait_until(predicate: Callable[[], T], what: str, ceiling: float = 60.0, every: float = 0.05) -> T:
    """Poll until `predicate()` is true and return its value; AssertionError naming `what` after `ceiling` s.

    The ceiling only bounds a hang (it is generous for a loaded 2-core CI machine): nothing is timed.
    """
    deadline = time.monotonic() + ceiling
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"still not {what} after {ceiling:g} s")
        time.sleep(every)
    return value


ADA_IDENTITY = '[identity]\nname = "Ada Lovelace-Smith"\nemail = "ada@example.org"\nlanguage = "en"\n'


def minimal_config(config_home: Path) -> Path:
    """The configuration a scan needs at $XDG_CONFIG_HOME/mailbot/config.toml: an identity, nothing else."""
    path = config_home / "mailbot" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ADA_IDENTITY)
    path.chmod(0o600)
    return path


def config_file(folder: Path, extra: str = "") -> Path:
    """`folder`/config.toml (mode 0600): Ada's identity, the TOML lines `extra` (more [identity] keys first,
    then tables such as [identity.accounts]), and the state at `folder`/state.sqlite3."""
    path = folder / "config.toml"
    path.write_text(f'{ADA_IDENTITY}{extra}[state]\npath = "{folder / "state.sqlite3"}"\n')
    path.chmod(0o600)
    return path


def case_row(**fields: object) -> CaseRow:
    """A stored case as the store returns it: a request for access made on 17 April 2025, found in Sent;
    `fields` change any column."""
    from mailbot.cases import BASIS_SENT

    base: dict[str, object] = {
        "id": 1,
        "platform": "none",
        "thread_key": "<req-1@example.org>",
        "subject": "Request",
        "ticket": "",
        "opened": "2025-04-17",
        "due": "2025-05-17",
        "status": "open",
        "last_category": "",
        "last_message_at": "",
        "extended": False,
        "reminded": False,
        "controller": "examplebank.example",
        "request_types": "access",
        "request_date": "2025-04-17",
        "due_basis": BASIS_SENT,
    }
    base.update(fields)
    return CaseRow(**base)  # type: ignore[arg-type]


def team_reply(
    text: str,
    subject: str,
    sender: str = "support@lumenapp.example",
    name: str = "Lumen Support",
    *,
    in_case: bool = True,
) -> Message:
    """A team's reply with the given own text and subject: a reply to the person's request
    (In-Reply-To set) when `in_case`, else one that replies to nothing."""
    thread = "<request-1@example.org>" if in_case else None
    return dataclasses.replace(
        parse((MESSAGES / "acceptance/meta-honour-en.eml").read_bytes()),
        new_text=text,
        subject=subject,
        sender=Address(name, sender),
        in_reply_to=thread,
        references=(thread,) if thread else (),
        is_bulk=False,
        is_list=False,
    )


def store_reply(text: str, subject: str = "Re: Data request", *, in_case: bool = True) -> Message:
    """A shop's privacy team's reply (not a built-in platform), inside a case when `in_case`."""
    return team_reply(text, subject, "privacy@store.example", "Store Privacy", in_case=in_case)
