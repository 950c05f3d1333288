"""A local Maildir (as synced by mbsync or offlineimap) as a mailbox; drafts go to its .Drafts folder."""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import mailbox
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from mailbot.errors import MailboxError
from mailbot.mailboxes import TEACH_ROOT, TRIAGE_HEADERS

_FOLDERS = {"drafts": "Drafts", "sent": "Sent"}
_MAX_HEADER_BLOCK = 1_000_000


def _uid(key: str) -> int:
    """A stable integer id for a Maildir key (Maildir has no UIDs)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:15], 16)


def _header_block(fh: Iterable[bytes]) -> bytes:
    """The header lines of an open message file, up to the blank line that ends them."""
    lines: list[bytes] = []
    read = 0
    for line in fh:
        lines.append(line)
        read += len(line)
        if line in (b"\n", b"\r\n") or read > _MAX_HEADER_BLOCK:
            break
    return b"".join(lines)


class MaildirMailbox:
    """A Maildir++ tree: the top folder is the inbox, .Drafts and .Sent are subfolders."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser()
        self.has_uids = False
        self.name = f"maildir:{self.path.resolve()}"
        self._box: mailbox.Maildir | None = None
        self._keys: dict[int, str] = {}
        # Message-ID of each file of .Drafts/.Sent already read, by folder and Maildir key: a scan looks
        # once per reply, and reading every file each time made a scan quadratic in the drafts.
        self._ids: dict[str, dict[str, str]] = {}

    def open(self) -> int:
        """Open the Maildir; its 'UIDVALIDITY' is a constant."""
        if not (self.path / "cur").is_dir() and not (self.path / "new").is_dir():
            raise MailboxError(f"{self.path}: not a Maildir (no cur/ or new/ folder)")
        self._box = mailbox.Maildir(self.path, factory=None, create=False)
        self._keys = {_uid(k): k for k in self._box.iterkeys()}
        return 1

    def new_uids(self, last_uid: int) -> list[int]:
        """Every message; the pipeline skips those the state already knows."""
        return sorted(self._keys)

    def _opened(self) -> mailbox.Maildir:
        """The Maildir that open() opened; an error, not an assert (which `python -O` removes), before that."""
        if self._box is None:
            raise MailboxError(f"{self.path}: the Maildir is not open")
        return self._box

    def _read(self, uid: int) -> bytes:
        box = self._opened()
        try:
            return box.get_bytes(self._keys[uid])
        except (KeyError, OSError) as exc:
            raise MailboxError(f"{self.path}: message vanished: {exc}") from None

    def headers(self, uids: list[int]) -> Iterator[tuple[int, bytes, int]]:
        """The header block and the size of each message, reading no further than the header."""
        box = self._opened()
        for uid in uids:
            try:
                with box.get_file(self._keys[uid]) as fh:
                    header = _header_block(fh)
                    fh.seek(0, os.SEEK_END)
                    size = fh.tell()
            except KeyError:
                continue  # removed since open(): nothing to triage
            except OSError as exc:
                if isinstance(exc, FileNotFoundError):
                    continue
                raise MailboxError(f"{self.path}: cannot read a message: {exc}") from None
            yield uid, header, size

    def bodies(self, uids: list[int]) -> Iterator[tuple[int, bytes]]:
        """Whole messages, one at a time; reading a Maildir file never changes its flags."""
        for uid in uids:
            try:
                raw = self._read(uid)
            except MailboxError:
                continue
            yield uid, raw

    def _folder(self, folder: str, *, create: bool = True) -> mailbox.Maildir | None:
        name = _FOLDERS[folder]
        box = self._opened()
        try:
            return box.get_folder(name)
        except mailbox.NoSuchMailboxError:
            return box.add_folder(name) if create else None

    def missing(self, kind: str) -> str | None:
        """Nothing: a Maildir's .Drafts and .Sent are made when first written to."""
        return None

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """Whether a message of the folder has this Message-ID; each file's header is read once."""
        parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
        box = self._folder(folder, create=False)  # looking creates nothing (a dry run changes nothing)
        if box is None:
            return False
        known = self._ids.setdefault(folder, {})
        present = set()
        for key in box.iterkeys():
            present.add(key)
            if key not in known:
                try:
                    with box.get_file(key) as fh:
                        headers = parser.parsebytes(_header_block(fh))
                except (KeyError, FileNotFoundError):
                    continue  # removed while we looked: it holds nothing now
                known[key] = str(headers.get("Message-ID", "")).strip()
            if known[key] == message_id:
                return True
        for gone in known.keys() - present:
            del known[gone]
        return False

    def append(self, folder: str, raw: bytes, *, draft: bool) -> None:
        """Add a message to .Drafts (flags D and S) or .Sent (flag S)."""
        msg = mailbox.MaildirMessage(raw)
        msg.set_subdir("cur")
        msg.set_flags("DS" if draft else "S")
        target = self._folder(folder)
        if target is None:
            raise MailboxError(f"{self.path}: cannot create the {_FOLDERS[folder]} folder")
        target.add(msg)

    def append_many(self, folder: str, raws: list[bytes], *, draft: bool) -> None:
        """Add several messages, one file each."""
        for raw in raws:
            self.append(folder, raw, draft=draft)

    def start_append_many(self, folder: str, raws: list[bytes], *, draft: bool) -> Callable[[], None]:
        """append_many, done at once (local files leave no server to wait for); the returned function
        raises what it raised."""
        failure: Exception | None = None
        try:
            self.append_many(folder, raws, draft=draft)
        except Exception as exc:
            failure = exc

        def wait() -> None:
            if failure is not None:
                raise failure

        return wait

    def read_sent(
        self, last_uid: Callable[[int], int], want: Callable[[bytes], bool]
    ) -> tuple[int, int, dict[int, bytes]]:
        """The messages of .Sent whose headers `want` accepts (a Maildir has no UIDs: all of them, each time)."""
        try:
            box = self._opened().get_folder(_FOLDERS["sent"])
        except mailbox.NoSuchMailboxError:
            return 1, 0, {}
        out: dict[int, bytes] = {}
        for key in box.iterkeys():
            try:
                with box.get_file(key) as fh:
                    header = _header_block(fh)
                if want(header):
                    out[_uid(key)] = box.get_bytes(key)
            except (KeyError, OSError):
                continue  # moved away while we read: the next scan sees it again
        return 1, 0, out

    def teaching_folders(self, names: Sequence[str], *, create: bool) -> dict[str, str]:
        """The Maildir++ subfolders .Mailbot.<name> that exist (created first with `create`)."""
        maildir = self._opened()
        found: dict[str, str] = {}
        for name in names:
            folder = f"{TEACH_ROOT}.{name}"
            if (self.path / f".{folder}").is_dir():
                found[name] = folder
            elif create:
                maildir.add_folder(folder)
                found[name] = folder
        return found

    def read_folder(
        self, folder: str, pick: Callable[[int, list[int]], list[int]], *, above: Callable[[int], int], max_bytes: int
    ) -> tuple[int, list[int], dict[int, bytes | None]]:
        """Every message of the subfolder (a Maildir has no UIDs: `above` is not used), those picked read."""
        try:
            box = self._opened().get_folder(folder)
            keys = {_uid(k): k for k in box.iterkeys()}
        except (mailbox.NoSuchMailboxError, OSError) as exc:
            raise MailboxError(f"{self.path}: cannot read the folder {folder!r}: {exc}") from None
        present = sorted(keys)
        out: dict[int, bytes | None] = {}
        for uid in pick(1, present):
            try:
                with box.get_file(keys[uid]) as fh:
                    fh.seek(0, os.SEEK_END)
                    size = fh.tell()
                out[uid] = None if size > max_bytes else box.get_bytes(keys[uid])
            except (KeyError, OSError):
                continue  # moved away while we read: nothing to learn from
        return 1, present, out

    def close(self) -> None:
        """Nothing to close."""
        self._box = None


__all__ = ["TRIAGE_HEADERS", "MaildirMailbox"]
