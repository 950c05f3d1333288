"""IMAP IDLE (mailboxes.idle) against a real Dovecot: news wakes it, a timeout does not, DONE leaves it usable."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import imapclient
import pytest
from conftest import imap_client
from servers import Dovecot, ImapProxy, make_dovecot

from mailbot.errors import MailboxError
from mailbot.mailboxes.idle import idle

pytestmark = pytest.mark.integration

# Generous: a wait that ends because of news never comes near it; a failure shows as a False, not a hang.
CEILING = 60.0


@pytest.fixture(scope="module")
def server() -> Iterator[Dovecot]:
    """One Dovecot for the module: every test works in a folder of its own."""
    dovecot = make_dovecot()
    dovecot.start()
    try:
        yield dovecot
    finally:
        dovecot.stop()
        shutil.rmtree(dovecot.root, ignore_errors=True)


def _message(n: int) -> bytes:
    return (
        f"From: someone@example.org\r\nTo: ada@example.org\r\nSubject: test {n}\r\n"
        f"Message-ID: <idle-{n}@example.org>\r\n\r\nbody {n}\r\n"
    ).encode()


def _folder(server: Dovecot, name: str) -> imapclient.IMAPClient:
    """A connection with a fresh, empty folder selected."""
    client = imap_client(server)
    client.create_folder(name)
    client.select_folder(name)
    return client


def _append_once(server: Dovecot, folder: str) -> Callable[[], bool]:
    """A should_stop that, the first time IDLE asks it, appends a message through another connection."""
    done: list[bool] = []

    def hook() -> bool:
        if not done:
            other = imap_client(server)
            try:
                other.append(folder, _message(1))
            finally:
                other.logout()
            done.append(True)
        return False

    return hook


def test_a_message_appended_by_another_connection_wakes_it(server: Dovecot) -> None:
    """A message APPENDed by another connection while idling ends the wait with True."""
    client = _folder(server, "wake")
    try:
        assert idle(client, CEILING, should_stop=_append_once(server, "wake")) is True
    finally:
        client.logout()


def test_a_timeout_returns_without_change(server: Dovecot) -> None:
    """With nothing arriving, IDLE ends after its timeout and says nothing changed."""
    client = _folder(server, "quiet")
    try:
        assert idle(client, 1.5, tick=0.5) is False
    finally:
        client.logout()


def test_done_leaves_the_connection_usable(server: Dovecot) -> None:
    """After IDLE (ended by news or by its timeout) the same connection answers commands and sees the news."""
    client = _folder(server, "usable")
    try:
        assert idle(client, CEILING, should_stop=_append_once(server, "usable")) is True
        assert client.noop()
        assert len(client.search(["ALL"])) == 1
        assert idle(client, 1.0, tick=0.5) is False
        client.append("usable", _message(2))
        assert len(client.search(["ALL"])) == 2
    finally:
        client.logout()


def test_news_from_before_idle_is_not_lost(server: Dovecot) -> None:
    """A message that arrived between SELECT and IDLE (announced with the server's `+ idling`, where
    imaplib's buffer may hold it) ends the wait at once."""
    client = _folder(server, "early")
    other = imap_client(server)
    try:
        other.append("early", _message(3))
        assert idle(client, CEILING) is True
        assert client.noop()
    finally:
        other.logout()
        client.logout()


def test_asked_to_stop_it_returns_without_change(server: Dovecot) -> None:
    """When should_stop says so, IDLE ends with False and the connection stays usable."""
    client = _folder(server, "stopped")
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return True

    try:
        assert idle(client, CEILING, should_stop=stop) is False
        assert asked
        assert client.noop()
    finally:
        client.logout()


def test_a_closed_connection_raises(server: Dovecot) -> None:
    """A connection the server side closes while idling is an error, never a quiet 'no news'."""
    proxy = ImapProxy(server.port).start()
    client = imapclient.IMAPClient("127.0.0.1", port=proxy.port, ssl=False, timeout=10)
    client.login(server.user, server.password)
    client.create_folder("closed")
    client.select_folder("closed")

    def drop() -> bool:
        proxy.stop()
        return False

    try:
        with pytest.raises(MailboxError, match=r"closed|BYE"):
            idle(client, CEILING, should_stop=drop)
    finally:
        proxy.stop()
        client.shutdown()
