"""What decide learns from the state: typed reply rows, delivery states stored as their plain names."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mailbot.models import DeliveryMode, DeliveryStatus
from mailbot.store import ReplyRow, Store


def test_reply_rows_are_typed_and_stored_as_plain_names(tmp_path: Path) -> None:
    """Store.reply gives a frozen ReplyRow with enum states; the file holds 'pending', 'send', 'delivered'."""
    path = tmp_path / "state.db"
    store = Store(path)
    try:
        store.begin_reply("<r@example.org>", "<m@example.org>", None, "request_info.en", DeliveryMode.SEND, "A@X.org")
        row = store.reply("<r@example.org>")
        assert isinstance(row, ReplyRow)
        assert (row.status, row.mode, row.recipient, row.delivered_at) == (
            DeliveryStatus.PENDING,
            DeliveryMode.SEND,
            "a@x.org",
            None,
        )
        store.finish_reply("<r@example.org>", DeliveryStatus.DELIVERED)
        done = store.reply("<r@example.org>")
        assert done is not None
        assert done.status is DeliveryStatus.DELIVERED
        assert done.delivered_at
        assert store.reply("<other@example.org>") is None
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT mode, status FROM replies").fetchall() == [("send", "delivered")]


def test_an_unknown_state_is_refused() -> None:
    """A delivery state outside the enum is never written."""
    store = Store(":memory:")
    store.begin_reply("<r@example.org>", "<m@example.org>", None, "request_info.en", DeliveryMode.DRAFT)
    with pytest.raises(ValueError, match="sent"):
        store.finish_reply("<r@example.org>", "sent")  # type: ignore[arg-type]
    row = store.reply("<r@example.org>")
    assert row is not None
    assert row.status is DeliveryStatus.PENDING


def test_replies_to_lists_what_answers_a_message() -> None:
    """Pending, delivered and interrupted replies answer their message (decide's `replies`); failed ones do not."""
    store = Store(":memory:")
    for reply, status in [
        ("<a@x>", DeliveryStatus.PENDING),
        ("<b@x>", DeliveryStatus.DELIVERED),
        ("<c@x>", DeliveryStatus.INTERRUPTED),
        ("<d@x>", DeliveryStatus.FAILED),
    ]:
        store.begin_reply(reply, "<m@example.org>", None, "t.en", DeliveryMode.DRAFT)
        if status is not DeliveryStatus.PENDING:
            store.finish_reply(reply, status)
    store.begin_reply("<e@x>", "<elsewhere@example.org>", None, "t.en", DeliveryMode.DRAFT)
    assert store.replies_to("<m@example.org>") == ("<a@x>", "<b@x>", "<c@x>")
    assert store.replies_to("") == ()


def test_a_cases_last_word_is_its_newest_message_whatever_the_reading_order() -> None:
    """Read newest first (as a scan may), an older message does not become the case's last category."""
    from datetime import date

    store = Store(":memory:")
    case = store.open_case(
        platform="whatsapp",
        thread_key="<req@example.org>",
        subject="Objection",
        ticket="",
        opened=date(2025, 4, 1),
        due=date(2025, 5, 1),
    )
    store.add_to_case(case.id, "<new@whatsapp.com>", "identity_check", at=date(2025, 4, 20), closes=False)
    store.add_to_case(case.id, "<old@whatsapp.com>", "clarification", at=date(2025, 4, 18), closes=False)
    row = store.case(case.id)
    assert row is not None
    assert (row.last_category, row.last_message_at) == ("identity_check", "2025-04-20")
    store.add_to_case(case.id, "<newer@whatsapp.com>", "rejection", at=date(2025, 4, 20), closes=False)
    row = store.case(case.id)
    assert row is not None
    assert row.last_category == "rejection"  # the same day: the one read last


def test_a_reminder_is_threaded_under_the_newest_message_by_date() -> None:
    """Read newest first (as a first scan may), the reminder still answers the newest message, not the
    older one read last."""
    from datetime import date

    store = Store(":memory:")
    case = store.open_case(
        platform="whatsapp",
        thread_key="<req@example.org>",
        subject="Objection",
        ticket="",
        opened=date(2025, 4, 1),
        due=date(2025, 5, 1),
    )
    for uid, (mid, category, day) in enumerate(
        [("<new@whatsapp.com>", "identity_check", 20), ("<old@whatsapp.com>", "clarification", 18)], start=1
    ):
        store.record_message(
            ("INBOX", 1, uid),
            status="done",
            message_id=mid,
            sender="privacy@support.whatsapp.com",
            subject="Re: Objection",
            category=category,
            platform="whatsapp",
            evidence=[],
            case_id=case.id,
        )
        store.add_to_case(case.id, mid, category, at=date(2025, 4, day), closes=False)
    last = store.last_platform_message(case.id)
    assert last is not None
    assert last.message_id == "<new@whatsapp.com>"
