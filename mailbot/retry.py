"""When to try again: tenacity's wait strategies for failed messages, lost connections and refused logins."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tenacity import RetryCallState, Retrying, wait_exponential, wait_random_exponential

if TYPE_CHECKING:
    from tenacity.wait import wait_base

# A message that fails is tried again after 1, 4, 16 and 64 minutes; the fifth failure is final: the
# message is then listed (with its reason) by `mailbot scan` and `mailbot cases` for the person.
MESSAGE_ATTEMPTS = 5
MESSAGE_WAIT: wait_base = wait_exponential(multiplier=60, exp_base=4, max=4 * 3600)

# A lost connection is retried for as long as the service runs: 1, 2, 4 … 300 s, the second half of
# each wait random (so that several accounts, or several machines, do not reconnect in step).
RECONNECT_WAIT: wait_base = wait_exponential(multiplier=0.5, max=150) + wait_random_exponential(multiplier=0.5, max=150)

# A refused login is not retried for long: providers lock accounts after a few failures in a row.
LOGIN_ATTEMPTS = 3


def seconds(wait: wait_base, attempt: int) -> float:
    """The wait before the next try, after `attempt` failures in a row (1 = the first failure)."""
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = max(1, attempt)
    return float(wait(state))


def next_message_attempt(failures: int, now: datetime) -> datetime | None:
    """When a message that has failed `failures` times is tried again; None once it has had its tries."""
    if failures >= MESSAGE_ATTEMPTS:
        return None
    return now + timedelta(seconds=seconds(MESSAGE_WAIT, failures))
