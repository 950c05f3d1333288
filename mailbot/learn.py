"""The person's own teaching: messages filed under a category become local exemplars (state file, not rules/)."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mailbot.auth import SenderCheck, verify_sender
from mailbot.classify import detect_language, operative_sentences
from mailbot.errors import MailbotError
from mailbot.mailboxes import TEACH_ROOT
from mailbot.models import Category, Message, Verdict
from mailbot.rules import VARIANTS, Exemplar, Ruleset

FILE_NAME = "learned.json"
MAX_SENTENCES = 12
# The person's teaching folders: FOLDER_ROOT/<category> in the account's personal namespace (IMAP), or
# the Maildir++ subfolder .FOLDER_ROOT.<category>; one for every category a message can have.
FOLDER_ROOT = TEACH_ROOT
FOLDER_CATEGORIES = tuple(c.value for c in Category if c is not Category.UNKNOWN)
# `mailbot run` learns in one thread per account, all into one file: one read-modify-write at a time.
_WRITING = threading.Lock()


class TeachError(MailbotError):
    """A message that cannot be taught, or a learned file that cannot be read or written."""


@dataclass(frozen=True, slots=True)
class Lesson:
    """One taught message: its operative sentences and the category the person gave it."""

    id: str
    category: str
    sentences: tuple[str, ...]
    variant: str = ""
    language: str = ""
    subject: str = ""
    sender: str = ""
    message_id: str = ""
    taught_at: str = ""
    source: str = ""  # where it was taught: "" for `mailbot teach FILE`, else the folder it was filed in


def learned_path(state_path: Path) -> Path:
    """The learned file: next to the state database, shared by every account that keeps its state there."""
    return state_path.parent / FILE_NAME


def lesson(
    message: Message,
    category: Category,
    ruleset: Ruleset,
    *,
    variant: str = "",
    authserv_id: str = "",
    source: str = "",
) -> Lesson:
    """Make a lesson of a message (pure).

    Raises:
        TeachError: the sender failed verification (DMARC), the category is not one a message can
            have, or the message has no sentence that decides or asks anything.
    """
    if category is Category.UNKNOWN:
        raise TeachError("'unknown' is what mailbot says when it cannot tell; teach a category")
    if variant not in VARIANTS:
        raise TeachError(f"unknown variant {variant!r}; one of {', '.join(sorted(VARIANTS - {''}))}")
    domain = message.sender.domain if message.sender else ""
    check = verify_sender(message.auth_results, domain, authserv_id)
    if check.check is SenderCheck.FAILED:
        raise TeachError(
            f"the sender failed verification (DMARC/DKIM: {check.reason}): nothing is learnt from a forged message"
        )
    sentences = tuple(operative_sentences(ruleset, message)[:MAX_SENTENCES])
    if not sentences:
        raise TeachError("the message has no sentence to learn from (only greetings, thanks or quotes)")
    return Lesson(
        id=_token(),
        category=category.value,
        sentences=sentences,
        variant=variant,
        language=detect_language(" ".join(sentences))[0],
        subject=message.subject[:200],
        sender=message.sender.email if message.sender else "",
        message_id=message.message_id,
        taught_at=datetime.now(UTC).isoformat(timespec="seconds"),
        source=source,
    )


def taught_verdict(verdict: Verdict, category: Category, lesson_id: str = "") -> Verdict:
    """The verdict for a message the person filed under a category (pure): the person's category decides,
    the classifier's platform, language and ticket stay; its variant only when it agrees."""
    return replace(
        verdict,
        category=category,
        confidence=1.0,
        rule=f"taught:{lesson_id}" if lesson_id else "taught",
        evidence=(f"filed by you under {category}", *verdict.evidence),
        variant=verdict.variant if verdict.category is category else "",
        gate="",
    )


def exemplars(lessons: list[Lesson]) -> tuple[Exemplar, ...]:
    """The lessons as exemplars for `classify(..., learned=...)`."""
    out = []
    for item in lessons:
        for sentence in item.sentences:
            if len(sentence.split()) >= 4:
                out.append(
                    Exemplar(sentence, Category(item.category), item.language, f"taught:{item.id}", item.variant)
                )
    return tuple(out)


def load(path: Path) -> list[Lesson]:
    """The lessons in a learned file ([] when there is none yet)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise TeachError(f"{path}: cannot read the learned exemplars: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), list):
        raise TeachError(f"{path}: not a learned-exemplars file")
    out = []
    for entry in data["lessons"]:
        try:
            out.append(_lesson(entry))
        except (KeyError, TypeError, ValueError) as exc:
            raise TeachError(f"{path}: a lesson is malformed: {exc}") from None
    return out


_FIELDS = ("variant", "language", "subject", "sender", "message_id", "taught_at", "source")


def _lesson(entry: Any) -> Lesson:
    Category(entry["category"])
    if not isinstance(entry["sentences"], list) or not all(isinstance(s, str) for s in entry["sentences"]):
        raise ValueError("sentences must be a list of strings")
    fields = {k: str(entry.get(k, "")) for k in _FIELDS}
    return Lesson(str(entry["id"]), str(entry["category"]), tuple(entry["sentences"]), **fields)


def save(path: Path, lessons: list[Lesson]) -> None:
    """Write the lessons atomically, readable by the person only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    payload = {"version": 1, "lessons": [{**asdict(x), "sentences": list(x.sentences)} for x in lessons]}
    import tempfile  # only when a lesson is written

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".learned-", suffix=".json")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise TeachError(f"{path}: cannot write the learned exemplars: {exc.strerror or exc}") from None


def add(path: Path, item: Lesson) -> None:
    """Store one lesson; a message taught again replaces its earlier lesson."""
    with _WRITING:
        lessons = [x for x in load(path) if not (item.message_id and x.message_id == item.message_id)]
        save(path, [*lessons, item])


def forget(path: Path, lesson_id: str) -> Lesson:
    """Remove one lesson by id.

    Raises:
        TeachError: no lesson has that id.
    """
    with _WRITING:
        lessons = load(path)
        found = next((x for x in lessons if x.id == lesson_id), None)
        if found is None:
            raise TeachError(f"no taught message has the id {lesson_id!r} (see 'mailbot teach --list')")
        save(path, [x for x in lessons if x is not found])
    return found


def exemplars_for(state_path: Path) -> tuple[Exemplar, ...]:
    """The person's taught exemplars for an account's state path, for `classify(..., learned=...)`."""
    return exemplars(load(learned_path(state_path)))


def _token() -> str:
    import secrets  # only when a lesson is made (hmac and random cost every start otherwise)

    return secrets.token_hex(4)
