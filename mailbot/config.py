"""Reads the TOML configuration and the environment into frozen settings, built once."""

from __future__ import annotations

import ipaddress
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import platformdirs

from mailbot.errors import ConfigError
from mailbot.logs import register_secret
from mailbot.models import Identity
from mailbot.rules import LANGUAGES

SECURITY = ("tls", "starttls", "none")
MODES = ("draft", "send", "dry-run")
_NOT_IN_ADDRESS = frozenset(' \t\r\n<>,;:"()[]\\')


def _one_address(value: str) -> bool:
    """One plain address: a local part and a dotted domain, without spaces, brackets, commas, quotes or a
    second @ (string tests, not a pattern: no input can make them slow)."""
    local, at, domain = value.partition("@")
    labels = domain.split(".")
    plain = bool(local and at) and "@" not in domain and not set(value) & _NOT_IN_ADDRESS
    return plain and len(labels) > 1 and all(labels)


PLACEHOLDER_IDENTITY = Identity(
    name="Your Name", email="you@example.invalid", language="en", statement="", placeholder=True
)


@dataclass(frozen=True, slots=True)
class Secret:
    """Where a password or token comes from; the value is fetched only when asked for."""

    env: str = ""
    command: str = ""
    kind: str = "password"

    def __repr__(self) -> str:
        return f"Secret(kind={self.kind!r}, from={'env ' + self.env if self.env else 'command'})"

    @property
    def configured(self) -> bool:
        """True when a source is set."""
        return bool(self.env or self.command)

    def reveal(self, environ: Mapping[str, str] | None = None) -> str:
        """The secret's value; ConfigError (without the value) when it cannot be had."""
        value = self._fetch(os.environ if environ is None else environ)
        register_secret(value)
        return value

    def _fetch(self, environ: Mapping[str, str]) -> str:
        if self.env:
            value = environ.get(self.env, "")
            if not value:
                raise ConfigError(f"{self.kind}: environment variable {self.env} is not set or empty")
            return value
        if self.command:
            import shlex  # only for a secret read from a command
            import subprocess

            try:
                done = subprocess.run(
                    shlex.split(self.command), capture_output=True, text=True, timeout=30, check=False
                )
            except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
                raise ConfigError(f"{self.kind} command could not run: {type(exc).__name__}") from None
            if done.returncode != 0:
                raise ConfigError(f"{self.kind} command failed with exit status {done.returncode}")
            value = done.stdout.strip("\r\n")
            if not value:
                raise ConfigError(f"{self.kind} command printed nothing")
            return value
        raise ConfigError(f"no {self.kind} configured")


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """One server (IMAP or SMTP): where, how securely, as whom."""

    host: str
    port: int
    security: str
    username: str = ""
    password: Secret = field(default_factory=Secret)
    oauth2_token: Secret = field(default_factory=lambda: Secret(kind="oauth2 token"))
    ca_file: str = ""
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class ImapSettings:
    """The IMAP account and its folders (None: found by SPECIAL-USE, then by name)."""

    server: ServerSettings
    mailbox: str = "INBOX"
    drafts: str | None = None
    sent: str | None = None
    authserv_id: str = ""


@dataclass(frozen=True, slots=True)
class ReplySettings:
    """How replies are written and delivered."""

    mode: str = "draft"
    quote_original: bool = True
    ask_erasure: bool = False
    max_sends_per_case_per_day: int = 2
    max_sends_per_day: int = 10
    max_sends_per_recipient_per_day: int = 2
    allow_unverified_send: bool = False


@dataclass(frozen=True, slots=True)
class ControllerSettings:
    """A controller the person wrote to that rules/ does not know (or whose entry is overridden)."""

    id: str
    authority: str
    domains: tuple[str, ...]
    name: str = ""
    privacy_senders: tuple[str, ...] = ()
    contact: str = ""
    form: str = ""


def _frozen_map(data: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True, slots=True)
class Settings:
    """The whole configuration.

    `country` is the person's country ([identity] country, ISO code: their home supervisory
    authority); `controller_accounts` maps a controller id to the identifier that controller knows
    the person by ([identity.accounts]; default the identity e-mail); `controllers` are extra or
    overridden controllers ([controllers.<id>]); `max_age_days` ([scan]): older messages are filed,
    not answered, on a first scan (0: no limit).
    """

    identity: Identity
    imap: ImapSettings | None
    smtp: ServerSettings | None
    reply: ReplySettings
    state_path: Path
    objection: str = ""
    max_message_bytes: int = 10_000_000
    draft_batch: int = 50
    poll_interval: float = 60.0
    idle_timeout: float = 5 * 60.0
    warnings: tuple[str, ...] = ()
    name: str = "default"
    country: str = ""
    controller_accounts: Mapping[str, str] = field(default_factory=_frozen_map)
    controllers: Mapping[str, ControllerSettings] = field(default_factory=_frozen_map)
    max_age_days: int = 60


# Every optional setting at its default: the one place a default is written (parse_config reads it,
# `mailbot run --help` and the other help texts state it, tests/test_help.py holds the starter file to it).
DEFAULTS = Settings(identity=PLACEHOLDER_IDENTITY, imap=None, smtp=None, reply=ReplySettings(), state_path=Path())


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """$MAILBOT_CONFIG, else $XDG_CONFIG_HOME/mailbot/config.toml."""
    environ = os.environ if environ is None else environ
    if environ.get("MAILBOT_CONFIG"):
        return Path(environ["MAILBOT_CONFIG"])
    base = environ.get("XDG_CONFIG_HOME") or str(platformdirs.user_config_path())
    return Path(base) / "mailbot" / "config.toml"


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/mailbot/state.sqlite3."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_STATE_HOME") or str(platformdirs.user_state_path())
    return Path(base) / "mailbot" / "state.sqlite3"


def is_loopback(host: str) -> bool:
    """True for localhost and addresses in 127.0.0.0/8 or ::1."""
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- the schema: every section and key mailbot knows, with its type ------------------------------
# A value is a type (str, int, bool), LIST_OF_STR, a dict (a sub-table with these keys) or a Map
# (a table whose keys are free, e.g. controller ids, each holding a value of one spec).


@dataclass(frozen=True, slots=True)
class Map:
    """A table with free keys (ids), each holding a value of `value`'s spec."""

    value: Any
    what: str = "id"


LIST_OF_STR = (list, str)
_SERVER: dict[str, Any] = {
    "host": str,
    "port": int,
    "security": str,
    "username": str,
    "password_env": str,
    "password_command": str,
    "oauth2_token_command": str,
    "ca_file": str,
    "timeout": int,
}
SCHEMA: dict[str, Any] = {
    "identity": {
        "name": str,
        "email": str,
        "language": str,
        "statement": str,
        "objection": str,
        "sent_from_account": bool,
        "country": str,
        "accounts": Map(str, "controller id"),
    },
    "imap": {**_SERVER, "mailbox": str, "drafts": str, "sent": str, "authserv_id": str},
    "smtp": _SERVER,
    "reply": {
        "mode": str,
        "quote_original": bool,
        "ask_erasure": bool,
        "max_sends_per_case_per_day": int,
        "max_sends_per_day": int,
        "max_sends_per_recipient_per_day": int,
        "allow_unverified_send": bool,
    },
    "state": {"path": str},
    "limits": {"max_message_bytes": int, "draft_batch": int},
    "service": {"idle_timeout": int, "poll_interval": int},
    "scan": {"max_age_days": int},
    "controllers": Map(
        {
            "authority": str,
            "domains": LIST_OF_STR,
            "name": str,
            "privacy_senders": LIST_OF_STR,
            "contact": str,
            "form": str,
        },
        "controller id",
    ),
}
# An [[accounts]] entry holds a name and its own copies of any section.
_ACCOUNT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,63}")
_ACCOUNT: dict[str, Any] = {"name": str, **SCHEMA}
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", LIST_OF_STR: "a list of strings"}


def _section_name(path: tuple[str, ...]) -> str:
    return "[" + ".".join(path) + "]"


def _suggest(key: str, spec: Mapping[str, Any], path: tuple[str, ...]) -> str:
    """'; did you mean …?' from the nearest valid names, or the section that has this key."""
    import difflib  # only on an error: keep it out of every start-up

    near = difflib.get_close_matches(key, list(spec), n=1, cutoff=0.6)
    if near:
        if not path and isinstance(spec[near[0]], dict | Map):
            return f"; did you mean [{near[0]}]?"
        return f"; did you mean {near[0]!r}?"
    homes = [name for name, sub in SCHEMA.items() if isinstance(sub, dict) and key in sub]
    if homes:
        return f"; it belongs in [{homes[0]}]"
    return ""


def _type_ok(value: Any, spec: Any) -> bool:
    if spec is LIST_OF_STR:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if spec is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, spec)


def check_schema(data: Mapping[str, Any], where: str) -> None:
    """Raise ConfigError for the first unknown section or key, or value of the wrong type.

    The message names the key (``reply.mdoe``) and suggests the nearest valid one.
    """
    _check_table(data, SCHEMA | {"accounts": [_ACCOUNT]}, (), where)


def _check_table(data: Mapping[str, Any], spec: Mapping[str, Any], path: tuple[str, ...], where: str) -> None:
    for key, value in data.items():
        sub = spec.get(key)
        here = (*path, key)
        if sub is None:
            if not path and isinstance(value, dict):
                raise ConfigError(f"{where}: unknown section [{key}]{_suggest(key, spec, path)}")
            raise ConfigError(f"{where}: unknown key {'.'.join(here)}{_suggest(key, spec, path)}")
        _check_value(value, sub, here, where)


def _check_value(value: Any, spec: Any, path: tuple[str, ...], where: str) -> None:
    section, key = _section_name(path[:-1]) if len(path) > 1 else "", path[-1]
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {_section_name(path)} must be a table")
        _check_table(value, spec, path, where)
    elif isinstance(spec, Map):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {_section_name(path)} must be a table of {spec.what} = …")
        for name, item in value.items():
            _check_value(item, spec.value, (*path, name), where)
    elif isinstance(spec, list):
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ConfigError(f"{where}: '{key}' must be one or more [[{key}]] tables")
        for index, item in enumerate(value, 1):
            _check_table(item, spec[0], (f"{key}[{index}]",), where)
    elif not _type_ok(value, spec):
        raise ConfigError(f"{where}: {section} {key} must be {_TYPE_NAMES[spec]}".replace(":  ", ": "))


class _Table:
    """A config table with typed getters whose errors name the key."""

    def __init__(self, name: str, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
        self.name, self.data, self.where = name, data, where

    def _err(self, key: str, what: str) -> ConfigError:
        return ConfigError(f"{self.where}: [{self.name}] {key} {what}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            raise self._err(key, "is required")
        if not isinstance(value, str):
            raise self._err(key, "must be a string")
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._err(key, "must be an integer")
        return value

    def count(self, key: str, default: int) -> int:
        value = self.integer(key, default)
        if value < 0:
            raise self._err(key, "must be 0 or more")
        return value

    def positive(self, key: str, default: int) -> int:
        value = self.integer(key, default)
        if value < 1:
            raise self._err(key, "must be 1 or more")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self._err(key, "must be true or false")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key, default)
        if value not in choices:
            raise self._err(key, f"must be one of {', '.join(repr(c) for c in choices)} (got {value!r})")
        return value


def _server(table: _Table, default_ports: dict[str, int], login_required: bool) -> ServerSettings:
    host = table.text("host")
    security = table.choice("security", SECURITY, "tls")
    if security == "none" and not is_loopback(host):
        raise ConfigError(
            f'{table.where}: [{table.name}] security = "none" is refused for {host}: '
            "only loopback hosts may be reached without TLS"
        )
    port = table.integer("port", default_ports[security])
    if not 0 < port < 65536:
        raise table._err("port", "must be between 1 and 65535")
    password_env = table.text("password_env", "")
    password_command = table.text("password_command", "")
    token_command = table.text("oauth2_token_command", "")
    if password_env and password_command:
        raise table._err("password_env", "and password_command exclude each other")
    username = table.text("username", "" if not login_required else None)
    if login_required and not (password_env or password_command or token_command):
        raise table._err("password_env", "(or password_command, or oauth2_token_command) is required")
    ca_file = table.text("ca_file", "")
    if ca_file and not Path(ca_file).expanduser().is_file():
        raise table._err("ca_file", f"does not exist: {ca_file}")
    return ServerSettings(
        host=host,
        port=port,
        security=security,
        username=username,
        password=Secret(env=password_env, command=password_command, kind=f"{table.name} password"),
        oauth2_token=Secret(command=token_command, kind=f"{table.name} oauth2 token"),
        ca_file=str(Path(ca_file).expanduser()) if ca_file else "",
        timeout=float(table.integer("timeout", 30)),
    )


def parse_config(data: Mapping[str, Any], where: str, environ: Mapping[str, str] | None = None) -> Settings:
    """Validate a parsed TOML document into Settings (ConfigError names the first problem)."""
    check_schema(data, where)
    identity_t = _Table("identity", data.get("identity", {}), where)
    identity = Identity(
        name=identity_t.text("name"),
        email=identity_t.text("email"),
        language=identity_t.choice("language", LANGUAGES, DEFAULTS.identity.language),
        statement=identity_t.text("statement", ""),
        sent_from_account=identity_t.flag("sent_from_account", False),
    )
    if not _one_address(identity.email):
        # "a@example.org>, b@evil.example" used to pass (it has an @) and gave every reply a From of two addresses.
        raise identity_t._err("email", "must be an e-mail address")
    imap = None
    if "imap" in data:
        t = _Table("imap", data["imap"], where)
        imap = ImapSettings(
            server=_server(t, {"tls": 993, "starttls": 143, "none": 143}, login_required=True),
            mailbox=t.text("mailbox", "INBOX"),
            drafts=t.text("drafts", "") or None,
            sent=t.text("sent", "") or None,
            authserv_id=t.text("authserv_id", "").strip().lower(),
        )
    smtp = None
    if "smtp" in data:
        t = _Table("smtp", data["smtp"], where)
        smtp = _server(t, {"tls": 465, "starttls": 587, "none": 25}, login_required=False)
    reply_t = _Table("reply", data.get("reply", {}), where)
    d = DEFAULTS.reply
    reply = ReplySettings(
        mode=reply_t.choice("mode", MODES, d.mode),
        quote_original=reply_t.flag("quote_original", d.quote_original),
        ask_erasure=reply_t.flag("ask_erasure", d.ask_erasure),
        max_sends_per_case_per_day=reply_t.count("max_sends_per_case_per_day", d.max_sends_per_case_per_day),
        max_sends_per_day=reply_t.count("max_sends_per_day", d.max_sends_per_day),
        max_sends_per_recipient_per_day=reply_t.count(
            "max_sends_per_recipient_per_day", d.max_sends_per_recipient_per_day
        ),
        allow_unverified_send=reply_t.flag("allow_unverified_send", d.allow_unverified_send),
    )
    if reply.mode == "send" and smtp is None:
        raise reply_t._err("mode", '= "send" needs an [smtp] table')
    state_t = _Table("state", data.get("state", {}), where)
    state_path = state_t.text("path", "")
    limits_t = _Table("limits", data.get("limits", {}), where)
    service_t = _Table("service", data.get("service", {}), where)
    idle = service_t.integer("idle_timeout", int(DEFAULTS.idle_timeout))
    if not 10 <= idle <= 29 * 60:
        raise service_t._err("idle_timeout", "must be between 10 and 1740 seconds (RFC 2177: under 29 minutes)")
    return Settings(
        identity=identity,
        imap=imap,
        smtp=smtp,
        reply=reply,
        state_path=Path(state_path).expanduser() if state_path else default_state_path(environ),
        objection=identity_t.text("objection", ""),
        max_message_bytes=limits_t.positive("max_message_bytes", DEFAULTS.max_message_bytes),
        draft_batch=limits_t.positive("draft_batch", DEFAULTS.draft_batch),
        poll_interval=float(service_t.integer("poll_interval", int(DEFAULTS.poll_interval))),
        idle_timeout=float(idle),
        country=identity_t.text("country", "").upper(),
        controller_accounts=_frozen_map(identity_t.data.get("accounts", {})),
        controllers=_frozen_map(_controllers(data.get("controllers", {}), where)),
        max_age_days=_Table("scan", data.get("scan", {}), where).count("max_age_days", DEFAULTS.max_age_days),
        warnings=_warnings(reply, imap),
    )


def _warnings(reply: ReplySettings, imap: ImapSettings | None) -> tuple[str, ...]:
    """What is allowed but does not do what the person may think."""
    if reply.mode == "send" and not (imap and imap.authserv_id):
        return (
            '[reply] mode = "send" without [imap] authserv_id: every reply stays a draft, since any sender '
            "could write the authentication results mailbot would trust (set it to your server's name, "
            "the first word of the Authentication-Results your server adds)",
        )
    return ()


def _controllers(data: Mapping[str, Any], where: str) -> dict[str, ControllerSettings]:
    """[controllers.<id>] tables (types already checked by the schema)."""
    out = {}
    for cid, table in data.items():
        t = _Table(f"controllers.{cid}", table, where)
        domains = tuple(d.lower().strip(".") for d in table.get("domains", ()))
        if not domains:
            raise t._err("domains", "must list at least one domain")
        out[cid] = ControllerSettings(
            id=cid,
            authority=t.text("authority"),
            domains=domains,
            name=t.text("name", cid),
            privacy_senders=tuple(a.lower() for a in table.get("privacy_senders", ())),
            contact=t.text("contact", ""),
            form=t.text("form", ""),
        )
    return out


def _read(path: Path) -> tuple[dict[str, Any], tuple[str, ...]]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(f"{path}: no configuration file (create one with 'mailbot init')") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    warnings = []
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append(f"{path} is readable by other users; run: chmod 600 {path}")
    return data, tuple(warnings)


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Load the configuration file (see default_config_path) and validate it.

    With several [[accounts]], this is the first one; `load_accounts` gives them all.

    Raises:
        ConfigError: one line saying what is wrong and where.
    """
    accounts = load_accounts(path, environ)
    first = accounts[0]
    if len(accounts) > 1:
        note = f"{len(accounts)} [[accounts]]: this command uses the first, {first.name!r} ('mailbot run' serves all)"
        return replace(first, warnings=(*first.warnings, note))
    return first


def load_accounts(path: Path | None = None, environ: Mapping[str, str] | None = None) -> list[Settings]:
    """Every account of the configuration.

    Without [[accounts]] the top-level tables are the one account. With it, each entry may hold
    its own identity, imap, smtp, reply, state (and a name); tables it lacks come from the top level.
    """
    path = path or default_config_path(environ)
    data, warnings = _read(path)
    check_schema(data, str(path))
    accounts = data.get("accounts")
    if accounts is None:
        settings = parse_config(data, str(path), environ)
        return [replace(settings, warnings=warnings + settings.warnings)]
    if not isinstance(accounts, list) or not accounts or not all(isinstance(a, dict) for a in accounts):
        raise ConfigError(f"{path}: 'accounts' must be one or more [[accounts]] tables")
    base = {k: v for k, v in data.items() if k != "accounts"}
    out: list[Settings] = []
    for index, account in enumerate(accounts, 1):
        name = account.get("name", f"account-{index}")
        if not isinstance(name, str) or not _ACCOUNT_NAME.fullmatch(name):
            raise ConfigError(
                f"{path}: [[accounts]] number {index}: name must be letters, digits, '.', '_' or '-' "
                "(it names the account's state file)"
            )
        merged: dict[str, Any] = dict(base)
        for key, value in account.items():
            if key != "name":
                inherited = base.get(key, {})
                merged[key] = (
                    {**inherited, **value} if isinstance(value, dict) and isinstance(inherited, dict) else value
                )
        state = dict(merged.get("state", {}))
        if not state.get("path"):
            state["path"] = str(default_state_path(environ).with_name(f"{name}.sqlite3"))
        merged["state"] = state
        settings = parse_config(merged, f"{path} [accounts {name!r}]", environ)
        out.append(replace(settings, name=name, warnings=warnings + settings.warnings))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: two [[accounts]] have the same name")
    if len({s.state_path for s in out}) != len(out):
        raise ConfigError(f"{path}: two [[accounts]] share one [state] path")
    return out


STARTER = """\
# mailbot configuration. Secrets never go in this file: name an environment variable
# (password_env) or a command that prints the secret (password_command), as mbsync's PassCmd.

[identity]
name = "Your Name"
email = "you@example.org"
language = "en"              # en, it, de, fr, es: used when a message's language is unclear
# Your particular situation (Art. 21(1) GDPR), used in replies that ask for it:
# statement = "..."
# sent_from_account = false  # your requests go out from the address registered with your accounts

[imap]
host = "imap.example.org"
port = 993
security = "tls"             # "tls" (implicit, port 993), "starttls" (143), "none" (loopback only)
username = "you@example.org"
password_env = "MAILBOT_IMAP_PASSWORD"
# password_command = "pass show mail/imap"
# oauth2_token_command = "oauth2-token-helper --account you@example.org"
# ca_file = "/path/to/ca.pem"  # trust this CA in addition to the system's
# drafts = "Drafts"            # found by SPECIAL-USE when unset
# sent = "Sent"
# authserv_id = "mx.example.org"  # trust only Authentication-Results your own server writes;
#                                  # needed for [reply] mode = "send" (else every reply stays a draft)

[smtp]
host = "smtp.example.org"
port = 465
security = "tls"
username = "you@example.org"
password_env = "MAILBOT_SMTP_PASSWORD"

[reply]
mode = "draft"               # "draft" (review in your mail client), "send", or "dry-run"
quote_original = true
ask_erasure = false          # after an acceptance, also ask for erasure (Art. 17(1)(c), 19 GDPR)
max_sends_per_case_per_day = 2  # automatic sends (mode = "send"); drafts are never capped
# max_sends_per_day = 10                  # automatic sends, across all cases
# max_sends_per_recipient_per_day = 2
# allow_unverified_send = false           # send automatically without a DMARC/DKIM pass

[state]
# path = "~/.local/state/mailbot/state.sqlite3"

# [scan]
# max_age_days = 60          # on a first scan, older messages are filed but not answered (0: no limit)

# The identifier each controller knows you by (default: your e-mail above):
# [identity.accounts]
# amazon = "me.shop@example.org"

# A controller that mailbot does not know yet (domains: every domain it writes from, its helpdesk's
# included: anyone else writing in its case's thread is held, never answered):
# [controllers.acme]
# name = "ACME Ltd"
# authority = "it-garante"             # a key of rules/authorities.toml, or the authority's name
# domains = ["acme.example", "acme.helpdesk.example"]
# contact = "privacy@acme.example"     # where its replies go when its mail takes none
# form = "https://acme.example/privacy" # its web form, when it takes requests only there
"""
