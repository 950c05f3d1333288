"""Store transactions nest: an inner one is a savepoint, undone alone on error and committed with the outer."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailbot.store import Store


def _count(store: Store) -> int:
    return int(store.db.execute("SELECT count(*) FROM _migrations").fetchone()[0])


def _insert(store: Store, name: str) -> None:
    store.db.execute("INSERT INTO _migrations VALUES (?, 'now')", (name,))


def _failing_inner(store: Store) -> None:
    with store.transaction():
        _insert(store, "inner")
        raise RuntimeError("inner fails")


def _failing_outer(store: Store) -> None:
    with store.transaction():
        with store.transaction():
            _insert(store, "inner")
        raise RuntimeError("outer fails")


def test_an_inner_failure_undoes_only_the_inner_writes(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite3")
    before = _count(store)
    with store.transaction():
        _insert(store, "outer")
        with pytest.raises(RuntimeError):
            _failing_inner(store)
        _insert(store, "outer-after")
    reopened = Store(tmp_path / "state.sqlite3")
    assert _count(reopened) == before + 2
    names = {row[0] for row in reopened.db.execute("SELECT name FROM _migrations")}
    assert {"outer", "outer-after"} <= names
    assert "inner" not in names


def test_an_outer_failure_undoes_the_inner_writes_too(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite3")
    before = _count(store)
    with pytest.raises(RuntimeError):
        _failing_outer(store)
    assert not store.db.in_transaction
    assert _count(Store(tmp_path / "state.sqlite3")) == before


def test_nothing_is_visible_to_another_connection_before_the_outer_commit(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite3")
    other = Store(tmp_path / "state.sqlite3")
    before = _count(other)
    with store.transaction():
        with store.transaction():
            _insert(store, "inner")
        assert _count(other) == before
    assert _count(other) == before + 1
