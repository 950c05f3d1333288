"""A long scan: Ctrl-C stops between messages in the triage and reading phases too; reminders show progress."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import config_file
from test_cases_scan import ADA, Scenario, ago, mail, maildir_with
from test_trial_interrupt import MESSAGES, drafts, mailbox
from test_trial_progress import terminal_output

from mailbot.config import PLACEHOLDER_IDENTITY
from mailbot.mailboxes.maildir import MaildirMailbox
from mailbot.pipeline import Pipeline, PipelineSettings
from mailbot.rules import Ruleset
from mailbot.store import Store

PRESSED_AFTER = 10  # messages of the phase handed over before Ctrl-C


class Counting(MaildirMailbox):
    """A real Maildir that counts the headers and bodies it hands over."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.handed = {"headers": 0, "bodies": 0}

    def headers(self, uids: list[int]) -> Iterator[tuple[int, bytes, int]]:
        for item in super().headers(uids):
            self.handed["headers"] += 1
            yield item

    def bodies(self, uids: list[int]) -> Iterator[tuple[int, bytes]]:
        for item in super().bodies(uids):
            self.handed["bodies"] += 1
            yield item


@pytest.mark.parametrize("phase", ["headers", "bodies"])
def test_ctrl_c_in_triage_or_reading_stops_there_and_the_next_scan_does_the_rest(
    tmp_path: Path, ruleset: Ruleset, phase: str
) -> None:
    """The first Ctrl-C took effect only when the replies phase began: every header was triaged and every
    body read first (~10 s on 2,800 messages). Now it stops between two messages of triage or reading: no
    more is read, nothing is written or recorded as failed, and the next scan answers every message once."""
    box = mailbox(tmp_path)
    store = Store(tmp_path / "state.sqlite3")
    settings = PipelineSettings(identity=PLACEHOLDER_IDENTITY, progress=False, max_age_days=0)
    counting = Counting(box)
    stopped = Pipeline(
        settings,
        ruleset,
        store,
        counting,
        echo=lambda _line: None,
        should_stop=lambda: counting.handed[phase] >= PRESSED_AFTER,
    ).scan()
    assert stopped.stopped
    assert counting.handed[phase] <= PRESSED_AFTER + 1  # at most the one in hand when Ctrl-C came
    if phase == "headers":
        assert counting.handed["bodies"] == 0
    assert (stopped.errors, stopped.outcomes, drafts(box)) == (0, [], [])
    whole = Pipeline(settings, ruleset, store, MaildirMailbox(box), echo=lambda _line: None).scan()
    assert not whole.stopped
    assert whole.errors == 0
    assert len(whole.outcomes) == MESSAGES
    assert len(drafts(box)) == len(set(drafts(box))) == MESSAGES
    store.close()


def test_writing_many_reminders_shows_its_progress(tmp_path: Path) -> None:
    """Triage, reading and replies had a progress bar, the reminders none: 60 overdue requests were a
    silent terminal while their reminders were written. They have their bar now."""
    requests = [
        mail(
            ADA,
            f"dpo@gym{n}.example",
            "Solicitud de acceso",
            "Hola,\nejerzo mi derecho de acceso y solicito una copia de mis datos.\nGracias,\nAda",
            ago(40),
            f"<req-gym-{n}@example.org>",
        )
        for n in range(60)  # above the 50 a scan needs before it shows progress
    ]
    box = maildir_with(tmp_path, Scenario(sent=requests, inbox=[]))
    config = config_file(tmp_path)
    shown = terminal_output([sys.executable, "-m", "mailbot", "scan", "--config", str(config), "--maildir", str(box)])
    assert "\rreminders:" in shown or shown.startswith("reminders:"), shown[-500:]
    assert "60 reminders" in shown, shown[-500:]
