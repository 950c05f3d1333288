"""The `run` service: one thread per account, IDLE or polling, reconnecting with backoff, stopping cleanly."""

from __future__ import annotations

import imaplib
import logging
import signal
import socket
import ssl
import threading
from datetime import UTC, datetime
from types import FrameType

from imapclient.exceptions import IMAPClientError

from mailbot.config import Settings
from mailbot.errors import ConfigError, LoginError, MailbotError
from mailbot.mailboxes.imap import ImapMailbox
from mailbot.pipeline import Outcome, Pipeline, pipeline_settings
from mailbot.retry import LOGIN_ATTEMPTS, RECONNECT_WAIT, seconds
from mailbot.rules import Ruleset
from mailbot.store import Store

log = logging.getLogger("mailbot.service")
SETTLE_SECONDS = 1.0

# What a dropped connection, a restarting server or a network failure can raise.
TRANSIENT = (OSError, IMAPClientError, imaplib.IMAP4.abort, imaplib.IMAP4.error, ssl.SSLError, socket.timeout, EOFError)


class AccountWorker(threading.Thread):
    """Watches one account until asked to stop; failures of this account stay in this thread.

    `refused` holds the reason when the account stopped because its login was refused (or its
    password could not be had) LOGIN_ATTEMPTS times in a row.
    """

    def __init__(self, settings: Settings, ruleset: Ruleset, stop: threading.Event) -> None:
        super().__init__(name=f"account-{settings.name}", daemon=True)
        self.settings = settings
        self.ruleset = ruleset
        self.stop = stop
        self.failures = 0  # connection failures in a row, for the backoff
        self.refusals = 0  # refused logins in a row
        self.refused = ""
        self.announced = False

    def run(self) -> None:
        """Connect, scan, wait for news; on a failure reconnect after a backoff, on refused logins stop."""
        account = self.settings.name
        imap = self.settings.imap
        if imap is None:
            self.refused = "no [imap] table"
            return
        while not self.stop.is_set():
            mailbox = ImapMailbox(imap)
            store: Store | None = None
            try:
                store = Store(self.settings.state_path)
                pipeline = Pipeline(
                    pipeline_settings(self.settings, progress=False),
                    self.ruleset,
                    store,
                    mailbox,
                    should_stop=self.stop.is_set,
                )
                while not self.stop.is_set():
                    # Scan until a scan finds nothing new, so that mail which arrived during a scan
                    # is not left waiting for the next IDLE notification.
                    while self._round(pipeline) and not self.stop.is_set():
                        pass
                    self.failures = self.refusals = 0
                    self._wait(mailbox, store)
            except (LoginError, ConfigError) as exc:
                self.refusals += 1
                if self.refusals >= LOGIN_ATTEMPTS:
                    self.refused = f"{exc} ({self.refusals} times in a row)"
                    log.error(
                        "%s: account stopped, so that the provider does not lock it; "
                        "check the username and password, then start mailbot again",
                        self.refused,
                        extra={"account": account},
                    )
                    return
                self._pause(f"{exc}; trying again", account)
            except MailbotError as exc:
                self._pause(str(exc), account)
            except TRANSIENT as exc:
                self._pause(f"connection lost ({type(exc).__name__}: {exc})", account)
            except Exception as exc:  # one account's bug must not end the service
                log.debug("unexpected error", exc_info=exc, extra={"account": account})
                self._pause(f"unexpected error ({type(exc).__name__}: {exc}; --debug shows where)", account)
            finally:
                mailbox.close()
                if store is not None:
                    store.close()
        log.info("stopped", extra={"account": account})

    def _round(self, pipeline: Pipeline) -> bool:
        """One scan plus deadline reminders; True when the scan found new mail (retries are not new)."""
        report = pipeline.scan()
        outcomes: list[Outcome] = list(report.outcomes)
        if not report.stopped:
            try:
                outcomes += pipeline.remind_overdue()
            except MailbotError as exc:  # tried again next round: only delivered reminders count
                outcomes.append(Outcome(0, "", "deadline reminders", "overdue", "error", str(exc)))
        for row in outcomes:
            log.log(
                logging.WARNING if row.action == "error" else logging.INFO,
                "%s from %s: %s",
                row.action,
                row.sender,
                row.category,
                extra={"account": self.settings.name, "uid": row.uid, "detail": row.detail},
            )
        return report.examined - report.retried > 0

    def _wait(self, mailbox: ImapMailbox, store: Store) -> None:
        """IDLE (re-issued every idle_timeout, well under RFC 2177's 29 minutes) when the server has it,
        else sleep for poll_interval; returns on news, when a failed message is due again, or when
        asked to stop."""
        account = self.settings.name
        # The round just done took up every retry already due: wait for the next one only.
        now = datetime.now(UTC)
        retry = store.next_retry(after=now)
        until_retry = (retry - now).total_seconds() if retry else float("inf")
        if not mailbox.supports_idle():
            if not self.announced:
                self.announced = True
                log.info("no IDLE: polling every %.0f s", self.settings.poll_interval, extra={"account": account})
            self.stop.wait(max(1.0, min(self.settings.poll_interval, until_retry)))
            return
        if not self.announced:
            self.announced = True
            log.info("waiting for new mail (IMAP IDLE)", extra={"account": account})
        # A message whose delivery was under way when IDLE began can be announced by neither the
        # NOOP before it nor IDLE itself (Dovecot then waits for its own 30 s re-check): so IDLE
        # briefly, look once more with NOOP, and only then IDLE for long.
        for span in (SETTLE_SECONDS, max(SETTLE_SECONDS, min(self.settings.idle_timeout, until_retry))):
            if self.stop.is_set() or mailbox.has_news() or mailbox.idle(span, should_stop=self.stop.is_set):
                return

    def _pause(self, why: str, account: str) -> None:
        self.failures += 1
        delay = seconds(RECONNECT_WAIT, self.failures)
        log.warning("%s; reconnecting in %.1f s", why, delay, extra={"account": account})
        self.stop.wait(delay)


def serve(accounts: list[Settings], ruleset: Ruleset) -> int:
    """Run every account until SIGTERM or SIGINT, or until none is left running.

    Returns the exit status: 0 after a clean stop, 1 when an account stopped because its login was
    refused (the others ran on until then).
    """
    stop = threading.Event()

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("%s received: finishing the message in hand, then stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    workers = [AccountWorker(settings, ruleset, stop) for settings in accounts]
    for worker in workers:
        log.info(
            "watching %s",
            worker.settings.imap.server.host if worker.settings.imap else "?",
            extra={"account": worker.settings.name},
        )
        worker.start()
    while not stop.is_set() and any(w.is_alive() for w in workers):
        stop.wait(0.5)
    for worker in workers:
        worker.join()
    return 1 if any(w.refused for w in workers) else 0
