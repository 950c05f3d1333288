"""An IMAP account as a mailbox (imapclient): read-only inbox, BODY.PEEK, APPEND to Drafts and Sent."""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import ssl
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import imapclient
from imapclient.exceptions import IMAPClientError
from imapclient.exceptions import LoginError as ImapLoginError
from imapclient.imapclient import DRAFT, DRAFTS, SEEN, SENT

from mailbot.config import ImapSettings
from mailbot.errors import LoginError, MailboxError
from mailbot.mailboxes import TRIAGE_HEADERS

log = logging.getLogger(__name__)

_FALLBACK_NAMES = {
    "drafts": ("Drafts", "INBOX.Drafts", "Draft", "Bozze", "Entwürfe", "Brouillons", "Borradores"),
    "sent": ("Sent", "INBOX.Sent", "Sent Items", "Sent Messages", "Inviata", "Gesendet", "Envoyés", "Enviados"),
}
_SPECIAL = {"drafts": DRAFTS, "sent": SENT}
_CHUNK = 500


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """A verifying TLS context; `ca_file` adds a CA to trust (a private or self-signed server)."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def describe_connection_error(host: str, port: int, exc: BaseException) -> str:
    """One line saying why a connection failed, never with credentials in it."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"TLS certificate of {host}:{port} is not trusted ({exc.verify_message}); "
            "if this server uses a private CA, set ca_file to it"
        )
    if isinstance(exc, ssl.SSLError):
        return f"TLS handshake with {host}:{port} failed ({exc.reason or exc})"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve {host}: {exc.strerror}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"{host}:{port} did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return f"{host}:{port} refused the connection"
    if isinstance(exc, OSError):
        return f"cannot connect to {host}:{port}: {exc.strerror or exc}"
    return f"{host}:{port}: {type(exc).__name__}"


class ImapMailbox:
    """One IMAP account: the inbox is opened read-only, so mailbot never marks mail as read."""

    def __init__(self, settings: ImapSettings, environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.environ = environ
        server = settings.server
        self.name = f"imap://{server.username}@{server.host}:{server.port}/{settings.mailbox}"
        self.client: Any = None
        self._folders: dict[str, str] = {}
        self._selected = ""
        self._written: dict[str, set[str]] = {}
        self._highest_uid = 0

    # --- connection ----------------------------------------------------------------------------

    def connect(self) -> None:
        """Connect and log in; errors are MailboxError / LoginError with one clear line."""
        server = self.settings.server
        context = tls_context(server.ca_file)
        try:
            if server.security == "tls":
                client = imapclient.IMAPClient(
                    server.host, port=server.port, ssl=True, ssl_context=context, timeout=server.timeout
                )
            else:
                client = imapclient.IMAPClient(server.host, port=server.port, ssl=False, timeout=server.timeout)
                if server.security == "starttls":
                    client.starttls(context)
        except (OSError, IMAPClientError) as exc:
            raise MailboxError("IMAP: " + describe_connection_error(server.host, server.port, exc)) from None
        try:
            if server.oauth2_token.configured:
                client.oauth2_login(server.username, server.oauth2_token.reveal(self.environ))
            else:
                client.login(server.username, server.password.reveal(self.environ))
        except ImapLoginError:
            _quietly_close(client)
            raise LoginError(f"IMAP login refused for {server.username} at {server.host}") from None
        except (OSError, IMAPClientError) as exc:
            _quietly_close(client)
            raise MailboxError(f"IMAP login at {server.host} failed: {type(exc).__name__}") from None
        except BaseException:
            _quietly_close(client)
            raise
        self.client = client
        self._selected = ""

    def open(self) -> int:
        """Connect (if needed) and select the inbox read-only; returns UIDVALIDITY."""
        if self.client is None:
            self.connect()
        self._written = {}
        return self._select(self.settings.mailbox)

    def _select(self, folder: str) -> int:
        try:
            info = self.client.select_folder(folder, readonly=True)
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: cannot open folder {folder!r}: {exc}") from None
        self._selected = folder
        return int(info[b"UIDVALIDITY"])

    def close(self) -> None:
        """Log out; never raises."""
        if self.client is not None:
            _quietly_close(self.client)
        self.client = None

    def has_news(self) -> bool:
        """True when the inbox holds a UID above the highest that new_uids() has seen.

        It re-selects the inbox: a Maildir delivery landing in the same second as a session's last
        sync can stay invisible to NOOP and to IDLE, but not to a fresh SELECT.
        """
        info = self.client.select_folder(self.settings.mailbox, readonly=True)
        self._selected = self.settings.mailbox
        uidnext = int(info.get(b"UIDNEXT", 0) or 0)
        return uidnext > self._highest_uid + 1

    def idle_start(self) -> bool:
        """Enter IDLE on the inbox; True when the server announced news right away.

        Dovecot may send `* n EXISTS` in the same packet as `+ idling`; imaplib then holds it in
        its read buffer, where imapclient's idle_check (which polls the socket) never sees it.
        """
        self._ensure_inbox()
        self.client.idle()
        lines = self._buffered_lines()
        if lines:
            log.debug("IDLE started with: %s", lines)
        return any(b"EXISTS" in line or b"RECENT" in line for line in lines)

    def _buffered_lines(self) -> list[bytes]:
        """Lines already read from the socket into imaplib's buffer, without waiting for more."""
        imap = self.client._imap
        sock = self.client.socket()
        lines: list[bytes] = []
        sock.setblocking(False)
        try:
            while imap.file.peek(1):
                lines.append(imap._get_line())
        except (OSError, ValueError):
            pass
        finally:
            sock.setblocking(True)
            sock.settimeout(self.settings.server.timeout)
        return lines

    def idle_poll(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds in IDLE; True when the inbox changed (EXISTS, not keep-alives)."""
        responses = self.client.idle_check(timeout=timeout)
        if any(isinstance(r, tuple) and r and r[0] == b"BYE" for r in responses):
            raise MailboxError("IMAP server ended the session (BYE)")
        # imapclient reports a closed connection as "no news": look at the socket itself.
        if not responses and self._peer_closed():
            raise MailboxError("IMAP connection closed by the server")
        return _has_exists(responses)

    def _peer_closed(self) -> bool:
        sock = self.client.socket()
        try:
            sock.setblocking(False)
            return bool(sock.recv(1, socket.MSG_PEEK) == b"")
        except BlockingIOError:
            return False
        except OSError:
            return True
        finally:
            with contextlib.suppress(OSError):
                sock.setblocking(True)
                sock.settimeout(self.settings.server.timeout)

    def idle_stop(self) -> None:
        """Leave IDLE; never raises on a connection that already died."""
        with contextlib.suppress(Exception):
            self.client.idle_done()

    def supports_idle(self) -> bool:
        """True when the server announces IDLE."""
        return bool(self.client is not None and self.client.has_capability("IDLE"))

    # --- reading -------------------------------------------------------------------------------

    def new_uids(self, last_uid: int) -> list[int]:
        """UIDs above last_uid. `UID SEARCH UID n:*` always returns the last message, so filter."""
        self._ensure_inbox()
        uids = [int(u) for u in self.client.search(["UID", f"{last_uid + 1}:*"])]
        self._highest_uid = max([last_uid, *uids])
        return sorted(u for u in uids if u > last_uid)

    def _ensure_inbox(self) -> None:
        if self._selected != self.settings.mailbox:
            self._select(self.settings.mailbox)

    def candidates(self, uids: list[int], domains: list[str], thread_ids: list[str]) -> list[int] | None:
        """Server-side SEARCH: new UIDs whose From contains a platform domain, or whose References
        name a known thread. Substring matches are re-checked by the caller on the headers."""
        if not uids:
            return []
        self._ensure_inbox()
        terms: list[list[str]] = [["FROM", d] for d in domains]
        terms += [["HEADER", "References", t] for t in thread_ids]
        terms += [["HEADER", "In-Reply-To", t] for t in thread_ids]
        if not terms:
            return []
        found: set[int] = set()
        span = f"{uids[0]}:{uids[-1]}"
        for start in range(0, len(terms), 60):  # keeps each command a reasonable length
            chunk = terms[start : start + 60]
            criteria: list[str] = []
            for term in chunk[:-1]:
                criteria += ["OR", *term]
            criteria += chunk[-1]
            found.update(int(u) for u in self.client.search(["UID", span, *criteria]))
        wanted = set(uids)
        return sorted(u for u in found if u in wanted)

    def headers(self, uids: list[int]) -> dict[int, tuple[bytes, int]]:
        """Triage headers and sizes, fetched in chunks with BODY.PEEK."""
        self._ensure_inbox()
        spec = f"BODY.PEEK[HEADER.FIELDS ({' '.join(TRIAGE_HEADERS).upper()})]"
        out: dict[int, tuple[bytes, int]] = {}
        for chunk in _chunks(uids, _CHUNK):
            for uid, data in self.client.fetch(chunk, [spec, "RFC822.SIZE"]).items():
                header = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), b"") or b""
                out[int(uid)] = (bytes(header), int(data.get(b"RFC822.SIZE", 0)))
        return out

    def bodies(self, uids: list[int]) -> dict[int, bytes]:
        """Whole messages with BODY.PEEK[] (the \\Seen flag is left alone)."""
        self._ensure_inbox()
        out: dict[int, bytes] = {}
        for chunk in _chunks(uids, 100):
            for uid, data in self.client.fetch(chunk, ["BODY.PEEK[]"]).items():
                out[int(uid)] = bytes(data.get(b"BODY[]") or b"")
        return out

    def read_sent(self, last_uid: Callable[[int], int], want: Callable[[bytes], bool]) -> tuple[int, dict[int, bytes]]:
        """The Sent folder's UIDVALIDITY and its messages above `last_uid(UIDVALIDITY)` that `want` accepts.

        The Sent folder is found as for writing (configured, SPECIAL-USE, usual names); only the
        headers of every new message are fetched, whole messages only for those wanted.
        """
        uidvalidity = self._select(self.folder("sent"))
        start = last_uid(uidvalidity)
        out: dict[int, bytes] = {}
        try:
            uids = sorted(int(u) for u in self.client.search(["UID", f"{start + 1}:*"]) if int(u) > start)
            spec = f"BODY.PEEK[HEADER.FIELDS ({' '.join(TRIAGE_HEADERS).upper()})]"
            wanted: list[int] = []
            for chunk in _chunks(uids, _CHUNK):
                for uid, data in self.client.fetch(chunk, [spec]).items():
                    header = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), b"") or b""
                    if want(bytes(header)):
                        wanted.append(int(uid))
            for chunk in _chunks(sorted(wanted), 100):
                for uid, data in self.client.fetch(chunk, ["BODY.PEEK[]"]).items():
                    out[int(uid)] = bytes(data.get(b"BODY[]") or b"")
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: cannot read the Sent folder: {exc}") from None
        finally:
            self._select(self.settings.mailbox)
        return uidvalidity, out

    # --- writing -------------------------------------------------------------------------------

    def folder(self, kind: str) -> str:
        """The Drafts or Sent folder: configured, else SPECIAL-USE, else a usual name, else created."""
        if kind in self._folders:
            return self._folders[kind]
        configured = self.settings.drafts if kind == "drafts" else self.settings.sent
        name = configured
        if not name:
            try:
                name = self.client.find_special_folder(_SPECIAL[kind])
            except IMAPClientError:
                name = None
        if not name:
            existing = {str(f[2]) for f in self.client.list_folders()}
            name = next((n for n in _FALLBACK_NAMES[kind] if n in existing), None)
        if not name:
            name = _FALLBACK_NAMES[kind][0]
            try:
                self.client.create_folder(name)
            except IMAPClientError as exc:
                raise MailboxError(f"IMAP: no {kind} folder and cannot create {name!r}: {exc}") from None
        self._folders[kind] = str(name)
        return str(name)

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """Whether the folder holds a message with this Message-ID.

        The folder is searched once per scan (`open` starts a scan) for every message mailbot wrote
        (every Message-ID there, matched on the client), and they are kept; what this connection
        appends afterwards is added to them.
        """
        if folder not in self._written:
            self._written[folder] = self._mailbot_message_ids(self.folder(folder))
        return message_id in self._written[folder]

    def _mailbot_message_ids(self, name: str) -> set[str]:
        self._select(name)
        try:
            uids = self.client.search(["ALL"])
            ids: set[str] = set()
            for chunk in _chunks(sorted(uids), _CHUNK):
                for data in self.client.fetch(chunk, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]).values():
                    header = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), b"") or b""
                    ids.update(m.decode("ascii", "replace") for m in re.findall(rb"<[^<>\s]+>", bytes(header)))
        finally:
            self._select(self.settings.mailbox)
        return ids

    def append(self, folder: str, raw: bytes, *, draft: bool) -> None:
        """APPEND to Drafts with \\Draft \\Seen, or to Sent with \\Seen."""
        flags = [DRAFT, SEEN] if draft else [SEEN]
        try:
            self.client.append(self.folder(folder), raw, flags=flags, msg_time=datetime.now(UTC))
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: APPEND to {folder} failed: {exc}") from None
        if folder in self._written:
            self._written[folder].update(m.decode() for m in re.findall(rb"(?im)^Message-ID:\s*(<[^<>\s]+>)", raw))


def _has_exists(responses: Iterable[Any]) -> bool:
    return any(isinstance(r, tuple) and len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses)


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _quietly_close(client: Any) -> None:
    try:
        client.logout()
    except Exception:  # already broken: closing is best effort
        with contextlib.suppress(Exception):
            client.shutdown()
