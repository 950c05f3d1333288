"""An IMAP account as a mailbox (imapclient): read-only inbox, BODY.PEEK, APPEND to Drafts and Sent."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import imapclient
from imapclient.exceptions import IMAPClientError
from imapclient.exceptions import LoginError as ImapLoginError
from imapclient.imapclient import DRAFT, SEEN

from mailbot.config import ImapSettings
from mailbot.errors import LoginError, MailboxError
from mailbot.mailboxes import TEACH_ROOT, TRIAGE_HEADERS, idle
from mailbot.net import describe_connection_error, tls_context

log = logging.getLogger(__name__)

# Names mail clients and servers give these folders, first the one mailbot creates; matched under the
# personal namespace, case-insensitively.
LOCALISED_NAMES = {
    "drafts": (
        "Drafts", "Draft", "Entwürfe", "Bozze", "Brouillons", "Borradores", "Concepten", "Concepts",
        "Rascunhos", "Utkast", "Kladder", "Luonnokset", "Szkice",
    ),
    "sent": (
        "Sent", "Sent Items", "Sent Messages", "Sent Mail", "Gesendet", "Gesendete Elemente",
        "Gesendete Objekte", "Inviata", "Posta inviata", "Inviati", "Envoyés", "Éléments envoyés",
        "Messages envoyés", "Enviados", "Elementos enviados", "Verzonden", "Verzonden items", "Itens enviados",
    ),
}  # fmt: skip
_USE = {"drafts": b"\\Drafts", "sent": b"\\Sent"}
_UNUSABLE = {b"\\noselect", b"\\nonexistent"}
_CHUNK = 500
_HEADER_CHUNK = 2000  # one FETCH streams while it is read: fewer, larger chunks overlap the server's work
# Bodies are fetched in batches of at most this many bytes (sizes are known from triage) or messages.
BODY_BATCH_BYTES = 4_000_000
BODY_BATCH_MESSAGES = 200
_MSGID = re.compile(rb"<[^<>\s]+>")
_TRIAGE_SPEC = f"BODY.PEEK[HEADER.FIELDS ({' '.join(TRIAGE_HEADERS).upper()})]"
_FETCH_LINE = re.compile(rb"\* \d+ FETCH \(", re.IGNORECASE)
_LITERAL_END = re.compile(rb"\{(\d+)\}\r?\n\Z")
_FETCH_UID = re.compile(rb"[( ]UID (\d+)")
_FETCH_SIZE = re.compile(rb"[( ]RFC822\.SIZE (\d+)")
_EMPTY_HEADER = re.compile(rb'BODY\[HEADER[^\]]{0,1000}\] (?:NIL|"")')
_OWN_MSGID = re.compile(rb"(?im)^Message-ID:[ \t]*(<[^<>\s]+>)")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


@dataclass(slots=True)
class _FolderIds:
    """The Message-IDs of one folder, as of UIDVALIDITY and the UIDs below `next_uid`."""

    uidvalidity: int
    next_uid: int = 1
    ids: set[str] = field(default_factory=set)


class ImapMailbox:
    """One IMAP account: the inbox is opened read-only, so mailbot never marks mail as read."""

    def __init__(self, settings: ImapSettings, environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.environ = environ
        server = settings.server
        self.has_uids = True
        self.name = f"imap://{server.username}@{server.host}:{server.port}/{settings.mailbox}"
        self._client: Any = None
        self._busy: threading.Thread | None = None  # connecting or appending in the background
        self._connect_failed: list[BaseException] = []
        self._folders: dict[str, str] = {}
        self._listing: list[tuple[tuple[bytes, ...], str]] | None = None
        self._namespace: tuple[str, str] | None = None
        self._selected = ""
        self._ids: dict[str, _FolderIds] = {}
        self._ids_checked: set[str] = set()
        self._sizes: dict[int, int] = {}
        self._highest_uid = 0
        self._inbox_uidnext = 0
        self._tags = 0

    # --- connection ----------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The connection, once what runs on it in the background has ended (start_connect, whose error
        is raised here, or start_append_many)."""
        self._wait()
        if self._connect_failed:
            raise self._connect_failed.pop()
        return self._client

    @client.setter
    def client(self, value: Any) -> None:
        self._client = value

    def _wait(self) -> None:
        busy = self._busy
        if busy is not None and busy is not threading.current_thread():
            busy.join()
            self._busy = None

    def start_connect(self) -> None:
        """connect() on a thread of its own, so that logging in overlaps the caller's own start-up; the
        first use of the connection waits for it, and raises what it raised."""
        if self._client is not None or self._busy is not None:
            return

        def work() -> None:
            try:
                self.connect()
            except BaseException as exc:  # raised by the next use of `client`
                self._connect_failed.append(exc)

        self._busy = threading.Thread(target=work, name="mailbot-connect", daemon=True)
        self._busy.start()

    def connect(self) -> None:
        """Connect and log in; errors are MailboxError / LoginError with one clear line."""
        server = self.settings.server
        try:
            if server.security == "tls":
                client = imapclient.IMAPClient(
                    server.host,
                    port=server.port,
                    ssl=True,
                    ssl_context=tls_context(server.ca_file),
                    timeout=server.timeout,
                )
            else:
                client = imapclient.IMAPClient(server.host, port=server.port, ssl=False, timeout=server.timeout)
                if server.security == "starttls":
                    client.starttls(tls_context(server.ca_file))
        except (OSError, IMAPClientError) as exc:
            reason = describe_connection_error(server.host, server.port, exc, tls_port=993)
            raise MailboxError("IMAP: " + reason) from None
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
        self._folders = {}
        self._listing = None
        self._namespace = None

    def open(self) -> int:
        """Connect (if needed) and select the inbox read-only; returns UIDVALIDITY. A configured Drafts folder
        that does not exist stops it here, before any message is looked at."""
        if self.client is None:
            self.connect()
        self._ids_checked = set()
        self._sizes = {}
        if self.settings.drafts and "drafts" not in self._folders:
            self.folder("drafts")
        return self._select(self.settings.mailbox)

    def _select(self, folder: str) -> int:
        try:
            info = self.client.select_folder(folder, readonly=True)
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: cannot open folder {folder!r}: {exc}") from None
        self._selected = folder
        if folder == self.settings.mailbox:
            self._inbox_uidnext = int(info.get(b"UIDNEXT", 0) or 0)
        return int(info[b"UIDVALIDITY"])

    def close(self) -> None:
        """Log out; never raises."""
        self._wait()
        self._connect_failed.clear()
        if self._client is not None:
            _quietly_close(self._client)
        self._client = None

    def has_news(self) -> bool:
        """True when the inbox holds a UID above the highest that new_uids() has seen.

        It re-selects the inbox: a Maildir delivery landing in the same second as a session's last
        sync can stay invisible to NOOP and to IDLE, but not to a fresh SELECT.
        """
        info = self.client.select_folder(self.settings.mailbox, readonly=True)
        self._selected = self.settings.mailbox
        uidnext = int(info.get(b"UIDNEXT", 0) or 0)
        return uidnext > self._highest_uid + 1

    def idle(self, timeout: float, should_stop: Callable[[], bool] = lambda: False) -> bool:
        """IDLE on the inbox for up to `timeout` seconds (mailboxes.idle); True when a message arrived."""
        self._ensure_inbox()
        return idle.idle(self.client, timeout, should_stop=should_stop)

    def supports_idle(self) -> bool:
        """True when the server announces IDLE."""
        return bool(self.client is not None and self.client.has_capability("IDLE"))

    # --- reading -------------------------------------------------------------------------------

    def new_uids(self, last_uid: int) -> list[int]:
        """UIDs above last_uid. `UID SEARCH UID n:*` always returns the last message, so filter."""
        self._ensure_inbox()
        uidnext, self._inbox_uidnext = self._inbox_uidnext, 0
        if 0 < uidnext <= last_uid + 1:
            # The SELECT just made says no UID above last_uid exists: nothing to search for.
            self._highest_uid = last_uid
            return []
        uids = [int(u) for u in self.client.search(["UID", f"{last_uid + 1}:*"])]
        self._highest_uid = max([last_uid, *uids])
        return sorted(u for u in uids if u > last_uid)

    def _ensure_inbox(self) -> None:
        if self._selected != self.settings.mailbox:
            self._select(self.settings.mailbox)

    def headers(self, uids: list[int]) -> Iterator[tuple[int, bytes, int]]:
        """Each message's triage headers and size, fetched in chunks with BODY.PEEK, in UID order.

        A UID the server no longer holds (expunged meanwhile) is left out; one it holds but did not
        answer for raises MailboxError, so that no message is passed over unseen.
        """
        for chunk in _chunks(sorted(uids), _HEADER_CHUNK):
            self._ensure_inbox()
            answer = self._fetch_headers(chunk)
            missing = [u for u in chunk if u not in answer]
            if missing:
                # A second chance through imapclient's general parser, then: vanished, or unread?
                for uid, data in self._fetch(missing, [_TRIAGE_SPEC, "RFC822.SIZE"]).items():
                    header = _header_part(data)
                    if header is not None and uid in missing:
                        answer[uid] = (header, int(data.get(b"RFC822.SIZE", 0)))
                unread = [u for u in self._search_uids(missing) if u not in answer]
                if unread:
                    raise MailboxError(f"IMAP: the server did not return the headers of UID {unread[0]}")
            for uid in chunk:
                if uid in answer:
                    header, size = answer[uid]
                    self._sizes[uid] = size
                    yield uid, header, size

    def _fetch_headers(self, uids: list[int]) -> dict[int, tuple[bytes, int]]:
        """UID FETCH of triage headers and sizes, read line by line through imaplib's public
        send/readline/read: imaplib's and imapclient's general response handling cost several times
        what the server does for thousands of small answers. Answers this cannot read are left out
        (the caller asks again through imapclient); unsolicited responses are skipped."""
        imap = self.client._imap
        self._tags += 1
        tag = b"mb%d" % self._tags  # imaplib's own tags are upper-case letters and digits
        imap.send(b"%s UID FETCH %s (UID RFC822.SIZE %s)\r\n" % (tag, _uid_set(uids).encode(), _TRIAGE_SPEC.encode()))
        return read_fetch_answers(imap, tag)

    def bodies(self, uids: list[int]) -> Iterator[tuple[int, bytes]]:
        """Whole messages with BODY.PEEK[] (the \\Seen flag is left alone), in batches bounded by the
        sizes triage saw; each is yielded as it is read. A UID without an answer is not yielded."""
        batch: list[int] = []
        batch_bytes = 0
        for uid in uids:
            size = self._sizes.get(uid, 0)
            if batch and (batch_bytes + size > BODY_BATCH_BYTES or len(batch) >= BODY_BATCH_MESSAGES):
                yield from self._bodies(batch)
                batch, batch_bytes = [], 0
            batch.append(uid)
            batch_bytes += size
        if batch:
            yield from self._bodies(batch)

    def _bodies(self, batch: list[int]) -> Iterator[tuple[int, bytes]]:
        self._ensure_inbox()
        answer = self._fetch(batch, ["BODY.PEEK[]"])
        for uid in batch:
            data = answer.pop(uid, None)
            body = data.get(b"BODY[]") if data else None
            if body is not None:
                yield uid, bytes(body)
            del data, body

    def _fetch(self, uids: list[int], items: list[str]) -> dict[int, dict[bytes, Any]]:
        try:
            answer = self.client.fetch(uids, items)
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: FETCH failed: {exc}") from None
        return {int(uid): data for uid, data in answer.items()}

    def _search_uids(self, uids: list[int]) -> list[int]:
        """Which of these UIDs the selected folder holds (a search by UID, which every server answers)."""
        if not uids:
            return []
        try:
            found = self.client.search(["UID", _uid_set(uids)])
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: SEARCH UID failed: {exc}") from None
        wanted = set(uids)
        return [int(u) for u in found if int(u) in wanted]

    # --- folders -------------------------------------------------------------------------------

    def namespace(self) -> tuple[str, str]:
        """The personal namespace's prefix and hierarchy separator (e.g. ("INBOX.", ".") on Courier)."""
        if self._namespace is None:
            prefix, separator = "", ""
            if self.client.has_capability("NAMESPACE"):
                try:
                    personal = self.client.namespace().personal
                except IMAPClientError:
                    personal = None
                if personal:
                    prefix, separator = str(personal[0][0] or ""), str(personal[0][1] or "")
            if not separator:
                with contextlib.suppress(IMAPClientError, IndexError):
                    # LIST "" "" answers with the separator alone.
                    listed = self.client.list_folders("", "")
                    separator = _text(listed[0][1]) if listed and listed[0][1] else ""
            self._namespace = (prefix, separator or "/")
        return self._namespace

    def folder_path(self, *parts: str) -> str:
        """A folder's full name in the personal namespace: folder_path("Mailbot", "acceptance")."""
        prefix, separator = self.namespace()
        if prefix and not prefix.endswith(separator):
            prefix += separator
        return prefix + separator.join(parts)

    def _folder_list(self) -> list[tuple[tuple[bytes, ...], str]]:
        if self._listing is None:
            try:
                listed = self.client.list_folders()
            except IMAPClientError as exc:
                raise MailboxError(f"IMAP: LIST failed: {exc}") from None
            self._listing = [
                (tuple(bytes(f) for f in flags), str(name))
                for flags, _sep, name in listed
                if not {bytes(f).lower() for f in flags} & _UNUSABLE
            ]
        return self._listing

    def read_sent(
        self, last_uid: Callable[[int], int], want: Callable[[bytes], bool]
    ) -> tuple[int, int, dict[int, bytes]]:
        """The Sent folder's UIDVALIDITY and its messages above `last_uid(UIDVALIDITY)` that `want` accepts.

        The Sent folder is found as for writing (configured, SPECIAL-USE, usual names) but never
        created; only the headers of every new message are fetched, whole messages only for those wanted.
        """
        name = self.find_folder("sent")
        if name is None and self.settings.sent:
            # A misspelt name would leave every request unread, each case dated from the controller's answer.
            raise MailboxError(
                f"IMAP: no folder {self.settings.sent!r} ([imap] sent): the requests you sent are not read; "
                "set it to an existing folder, or remove it to find Sent by itself"
            )
        if name is None:
            return 0, 0, {}  # reading never creates the folder
        uidvalidity = self._select(name)
        start = last_uid(uidvalidity)
        out: dict[int, bytes] = {}
        uids: list[int] = []
        try:
            uids = sorted(int(u) for u in self.client.search(["UID", f"{start + 1}:*"]) if int(u) > start)
            wanted: list[int] = []
            for chunk in _chunks(uids, _CHUNK):
                for uid, data in self.client.fetch(chunk, [_TRIAGE_SPEC]).items():
                    if want(_header_part(data) or b""):
                        wanted.append(int(uid))
            for chunk in _chunks(sorted(wanted), 100):
                for uid, data in self.client.fetch(chunk, ["BODY.PEEK[]"]).items():
                    out[int(uid)] = bytes(data.get(b"BODY[]") or b"")
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: cannot read the Sent folder: {exc}") from None
        finally:
            self._select(self.settings.mailbox)
        return uidvalidity, max(uids, default=start), out

    def folder(self, kind: str) -> str:
        """The Drafts or Sent folder: configured, else marked with SPECIAL-USE, else a usual (or
        localised) name under the personal namespace, else created there. A configured Drafts folder
        that does not exist is an error, never created."""
        if kind in self._folders:
            return self._folders[kind]
        configured = self.settings.drafts if kind == "drafts" else self.settings.sent
        name = self.find_folder(kind)
        if name is None and configured:
            # A misspelt name used to be created: the drafts (or sent copies) went where no mail client
            # shows them. For Drafts a configuration error, which open() meets before the scan looks at
            # any message; for Sent, `missing` keeps a send from being made at all.
            raise MailboxError(self.missing(kind) or "")
        if name is None:
            name = self._create(kind, configured or self.folder_path(LOCALISED_NAMES[kind][0]))
        self._folders[kind] = name
        return name

    def missing(self, kind: str) -> str | None:
        """Why nothing can be stored in the Drafts or Sent folder: the configured one does not exist
        (None when it exists, or is not configured and is found or created as needed)."""
        configured = self.settings.drafts if kind == "drafts" else self.settings.sent
        if not configured or self.find_folder(kind) is not None:
            return None
        if kind == "drafts":
            return (
                f"IMAP: no folder {configured!r} ([imap] drafts): no draft is written; "
                "set it to an existing folder (the one your mail client shows as Drafts), "
                "or remove it to find Drafts by itself"
            )
        return (
            f"IMAP: no folder {configured!r} ([imap] sent): nothing is sent, for no copy could be kept; "
            "set it to an existing folder (the one your mail client shows as Sent), "
            "or remove it to find Sent by itself"
        )

    def find_folder(self, kind: str) -> str | None:
        """The Drafts or Sent folder as `folder` finds it, without creating it (None when there is none)."""
        if kind in self._folders:
            return self._folders[kind]
        configured = self.settings.drafts if kind == "drafts" else self.settings.sent
        listing = self._folder_list()
        by_name = {name.casefold(): name for _flags, name in listing}
        if configured:
            return by_name.get(configured.casefold())
        name = next((n for flags, n in listing if _USE[kind].lower() in {f.lower() for f in flags}), None)
        if name is None:
            _prefix, separator = self.namespace()
            for local in LOCALISED_NAMES[kind]:
                for candidate in (self.folder_path(local), local, f"INBOX{separator}{local}"):
                    name = name or by_name.get(candidate.casefold())
        return name

    def _create(self, kind: str, name: str) -> str:
        """CREATE the folder, marked as Drafts/Sent where the server offers CREATE-SPECIAL-USE."""
        try:
            if self.client.has_capability("CREATE-SPECIAL-USE"):
                typ, data = self.client._imap._simple_command(
                    "CREATE", self.client._normalise_folder(name), b"(USE (" + _USE[kind] + b"))"
                )
                self.client._checkok("create", typ, data)
            else:
                self.client.create_folder(name)
        except (IMAPClientError, imaplib.IMAP4.error) as exc:
            reason = _text(exc).strip() or type(exc).__name__
            raise MailboxError(
                f"IMAP: no {kind} folder found and the server refused to create {name!r} ({reason}); "
                f'set {kind} = "<folder>" in [imap] to an existing folder'
            ) from None
        with contextlib.suppress(IMAPClientError, imaplib.IMAP4.error):
            self.client.subscribe_folder(name)  # so that mail clients show it
        self._listing = None
        log.info("created the %s folder %r", kind, name)
        return name

    # --- the person's teaching folders ----------------------------------------------------------

    def teaching_folders(self, names: Sequence[str], *, create: bool) -> dict[str, str]:
        """The folders Mailbot/<name> in the personal namespace that exist; with `create`, the missing
        ones are created (and subscribed, so that mail clients show them) first."""
        by_name = {name.casefold(): name for _flags, name in self._folder_list()}
        found: dict[str, str] = {}
        for name in names:
            path = self.folder_path(TEACH_ROOT, name)
            if path.casefold() in by_name:
                found[name] = by_name[path.casefold()]
            elif create:
                try:
                    self.client.create_folder(path)
                except IMAPClientError as exc:
                    raise MailboxError(f"IMAP: cannot create the folder {path!r}: {_text(exc).strip()}") from None
                with contextlib.suppress(IMAPClientError):
                    self.client.subscribe_folder(path)
                self._listing = None
                log.info("created the teaching folder %r", path)
                found[name] = path
        return found

    def read_folder(
        self, folder: str, pick: Callable[[int, list[int]], list[int]], *, above: Callable[[int], int], max_bytes: int
    ) -> tuple[int, list[int], dict[int, bytes | None]]:
        """The folder's UIDVALIDITY, its UIDs above `above(UIDVALIDITY)`, and the picked messages
        (BODY.PEEK: nothing is marked read; None for one larger than max_bytes)."""
        out: dict[int, bytes | None] = {}
        with contextlib.suppress(IMAPClientError):
            # Nothing above the position: STATUS says so without opening the folder (the usual case).
            status = self.client.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT"])
            validity, uidnext = int(status.get(b"UIDVALIDITY", 0) or 0), int(status.get(b"UIDNEXT", 0) or 0)
            if validity and uidnext and uidnext - 1 <= above(validity):
                return validity, [], out
        try:
            # Inside the try: a failed SELECT leaves no folder selected, and the inbox is selected again below.
            uidvalidity = self._select(folder)
            start = above(uidvalidity)
            present = sorted(int(u) for u in self.client.search(["UID", f"{start + 1}:*"]) if int(u) > start)
            for chunk in _chunks(pick(uidvalidity, present), 20):
                sizes = self._fetch(chunk, ["RFC822.SIZE"])
                small = []
                for uid, data in sizes.items():
                    if int(data.get(b"RFC822.SIZE", 0) or 0) > max_bytes:
                        out[uid] = None
                    else:
                        small.append(uid)
                for uid, data in self._fetch(small, ["BODY.PEEK[]"]).items() if small else ():
                    out[uid] = bytes(data.get(b"BODY[]") or b"")
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: cannot read the folder {folder!r}: {exc}") from None
        finally:
            with contextlib.suppress(IMAPClientError, MailboxError):
                self._select(self.settings.mailbox)
        return uidvalidity, present, out

    # --- own messages --------------------------------------------------------------------------

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """Whether the folder ('drafts' or 'sent') holds a message with this Message-ID.

        The Message-IDs are read (HEADER.FIELDS (MESSAGE-ID), matched here, never by the server's
        SEARCH) once per scan, and only for UIDs not read before under the same UIDVALIDITY. An
        answer that cannot be trusted raises MailboxError: the message is retried later rather than
        risking a second copy.
        """
        return message_id in self._message_ids(folder)

    def _message_ids(self, kind: str) -> set[str]:
        if kind == "sent" and self.missing(kind):
            return set()  # a configured Sent that does not exist holds nothing; it is not created to look
        name = self.folder(kind)
        if name in self._ids_checked:
            return self._ids[name].ids
        try:
            self._refresh_ids(name)
        finally:
            with contextlib.suppress(IMAPClientError, MailboxError):
                self._select(self.settings.mailbox)
        self._ids_checked.add(name)
        return self._ids[name].ids

    def _refresh_ids(self, name: str) -> None:
        known = self._ids.get(name)
        if known is not None:
            # Nothing new since the last read: STATUS says so without opening the folder.
            with contextlib.suppress(IMAPClientError):
                status = self.client.folder_status(name, [b"UIDVALIDITY", b"UIDNEXT"])
                validity, uidnext = int(status.get(b"UIDVALIDITY", 0) or 0), int(status.get(b"UIDNEXT", 0) or 0)
                if validity and validity == known.uidvalidity and 0 < uidnext <= known.next_uid:
                    return
        try:
            info = self.client.select_folder(name, readonly=True)
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: cannot open folder {name!r}: {exc}") from None
        self._selected = name
        validity = int(info.get(b"UIDVALIDITY", 0) or 0)
        uidnext = int(info.get(b"UIDNEXT", 0) or 0)
        known = self._ids.get(name)
        if known is None or known.uidvalidity != validity or not validity:
            known = _FolderIds(validity)
        if uidnext and uidnext <= known.next_uid:
            self._ids[name] = known
            return
        try:
            # `n:*` always includes the highest UID, even below n: filtered below.
            found = self.client.search(["UID", f"{known.next_uid}:*"])
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: cannot read the Message-IDs in {name!r}: {exc}") from None
        present = sorted(int(u) for u in found if int(u) >= known.next_uid)
        ids: set[str] = set()
        for chunk in _chunks(present, _CHUNK):
            answer = self._fetch(chunk, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
            for uid in chunk:
                header = _header_part(answer[uid]) if uid in answer else None
                if header is None:
                    raise MailboxError(f"IMAP: the server did not return the Message-ID of UID {uid} in {name!r}")
                ids.update(m.decode("ascii", "replace") for m in _MSGID.findall(header))
        known.ids |= ids
        known.next_uid = max([known.next_uid, uidnext, *(u + 1 for u in present)])
        self._ids[name] = known

    def append(self, folder: str, raw: bytes, *, draft: bool) -> None:
        """APPEND to Drafts with \\Draft \\Seen, or to Sent with \\Seen."""
        self.append_many(folder, [raw], draft=draft)

    def append_many(self, folder: str, raws: list[bytes], *, draft: bool) -> None:
        """APPEND several messages at once: one MULTIAPPEND (RFC 3502: all or none, one round trip and
        one disk sync on the server) where offered, else one by one."""
        if raws:
            self._append_many(self.client, self.folder(folder), raws, draft=draft)

    def start_append_many(self, folder: str, raws: list[bytes], *, draft: bool) -> Callable[[], None]:
        """append_many on a thread of its own, so that the server's work (storing, syncing to disk)
        overlaps the caller's; returns a function that waits for the end and raises what append_many
        would. Until it ends, every other use of the connection waits for it (`client`)."""
        if not raws:
            return lambda: None
        client, name = self.client, self.folder(folder)
        failed: list[BaseException] = []

        def work() -> None:
            try:
                self._append_many(client, name, raws, draft=draft)
            except BaseException as exc:  # handed to the caller by wait()
                failed.append(exc)

        thread = threading.Thread(target=work, name="mailbot-append", daemon=True)
        self._busy = thread
        thread.start()

        def wait() -> None:
            thread.join()
            if self._busy is thread:
                self._busy = None
            if failed:
                raise failed[0]

        return wait

    def _append_many(self, client: Any, name: str, raws: list[bytes], *, draft: bool) -> None:
        flags = [DRAFT, SEEN] if draft else [SEEN]
        now = datetime.now(UTC)
        try:
            if len(raws) > 1 and client.has_capability("MULTIAPPEND"):
                # imapclient hands back a NO answer to MULTIAPPEND instead of raising it.
                status, data = client.multiappend(name, [{"msg": raw, "flags": flags, "date": now} for raw in raws])
                if status != "OK":
                    said = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
                    raise IMAPClientError(f"{status} {said}"[:200])
            else:
                for raw in raws:
                    client.append(name, raw, flags=flags, msg_time=now)
        except IMAPClientError as exc:
            raise MailboxError(f"IMAP: APPEND to {name!r} failed: {exc}") from None
        if name in self._ids:
            for raw in raws:
                header = _HEADER_END.split(raw, maxsplit=1)[0]
                for match in _OWN_MSGID.finditer(header):
                    self._ids[name].ids.add(match.group(1).decode("ascii", "replace"))


class _Reader(Protocol):
    def readline(self) -> bytes: ...
    def read(self, size: int, /) -> bytes: ...


def read_fetch_answers(stream: _Reader, tag: bytes) -> dict[int, tuple[bytes, int]]:
    """Read the answers to a `UID FETCH (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS ...])` up to its
    tagged completion: UID -> (header block, size). Items may come in any order; the header may be a
    literal, NIL or ""; unsolicited responses (EXISTS, FLAGS) are skipped; a failed completion raises
    MailboxError."""
    out: dict[int, tuple[bytes, int]] = {}
    while True:
        segments = [_line(stream)]
        literal: bytes | None = None
        while found := _LITERAL_END.search(segments[-1]):
            size = int(found.group(1))
            data = stream.read(size)
            if len(data) != size:
                raise MailboxError("IMAP: the connection closed in the middle of an answer")
            literal = data if literal is None else literal
            segments.append(_line(stream))
        text = b"".join(segments)
        if text.startswith(tag + b" "):
            if not text[len(tag) + 1 :].upper().startswith(b"OK"):
                raise MailboxError(f"IMAP: FETCH failed: {_text(text).strip()}")
            return out
        if not _FETCH_LINE.match(text):
            continue
        uid, size_found = _FETCH_UID.search(text), _FETCH_SIZE.search(text)
        if uid and size_found and (literal is not None or _EMPTY_HEADER.search(text)):
            out[int(uid.group(1))] = (literal or b"", int(size_found.group(1)))


def _line(stream: _Reader) -> bytes:
    line = bytes(stream.readline())
    if not line.endswith(b"\n"):
        raise MailboxError("IMAP: the connection closed in the middle of an answer")
    return line


def _header_part(data: Mapping[bytes, Any]) -> bytes | None:
    """The BODY[HEADER.FIELDS (...)] item of a FETCH answer (None when the server sent none)."""
    for key, value in data.items():
        if key.startswith(b"BODY[HEADER"):
            return bytes(value or b"")
    return None


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _uid_set(uids: list[int]) -> str:
    """An IMAP sequence set with runs folded: [1, 2, 3, 7] -> "1:3,7"."""
    parts: list[str] = []
    ordered = sorted(set(uids))
    start = prev = ordered[0] if ordered else 0
    for uid in ordered[1:]:
        if uid != prev + 1:
            parts.append(f"{start}:{prev}" if prev > start else str(start))
            start = uid
        prev = uid
    if ordered:
        parts.append(f"{start}:{prev}" if prev > start else str(start))
    return ",".join(parts)


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _quietly_close(client: Any) -> None:
    try:
        client.logout()
    except Exception:  # already broken: closing is best effort
        with contextlib.suppress(Exception):
            client.shutdown()
