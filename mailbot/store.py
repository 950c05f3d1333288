"""SQLite state: messages seen, verdicts, replies written, and cases; with schema migrations."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mailbot.errors import StateError
from mailbot.models import DeliveryMode, DeliveryStatus, MessageStatus

_MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001-initial",
        """
        CREATE TABLE mailbox_state (
            mailbox TEXT NOT NULL, uidvalidity INTEGER NOT NULL, last_uid INTEGER NOT NULL,
            PRIMARY KEY (mailbox, uidvalidity)
        );
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY, platform TEXT NOT NULL, thread_key TEXT NOT NULL UNIQUE,
            subject TEXT NOT NULL DEFAULT '', ticket TEXT NOT NULL DEFAULT '',
            opened TEXT NOT NULL, due TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open',
            last_category TEXT NOT NULL DEFAULT '', last_message_at TEXT NOT NULL DEFAULT '',
            extended INTEGER NOT NULL DEFAULT 0, reminded INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE messages (
            mailbox TEXT NOT NULL, uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,
            message_id TEXT NOT NULL DEFAULT '', sender TEXT NOT NULL DEFAULT '',
            subject TEXT NOT NULL DEFAULT '', category TEXT, platform TEXT, language TEXT,
            confidence REAL, rule TEXT, evidence TEXT, action TEXT, reason TEXT,
            reply_message_id TEXT, status TEXT NOT NULL, error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
            case_id INTEGER REFERENCES cases(id), seen_at TEXT NOT NULL,
            PRIMARY KEY (mailbox, uidvalidity, uid)
        );
        CREATE INDEX messages_message_id ON messages(message_id);
        CREATE TABLE case_messages (
            case_id INTEGER NOT NULL REFERENCES cases(id), message_id TEXT NOT NULL,
            category TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (case_id, message_id)
        );
        CREATE INDEX case_messages_message_id ON case_messages(message_id);
        CREATE TABLE replies (
            reply_message_id TEXT PRIMARY KEY, original_message_id TEXT NOT NULL,
            case_id INTEGER REFERENCES cases(id), template TEXT NOT NULL, mode TEXT NOT NULL,
            status TEXT NOT NULL, attempted_at TEXT NOT NULL, delivered_at TEXT, error TEXT
        );
        CREATE INDEX replies_original ON replies(original_message_id);
        """,
    ),
    (
        # A failed message is retried at retry_at; NULL on a failed row means mailbot gave up on it.
        "0002-retries",
        """
        ALTER TABLE messages ADD COLUMN retry_at TEXT;
        UPDATE messages SET retry_at = seen_at WHERE status = 'failed' AND attempts < 5;
        CREATE INDEX messages_retry ON messages(status, retry_at);
        """,
    ),
    (
        # Cases begin with the person's request: who it went to, what it asked, when (the clock's start).
        "0003-requests",
        """
        ALTER TABLE cases ADD COLUMN controller TEXT NOT NULL DEFAULT '';
        ALTER TABLE cases ADD COLUMN request_types TEXT NOT NULL DEFAULT '';
        ALTER TABLE cases ADD COLUMN request_date TEXT NOT NULL DEFAULT '';
        ALTER TABLE cases ADD COLUMN request_text TEXT NOT NULL DEFAULT '';
        ALTER TABLE cases ADD COLUMN request_message_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE cases ADD COLUMN due_basis TEXT NOT NULL DEFAULT 'controller-message';
        ALTER TABLE cases ADD COLUMN extension_note TEXT NOT NULL DEFAULT '';
        ALTER TABLE cases ADD COLUMN request_to TEXT NOT NULL DEFAULT '';
        UPDATE cases SET controller = platform WHERE controller = '';
        CREATE INDEX cases_controller ON cases(controller, status);
        ALTER TABLE case_messages ADD COLUMN direction TEXT NOT NULL DEFAULT 'in';
        ALTER TABLE case_messages ADD COLUMN dated TEXT NOT NULL DEFAULT '';
        ALTER TABLE case_messages ADD COLUMN sender TEXT NOT NULL DEFAULT '';
        ALTER TABLE case_messages ADD COLUMN subject TEXT NOT NULL DEFAULT '';
        ALTER TABLE case_messages ADD COLUMN rule TEXT NOT NULL DEFAULT '';
        CREATE TABLE sent_messages (
            message_id TEXT PRIMARY KEY, in_reply_to TEXT NOT NULL DEFAULT '', refs TEXT NOT NULL DEFAULT '',
            dated TEXT NOT NULL DEFAULT '', case_id INTEGER REFERENCES cases(id), seen_at TEXT NOT NULL
        );
        CREATE INDEX sent_messages_reply ON sent_messages(in_reply_to)
        """,
    ),
    (
        "0004-recipients",
        """
        ALTER TABLE replies ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
        CREATE INDEX replies_attempted ON replies(attempted_at);
        """,
    ),
]

# Replies that answer their message: written, or perhaps written (DeliveryStatus.counts).
_ANSWERING = tuple(s.value for s in DeliveryStatus if s.counts)


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case as stored."""

    id: int
    platform: str
    thread_key: str
    subject: str
    ticket: str
    opened: str
    due: str
    status: str
    last_category: str
    last_message_at: str
    extended: bool
    reminded: bool
    controller: str = ""
    request_types: str = ""
    request_date: str = ""
    request_text: str = ""
    request_message_id: str = ""
    due_basis: str = ""
    extension_note: str = ""
    request_to: str = ""

    def overdue(self, today: date) -> bool:
        """True when the platform has not closed the case and its due date has passed."""
        return self.status == "open" and date.fromisoformat(self.due) < today


@dataclass(frozen=True, slots=True)
class ReplyRow:
    """One reply mailbot wrote or set out to write, as recorded by the delivery protocol."""

    reply_message_id: str
    original_message_id: str
    case_id: int | None
    template: str
    mode: DeliveryMode
    status: DeliveryStatus
    attempted_at: str
    delivered_at: str | None = None
    error: str | None = None
    recipient: str = ""


@dataclass(frozen=True, slots=True)
class WrittenReply:
    """A reply as `mailbot cases --json` lists it: ids, kind (reply or reminder), template, category, rule."""

    message_id: str
    in_reply_to: str
    case: int | None
    kind: str
    template: str
    category: str | None
    rule: str | None
    mode: DeliveryMode
    status: DeliveryStatus
    at: str


@dataclass(frozen=True, slots=True)
class PlatformMessage:
    """The newest controller's message of a case: what a reminder is threaded under."""

    message_id: str
    sender: str
    subject: str
    language: str
    category: str


@dataclass(frozen=True, slots=True)
class GivenUp:
    """A message mailbot stopped retrying, with the reason: it needs the person."""

    mailbox: str
    uidvalidity: int
    uid: int
    message_id: str
    sender: str
    subject: str
    error: str | None
    attempts: int
    seen_at: str


def _refuse_links(path: Path) -> None:
    """The state file and SQLite's WAL and SHM files beside it must not be symbolic links."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if candidate.is_symlink():
            raise OSError(errno.ELOOP, "symbolic link", str(candidate))


def _unopenable(exc: OSError, path: Path | str) -> StateError:
    """Why the state (or its lock) cannot be opened, in one line: a link refused, else the system's reason."""
    if exc.errno == errno.ELOOP:
        return StateError(f"{exc.filename or path}: is a symbolic link; refusing to follow it")
    return StateError(f"{path}: cannot open state: {exc.strerror}")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _stamp(when: datetime | None) -> str:
    """A UTC timestamp that sorts as text (naive datetimes are taken as UTC)."""
    when = when or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


@contextmanager
def exclusive(path: Path, *, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the state's lock while mail is processed with it. Two scans at once (a cron job overlapping a
    scan by hand, a scan while 'mailbot run' works) each answered the same new messages: duplicate drafts,
    in send mode a second copy sent. The second one is refused instead, having done nothing; or, given
    `waiting` (told why), waits for the lock: the service must not exit 1 (not restarted) over a scan."""
    lock = path.with_name(path.name + ".lock")
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise _unopenable(exc, path) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is None:
                raise StateError(
                    f"{path}: another mailbot is working with this state (a scan, or 'mailbot run'); "
                    "nothing was done: try again once it is finished"
                ) from None
            waiting(f"{path}: another mailbot is working with this state; waiting until it is finished")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class Store:
    """The state database. Every write is its own transaction."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        """Open (creating and migrating) the state; `readonly` for commands that only read it: they work on
        a state file the user may only read, and fall back to a normal open only when it needs migrating."""
        self._nesting = 0  # savepoints open inside the current transaction
        self.path = Path(path) if str(path) != ":memory:" else None
        if readonly and self.path is not None and self._open_readonly(self.path):
            return
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                _refuse_links(self.path)
                # Created private before SQLite writes anything into it; never through a link.
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
                try:
                    os.fchmod(fd, 0o600)
                finally:
                    os.close(fd)
            if self.path is not None:
                # nofollow: SQLite itself refuses a link put there after the checks above.
                uri = self.path.absolute().as_uri() + "?nofollow=1"
                self.db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
            else:
                self.db = sqlite3.connect(":memory:", timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{path}: state database unusable: {exc}") from None
        except OSError as exc:
            raise _unopenable(exc, path) from None

    def _open_readonly(self, path: Path) -> bool:
        """Open an existing state with SQLite's `mode=ro` (nothing created, chmod-ed or written); False
        when it still needs a migration, which only a read-write open can do."""
        try:
            _refuse_links(path)
            os.close(os.open(path, os.O_RDONLY | os.O_NOFOLLOW))  # an unreadable file is said as such
            uri = path.absolute().as_uri() + "?mode=ro&nofollow=1"
            done: set[str] | None = None
            for suffix in ("", "&immutable=1"):
                self.db = sqlite3.connect(uri + suffix, uri=True, timeout=30, isolation_level=None)
                try:
                    done = {row[0] for row in self.db.execute("SELECT name FROM _migrations")}
                    break
                except sqlite3.OperationalError as exc:
                    self.db.close()
                    if "no such table" in str(exc):
                        return False  # a new, empty state: created by a read-write open
                    if suffix or path.with_name(path.name + "-wal").exists():
                        raise
                    # A WAL state whose -wal/-shm files are absent and cannot be created (a folder the user
                    # may not write): no writer is at work, so the file alone is the whole state.
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{path}: state database unusable: {exc}") from None
        except OSError as exc:
            raise _unopenable(exc, path) from None
        if done is None or any(name not in done for name, _sql in _MIGRATIONS):
            self.db.close()
            return False
        self.db.row_factory = sqlite3.Row
        return True

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def snapshot(self) -> Store:
        """An in-memory copy to run against without changing the real state (dry runs)."""
        copy = Store(":memory:")
        self.db.backup(copy.db)
        return copy

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE … COMMIT, rolled back on error); inside another, a
        savepoint of it (rolled back alone on error, committed with the outer one)."""
        if self.db.in_transaction:
            name = f"nested{self._nesting}"
            self._nesting += 1
            try:
                self.db.execute(f"SAVEPOINT {name}")
                try:
                    yield self.db
                except BaseException:
                    self.db.execute(f"ROLLBACK TO {name}")
                    self.db.execute(f"RELEASE {name}")
                    raise
                self.db.execute(f"RELEASE {name}")
            finally:
                self._nesting -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM _migrations")}
        for name, sql in _MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as db:
                for statement in filter(str.strip, sql.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO _migrations VALUES (?, ?)", (name, _now()))

    # --- mailbox positions -------------------------------------------------------------------

    def last_uid(self, mailbox: str, uidvalidity: int) -> int:
        """The highest UID already handled in this mailbox generation (0 when none)."""
        row = self.db.execute(
            "SELECT last_uid FROM mailbox_state WHERE mailbox=? AND uidvalidity=?", (mailbox, uidvalidity)
        ).fetchone()
        return int(row[0]) if row else 0

    def set_last_uid(self, mailbox: str, uidvalidity: int, uid: int) -> None:
        """Remember that every UID up to `uid` has been handled."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO mailbox_state VALUES (?, ?, ?) ON CONFLICT(mailbox, uidvalidity) "
                "DO UPDATE SET last_uid=max(last_uid, excluded.last_uid)",
                (mailbox, uidvalidity, uid),
            )

    # --- messages ----------------------------------------------------------------------------

    def handled_uids(self, mailbox: str, uidvalidity: int, above: int = 0) -> set[int]:
        """UIDs above `above` that are not new: done, held, or failed (a failed message comes back
        through `failed_messages` when its retry is due, never as new mail)."""
        rows = self.db.execute(
            "SELECT uid FROM messages WHERE mailbox=? AND uidvalidity=? AND uid>? AND status IN (?, ?, ?)",
            (mailbox, uidvalidity, above, MessageStatus.DONE, MessageStatus.HELD, MessageStatus.FAILED),
        )
        return {int(r[0]) for r in rows}

    def seen_message_id(self, message_id: str) -> bool:
        """True when a message with this Message-ID was already handled (any mailbox generation)."""
        if not message_id:
            return False
        row = self.db.execute(
            "SELECT 1 FROM messages WHERE message_id=? AND status IN (?, ?) LIMIT 1",
            (message_id, MessageStatus.DONE, MessageStatus.HELD),
        ).fetchone()
        return row is not None

    def failed_messages(
        self, mailbox: str, uidvalidity: int, max_attempts: int = 5, now: datetime | None = None
    ) -> list[int]:
        """UIDs whose processing failed and whose retry is due (`now`, default the current time)."""
        rows = self.db.execute(
            "SELECT uid FROM messages WHERE mailbox=? AND uidvalidity=? AND status=? AND attempts < ? "
            "AND retry_at IS NOT NULL AND retry_at <= ? ORDER BY uid",
            (mailbox, uidvalidity, MessageStatus.FAILED, max_attempts, _stamp(now)),
        )
        return [int(r[0]) for r in rows]

    def attempts(self, key: tuple[str, int, int]) -> int:
        """How often processing this message has failed."""
        row = self.db.execute(
            "SELECT attempts FROM messages WHERE mailbox=? AND uidvalidity=? AND uid=?", key
        ).fetchone()
        return int(row[0]) if row else 0

    def retry_at(self, key: tuple[str, int, int], when: datetime | None) -> None:
        """When to try a failed message again; None: never (mailbot gave up, the person is told)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE messages SET retry_at=? WHERE mailbox=? AND uidvalidity=? AND uid=?",
                (_stamp(when) if when else None, *key),
            )

    def next_retry(self, after: datetime | None = None) -> datetime | None:
        """The earliest time after `after` (default now) that a failed message is due to be tried again."""
        row = self.db.execute(
            "SELECT min(retry_at) FROM messages WHERE status=? AND retry_at > ?", (MessageStatus.FAILED, _stamp(after))
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def retries_pending(self, after: datetime | None = None) -> tuple[int, datetime | None]:
        """How many failed messages wait for a try after `after` (default now), and when the first is due."""
        row = self.db.execute(
            "SELECT count(*), min(retry_at) FROM messages WHERE status=? AND retry_at > ?",
            (MessageStatus.FAILED, _stamp(after)),
        ).fetchone()
        return int(row[0]), datetime.fromisoformat(row[1]) if row[1] else None

    def given_up(self) -> list[GivenUp]:
        """Messages mailbot stopped retrying, with the reason: they need the person."""
        rows = self.db.execute(
            "SELECT mailbox, uidvalidity, uid, message_id, sender, subject, error, attempts, seen_at FROM messages "
            "WHERE status=? AND retry_at IS NULL ORDER BY seen_at, uid",
            (MessageStatus.FAILED,),
        )
        return [GivenUp(**dict(r)) for r in rows]

    def record_message(self, key: tuple[str, int, int], **fields: Any) -> None:
        """Insert or update the row of one message; `evidence` may be a list."""
        if "evidence" in fields and not isinstance(fields["evidence"], str | None):
            fields["evidence"] = json.dumps(list(fields["evidence"]), ensure_ascii=False)
        fields.setdefault("seen_at", _now())
        updates = ", ".join(f"{c}=excluded.{c}" for c in fields if c != "seen_at")
        attempts = ""
        if fields.get("status") == MessageStatus.FAILED:  # a failure is one attempt more (the first one is 1)
            fields["attempts"] = 1
            attempts = ", attempts=attempts+1"
        columns = ", ".join(fields)
        with self.transaction() as db:
            db.execute(
                f"INSERT INTO messages (mailbox, uidvalidity, uid, {columns}) VALUES (?, ?, ?, "
                f"{', '.join('?' for _ in fields)}) ON CONFLICT(mailbox, uidvalidity, uid) DO UPDATE SET "
                f"{updates}{attempts}",
                (*key, *fields.values()),
            )

    # --- cases -------------------------------------------------------------------------------

    def case_for_thread(self, ids: list[str]) -> CaseRow | None:
        """The case any of these Message-IDs (the message's own, In-Reply-To, References) belongs to."""
        ids = [i for i in ids if i]
        if not ids:
            return None
        marks = ", ".join("?" for _ in ids)
        row = self.db.execute(
            f"SELECT c.* FROM cases c WHERE c.thread_key IN ({marks}) OR c.id IN "
            f"(SELECT case_id FROM case_messages WHERE message_id IN ({marks})) OR c.id IN "
            f"(SELECT case_id FROM replies WHERE reply_message_id IN ({marks})) LIMIT 1",
            (*ids, *ids, *ids),
        ).fetchone()
        return _case(row) if row else None

    def open_case(
        self, *, platform: str, thread_key: str, subject: str, ticket: str, opened: date, due: date
    ) -> CaseRow:
        """The case of a thread, created when new."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO cases (platform, thread_key, subject, ticket, opened, due) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(thread_key) DO NOTHING",
                (platform, thread_key, subject, ticket, opened.isoformat(), due.isoformat()),
            )
        row = self.db.execute("SELECT * FROM cases WHERE thread_key=?", (thread_key,)).fetchone()
        return _case(row)

    def open_request_case(
        self,
        *,
        controller: str,
        platform: str,
        types: Sequence[str],
        request_date: date,
        due: date,
        basis: str,
        thread_key: str,
        subject: str = "",
        text: str = "",
        message_id: str = "",
        recipient: str = "",
    ) -> CaseRow:
        """The case of a request (created when new; a request already known is returned as it is)."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO cases (platform, thread_key, subject, opened, due, controller, request_types, "
                "request_date, request_text, request_message_id, due_basis, request_to) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(thread_key) DO NOTHING",
                (
                    platform,
                    thread_key,
                    subject,
                    request_date.isoformat(),
                    due.isoformat(),
                    controller,
                    ",".join(types),
                    request_date.isoformat(),
                    text,
                    message_id,
                    basis,
                    recipient,
                ),
            )
        row = self.db.execute("SELECT * FROM cases WHERE thread_key=?", (thread_key,)).fetchone()
        return _case(row)

    def controller_cases(self, controller: str, *, except_basis: str = "") -> list[CaseRow]:
        """The open cases of a controller, but those whose clock runs on `except_basis`."""
        rows = self.db.execute(
            "SELECT * FROM cases WHERE controller=? AND status='open' AND due_basis != ?", (controller, except_basis)
        )
        return [_case(r) for r in rows]

    def add_case_event(
        self,
        case_id: int,
        message_id: str,
        *,
        direction: str,
        dated: date | None,
        category: str = "",
        sender: str = "",
        subject: str = "",
        rule: str = "",
    ) -> None:
        """Put one message, in ('in', from the controller) or out ('out', the person's), on the case's timeline."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO case_messages (case_id, message_id, category, at, direction, dated, sender, subject, "
                "rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(case_id, message_id) DO UPDATE SET "
                "dated=CASE WHEN excluded.dated<>'' THEN excluded.dated ELSE dated END, "
                "sender=CASE WHEN excluded.sender<>'' THEN excluded.sender ELSE sender END, "
                "subject=CASE WHEN excluded.subject<>'' THEN excluded.subject ELSE subject END, "
                "rule=CASE WHEN excluded.rule<>'' THEN excluded.rule ELSE rule END",
                (
                    case_id,
                    message_id,
                    category,
                    _now(),
                    direction,
                    dated.isoformat() if dated else "",
                    sender,
                    subject,
                    rule,
                ),
            )

    # --- the person's sent mail ----------------------------------------------------------------

    def sent_known(self, message_id: str) -> bool:
        """True when this message of the person's was already read from Sent."""
        row = self.db.execute("SELECT 1 FROM sent_messages WHERE message_id=?", (message_id,)).fetchone()
        return row is not None

    def record_sent(
        self, message_id: str, *, in_reply_to: str, references: Sequence[str], dated: str, case_id: int | None
    ) -> None:
        """Remember a message of the person's (its thread ids and time, UTC ISO) read from Sent."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO sent_messages VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(message_id) DO UPDATE SET "
                "case_id=COALESCE(excluded.case_id, case_id)",
                (message_id, in_reply_to, " ".join(references), dated, case_id, _now()),
            )

    def answered_by_person(self, message_id: str, case_id: int | None, after: str) -> bool:
        """True when the person answered a message: a sent reply to it, or a later sent message in its case.

        `after` is the message's time as UTC ISO text.
        """
        row = self.db.execute(
            "SELECT 1 FROM sent_messages WHERE (in_reply_to=? AND ?<>'') OR (instr(refs, ?) > 0 AND ?<>'') "
            "OR (case_id=? AND ?<>'' AND dated>?) LIMIT 1",
            (message_id, message_id, message_id, message_id, case_id, after, after),
        ).fetchone()
        return row is not None

    def last_event_day(self, case_id: int) -> date | None:
        """The day of the newest message in a case, in or out (the person's own follow-ups count)."""
        row = self.db.execute(
            "SELECT max(substr(dated, 1, 10)) FROM case_messages WHERE case_id=? AND dated<>''", (case_id,)
        ).fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def not_answered(self, case_id: int) -> list[dict[str, str]]:
        """The case's reply-worthy messages that were filed without a reply, with why (answered, too old, …)."""
        rows = self.db.execute(
            "SELECT message_id, reason FROM messages WHERE case_id=? AND action='record' AND category IN "
            "('request_info', 'clarification', 'acceptance', 'rejection', 'identity_check') ORDER BY seen_at",
            (case_id,),
        )
        return [{"message_id": str(r[0]), "reason": str(r[1] or "")} for r in rows]

    def open_controllers(self) -> set[str]:
        """The controllers with an open case."""
        return {str(r[0]) for r in self.db.execute("SELECT DISTINCT controller FROM cases WHERE status='open'")}

    def timeline(self, case_id: int) -> list[dict[str, Any]]:
        """Every message of a case, in and out, oldest first: the controller's, the person's, mailbot's replies."""
        rows = self.db.execute(
            "SELECT cm.message_id, cm.direction, COALESCE(NULLIF(cm.dated, ''), substr(cm.at, 1, 10)) AS dated, "
            "COALESCE(NULLIF(cm.category, ''), m.category) AS category, COALESCE(NULLIF(cm.rule, ''), m.rule) AS rule, "
            "COALESCE(NULLIF(cm.sender, ''), m.sender) AS sender, "
            "COALESCE(NULLIF(cm.subject, ''), m.subject) AS subject, "
            "m.action AS action, m.reason AS reason FROM case_messages cm "
            "LEFT JOIN messages m ON m.message_id = cm.message_id AND m.message_id <> '' "
            "WHERE cm.case_id=? GROUP BY cm.message_id",
            (case_id,),
        ).fetchall()
        events = [
            {
                "direction": r["direction"],
                "date": r["dated"],
                "message_id": r["message_id"],
                "sender": r["sender"] or "",
                "subject": r["subject"] or "",
                "category": r["category"] or None,
                "rule": r["rule"] or None,
                "action": r["action"],
                "reason": r["reason"],
                "kind": "message",
            }
            for r in rows
        ]
        known = {e["message_id"] for e in events}
        for w in self.written(case_id):
            if w.message_id in known:
                continue
            events.append(
                {
                    "direction": "out",
                    "date": str(w.at or "")[:10],
                    "message_id": w.message_id,
                    "sender": "mailbot",
                    "subject": "",
                    "category": w.category,
                    "rule": w.rule,
                    "action": f"{w.mode} {w.status}",
                    "kind": w.kind,
                    "template": w.template,
                    "in_reply_to": w.in_reply_to,
                }
            )
        return sorted(events, key=lambda e: (e["date"], e["direction"] == "out"))

    def add_to_case(
        self,
        case_id: int,
        message_id: str,
        category: str,
        *,
        at: date,
        ticket: str = "",
        closes: bool,
        sender: str = "",
        subject: str = "",
        rule: str = "",
    ) -> None:
        """Record a platform message (dated `at`) in its case; an acceptance closes the case."""
        self.add_case_event(
            case_id, message_id, direction="in", dated=at, category=category, sender=sender, subject=subject, rule=rule
        )
        with self.transaction() as db:
            # The case's last word is its newest message by date, whatever order a scan reads them in.
            newest = "(last_message_at IS NULL OR last_message_at = '' OR ? >= last_message_at)"
            db.execute(
                f"UPDATE cases SET last_category=CASE WHEN {newest} THEN ? ELSE last_category END, "
                f"last_message_at=CASE WHEN {newest} THEN ? ELSE last_message_at END, "
                "ticket=CASE WHEN ticket='' THEN ? ELSE ticket END, "
                "status=CASE WHEN ? THEN 'closed' ELSE status END WHERE id=?",
                (at.isoformat(), category, at.isoformat(), at.isoformat(), ticket, closes, case_id),
            )

    def replied_since(self, case_id: int, since: date) -> bool:
        """True when a reply of mailbot's in this case was delivered on or after `since` (a failed
        attempt does not count: it must not hold a reminder back)."""
        row = self.db.execute(
            "SELECT 1 FROM replies WHERE case_id=? AND status=? AND substr(delivered_at, 1, 10)>=? LIMIT 1",
            (case_id, DeliveryStatus.DELIVERED, since.isoformat()),
        ).fetchone()
        return row is not None

    def set_case(self, case_id: int, **fields: Any) -> None:
        """Update fields of a case."""
        sets = ", ".join(f"{k}=?" for k in fields)
        with self.transaction() as db:
            db.execute(f"UPDATE cases SET {sets} WHERE id=?", (*fields.values(), case_id))

    def last_platform_message(self, case_id: int) -> PlatformMessage | None:
        """The newest platform message recorded in a case, by its date (for threading a reminder under it);
        among messages of the same day, the one read last."""
        row = self.db.execute(
            "SELECT m.message_id, m.sender, m.subject, m.language, m.category FROM messages m "
            "LEFT JOIN case_messages cm ON cm.case_id = m.case_id AND cm.message_id = m.message_id "
            "WHERE m.case_id=? AND m.category IS NOT NULL AND m.message_id<>'' "
            "ORDER BY COALESCE(cm.dated, '') DESC, m.seen_at DESC, m.uid DESC LIMIT 1",
            (case_id,),
        ).fetchone()
        if row is None:
            return None
        return PlatformMessage(*(str(value or "") for value in row))

    def cases(self, today: date | None = None) -> list[CaseRow]:
        """All cases, overdue ones first, then by due date."""
        today = today or datetime.now(UTC).date()
        rows = [_case(r) for r in self.db.execute("SELECT * FROM cases")]
        return sorted(rows, key=lambda c: (not c.overdue(today), c.status != "open", c.due))

    # --- replies -----------------------------------------------------------------------------

    def reply(self, reply_message_id: str) -> ReplyRow | None:
        """The reply row for a deterministic Message-ID."""
        row = self.db.execute(
            "SELECT reply_message_id, original_message_id, case_id, template, mode, status, attempted_at, "
            "delivered_at, error, recipient FROM replies WHERE reply_message_id=?",
            (reply_message_id,),
        ).fetchone()
        if row is None:
            return None
        values = dict(row)
        return ReplyRow(**{**values, "mode": DeliveryMode(values["mode"]), "status": DeliveryStatus(values["status"])})

    def replies_to(self, original_message_id: str) -> tuple[str, ...]:
        """The Message-IDs of the replies written, or perhaps written, to a message (not failed ones)."""
        if not original_message_id:
            return ()
        marks = ", ".join("?" for _ in _ANSWERING)
        rows = self.db.execute(
            f"SELECT reply_message_id FROM replies WHERE original_message_id=? AND status IN ({marks}) "
            "ORDER BY reply_message_id",
            (original_message_id, *_ANSWERING),
        )
        return tuple(str(r[0]) for r in rows)

    def begin_reply(
        self,
        reply_message_id: str,
        original: str,
        case_id: int | None,
        template: str,
        mode: DeliveryMode,
        recipient: str = "",
    ) -> None:
        """Record the attempt before delivering (so a crash leaves a trace to check against)."""
        mode = DeliveryMode(mode)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO replies (reply_message_id, original_message_id, case_id, template, mode, status, "
                "attempted_at, recipient) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(reply_message_id) "
                "DO UPDATE SET attempted_at=excluded.attempted_at, mode=excluded.mode, recipient=excluded.recipient",
                (
                    reply_message_id,
                    original,
                    case_id,
                    template,
                    mode,
                    DeliveryStatus.PENDING,
                    _now(),
                    recipient.lower(),
                ),
            )

    def finish_reply(self, reply_message_id: str, status: DeliveryStatus, error: str = "") -> None:
        """Record the result right after delivering: delivered, failed or interrupted."""
        status = DeliveryStatus(status)  # a value outside the enum is refused, never stored
        delivered = status is DeliveryStatus.DELIVERED
        with self.transaction() as db:
            db.execute(
                "UPDATE replies SET status=?, delivered_at=?, error=? WHERE reply_message_id=?",
                (status, _now() if delivered else None, error or None, reply_message_id),
            )

    def sends_today(self, case_id: int, today: date | None = None) -> int:
        """Replies that mailbot sent by itself in this case today (for the loop guard)."""
        day = (today or datetime.now(UTC).date()).isoformat()
        row = self.db.execute(
            "SELECT count(*) FROM replies WHERE case_id=? AND mode=? AND status IN (?, ?) "
            "AND substr(attempted_at, 1, 10)=?",
            (case_id, DeliveryMode.SEND, DeliveryStatus.PENDING, DeliveryStatus.DELIVERED, day),
        ).fetchone()
        return int(row[0])

    def written(self, case_id: int | None = None) -> list[WrittenReply]:
        """What mailbot wrote (drafted or sent), oldest first: ids, kind, template, category, rule."""
        where, args = ("WHERE r.case_id=?", (case_id,)) if case_id is not None else ("", ())
        rows = self.db.execute(
            "SELECT r.reply_message_id, r.original_message_id, r.case_id, r.template, r.mode, r.status, "
            "r.attempted_at, r.delivered_at, m.category, m.rule FROM replies r "
            "LEFT JOIN messages m ON m.reply_message_id = r.reply_message_id AND m.message_id = r.original_message_id "
            f"{where} ORDER BY r.attempted_at, r.reply_message_id",
            args,
        ).fetchall()
        out = []
        for row in rows:
            template = str(row["template"])
            kind = "reminder" if template.startswith("reminder.") else "reply"
            out.append(
                WrittenReply(
                    message_id=row["reply_message_id"],
                    in_reply_to=row["original_message_id"],
                    case=row["case_id"],
                    kind=kind,
                    template=template,
                    category=row["category"] if kind == "reply" else None,
                    rule=row["rule"] if kind == "reply" else None,
                    mode=DeliveryMode(row["mode"]),
                    status=DeliveryStatus(row["status"]),
                    at=row["delivered_at"] or row["attempted_at"],
                )
            )
        return out

    def sends_today_all(self, today: date | None = None) -> tuple[int, dict[str, int]]:
        """Replies mailbot sent by itself today across all cases: the total, and the count per recipient."""
        day = (today or datetime.now(UTC).date()).isoformat()
        rows = self.db.execute(
            "SELECT recipient, count(*) FROM replies WHERE mode=? AND status IN (?, ?) "
            "AND attempted_at >= ? AND substr(attempted_at, 1, 10)=? GROUP BY recipient",
            (DeliveryMode.SEND, DeliveryStatus.PENDING, DeliveryStatus.DELIVERED, day, day),
        ).fetchall()
        by_recipient = {str(r[0]): int(r[1]) for r in rows}
        return sum(by_recipient.values()), by_recipient

    def sent_before(self, case_id: int) -> bool:
        """True when mailbot has already sent a reply by itself in this case (the thread is established)."""
        row = self.db.execute(
            "SELECT 1 FROM replies WHERE case_id=? AND mode=? AND status=? LIMIT 1",
            (case_id, DeliveryMode.SEND, DeliveryStatus.DELIVERED),
        ).fetchone()
        return row is not None

    def is_own_reply(self, message_id: str) -> bool:
        """True when a Message-ID is one mailbot wrote (its own reply coming back)."""
        return bool(message_id) and self.reply(message_id) is not None

    # --- complaint (read-only queries, issue 14) --------------------------------------------------

    def case(self, case_id: int) -> CaseRow | None:
        """One case by its id."""
        row = self.db.execute("SELECT * FROM cases WHERE id=?", (case_id,)).fetchone()
        return _case(row) if row else None

    def case_history(self, case_id: int) -> list[dict[str, Any]]:
        """The controller's messages recorded in a case, oldest first: ids, sender, subject, category, evidence."""
        rows = self.db.execute(
            "SELECT m.message_id, m.sender, m.subject, m.category, m.rule, m.evidence, m.seen_at, "
            "cm.at AS filed_at, cm.dated AS dated FROM messages m LEFT JOIN case_messages cm "
            "ON cm.case_id = m.case_id AND cm.message_id = m.message_id "
            "WHERE m.case_id=? AND m.category IS NOT NULL ORDER BY m.seen_at, m.uid",
            (case_id,),
        ).fetchall()
        return [dict(r) for r in rows]


def _case(row: sqlite3.Row) -> CaseRow:
    # Columns added by later migrations may be missing while an older schema is being upgraded.
    names = set(row.keys())

    def text(column: str) -> str:
        return str(row[column]) if column in names else ""

    return CaseRow(
        id=row["id"],
        platform=row["platform"],
        thread_key=row["thread_key"],
        subject=row["subject"],
        ticket=row["ticket"],
        opened=row["opened"],
        due=row["due"],
        status=row["status"],
        last_category=row["last_category"],
        last_message_at=row["last_message_at"],
        extended=bool(row["extended"]),
        reminded=bool(row["reminded"]),
        controller=text("controller") or row["platform"],
        request_types=text("request_types"),
        request_date=text("request_date"),
        request_text=text("request_text"),
        request_message_id=text("request_message_id"),
        due_basis=text("due_basis"),
        extension_note=text("extension_note"),
        request_to=text("request_to"),
    )
