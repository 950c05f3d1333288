"""Sender verification, exactly: each reason and each corner that `bash scripts/mutation.sh auth` found untested."""

from __future__ import annotations

import pytest

from mailbot.auth import SenderCheck, Verification, aligned, from_problem, verify_sender

MX = "mx.home.example"


@pytest.mark.parametrize(
    ("results", "authserv_id", "expected"),
    [
        ([], "", Verification(SenderCheck.UNVERIFIED, "no Authentication-Results")),
        (
            ["other.example; dmarc=pass header.from=example.org"],
            MX,
            Verification(SenderCheck.UNVERIFIED, f"no Authentication-Results from {MX}"),
        ),
        (
            [f"{MX}; dmarc=pass header.from=example.org"],
            "",
            Verification(SenderCheck.VERIFIED, f"dmarc=pass for example.org ({MX})"),
        ),
        (  # no header.from property: the pass is for the From domain the server checked
            [f"{MX}; dmarc=pass"],
            "",
            Verification(SenderCheck.VERIFIED, f"dmarc=pass for example.org ({MX})"),
        ),
        (  # a comment glued to the result is whitespace (CFWS), not part of it
            [f"{MX}; dmarc=pass(p=none) header.from=example.org"],
            "",
            Verification(SenderCheck.VERIFIED, f"dmarc=pass for example.org ({MX})"),
        ),
        (  # a fully qualified domain with its root dot is the same domain
            [f"{MX}; dmarc=pass header.from=example.org."],
            "",
            Verification(SenderCheck.VERIFIED, f"dmarc=pass for example.org ({MX})"),
        ),
        (  # no authserv-id at all: the results still count when none is pinned
            ["; dmarc=pass header.from=example.org"],
            "",
            Verification(SenderCheck.VERIFIED, "dmarc=pass for example.org ()"),
        ),
        (
            [f"{MX}; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org"],
            "",
            Verification(SenderCheck.VERIFIED, "dkim=pass d=example.org aligned with example.org"),
        ),
        (  # the signer given only as header.i (an address or @domain)
            [f"{MX}; dkim=pass header.i=@example.org"],
            "",
            Verification(SenderCheck.VERIFIED, "dkim=pass d=example.org aligned with example.org"),
        ),
        (  # a part that is not a result is skipped, the ones after it still read
            [f"{MX}; not a result; dmarc=pass header.from=example.org"],
            "",
            Verification(SenderCheck.VERIFIED, f"dmarc=pass for example.org ({MX})"),
        ),
        (  # folded over lines as a server writes it
            [f"{MX};\r\n\tdkim=pass\r\n\theader.d=example.org"],
            "",
            Verification(SenderCheck.VERIFIED, "dkim=pass d=example.org aligned with example.org"),
        ),
        (
            [f"{MX}; dkim=fail header.d=example.org"],
            "",
            Verification(SenderCheck.FAILED, f"example.org failed verification at {MX}: dkim=fail"),
        ),
        (
            [f"{MX}; spf=fail smtp.mailfrom=example.org"],
            "",
            Verification(SenderCheck.FAILED, f"example.org failed verification at {MX}: spf=fail"),
        ),
        (  # only the three methods are listed; another method's result is not
            [f"{MX}; auth=pass smtp.auth=someone; spf=softfail; dkim=fail; dmarc=fail header.from=example.org"],
            "",
            Verification(
                SenderCheck.FAILED, f"example.org failed verification at {MX}: spf=softfail, dkim=fail, dmarc=fail"
            ),
        ),
        (
            [f"{MX}; arc=pass"],
            "",
            Verification(SenderCheck.UNVERIFIED, f"example.org not verified by {MX}: none"),
        ),
        (  # a DKIM pass that names no signer verifies nothing
            [f"{MX}; dkim=pass; spf=none"],
            "",
            Verification(SenderCheck.UNVERIFIED, f"example.org not verified by {MX}: dkim=pass, spf=none"),
        ),
        (  # at most 30 results of one header are read: a pass hidden behind 30 others is not
            [f"{MX}; " + "x=none; " * 30 + "dmarc=pass header.from=example.org"],
            "",
            Verification(SenderCheck.UNVERIFIED, f"example.org not verified by {MX}: none"),
        ),
    ],
)
def test_verification_outcome_and_reason(results: list[str], authserv_id: str, expected: Verification) -> None:
    assert verify_sender(results, "example.org", authserv_id) == expected


def test_a_pass_without_a_from_domain_fails() -> None:
    results = [f"{MX}; dmarc=pass header.from=example.org"]
    assert verify_sender(results, "") == Verification(SenderCheck.FAILED, "no From domain to verify")


@pytest.mark.parametrize(
    ("signer", "from_domain"),
    [("example.org.", "example.org"), ("example.org", "example.org."), ("Example.ORG", "mail.example.org.")],
)
def test_alignment_ignores_the_root_dot_and_case(signer: str, from_domain: str) -> None:
    assert aligned(signer, from_domain)


def test_alignment_needs_both_domains() -> None:
    assert not aligned("example.org", "")
    assert not aligned("", "example.org")


def _from_of_length(length: int) -> str:
    address = " <privacy@example.org>"
    return '"' + "A" * (length - len(address) - 2) + '"' + address


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ([], "no From header"),
        (["a@example.org", "b@example.org"], "2 From headers"),
        ([_from_of_length(4_097)], "From header too long"),
        ([_from_of_length(4_096)], ""),
        (['"'], "From header cannot be parsed"),
        (["<a@example.org"], "From header is malformed (InvalidHeaderDefect)"),
        (["a@example.org, b@example.org"], "From header does not hold exactly one mailbox"),
        (["a@localhost"], "From address is not a plain mailbox"),
        (["Privacy Team\r\n <privacy@example.org>"], ""),
        (["=?utf-8?q?Privacy=0D=0ATeam?= <privacy@example.org>"], ""),
    ],
)
def test_from_problem_reasons(values: list[str], reason: str) -> None:
    assert from_problem(values) == reason
