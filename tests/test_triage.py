"""The header triage test passes every message the pipeline could accept, and no other address."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailbot.pipeline import header_may_matter

DOMAINS = frozenset({b"facebookmail.com", b"fb.com", b"support.whatsapp.com", b"bank.example"})


def reference(domains: frozenset[bytes], header: bytes) -> bool:
    """The plain statement: an In-Reply-To/References field, or an address token whose domain
    (trailing dots dropped) is one of the domains or ends with "." plus one."""
    low = header.lower()
    for line in low.split(b"\n"):
        name, colon, _ = line.partition(b":")
        if colon and name.rstrip(b" \t") in (b"in-reply-to", b"references"):
            return True
    tokens = []
    for i in range(len(low)):
        if low[i : i + 1] == b"@":
            j = i + 1
            while j < len(low) and low[j : j + 1] in b"abcdefghijklmnopqrstuvwxyz0123456789.-":
                j += 1
            tokens.append(low[i + 1 : j])
    for token in tokens:
        labels = token.rstrip(b".").split(b".")
        if any(b".".join(labels[k:]) in domains for k in range(len(labels))):
            return True
    return False


PIECES = st.sampled_from(
    [
        b"@",
        b".",
        b"-",
        b"fb",
        b"com",
        b"facebookmail",
        b"support",
        b"whatsapp",
        b"bank",
        b"example",
        b"x",
        b"notfb",
        b" ",
        b"<",
        b">",
        b"\r\n",
        b"From: ",
        b"To: ",
        b"In-Reply-To: ",
        b"References:",
        b"X-References: ",
        b"FB",
        b"_",
    ]
)


@given(st.lists(PIECES, max_size=30).map(b"".join))
def test_triage_agrees_with_the_plain_statement(header: bytes) -> None:
    """Generated headers built from the domains' own pieces: the one-regex test and the plain
    statement of the rule agree on every one."""
    assert header_may_matter(DOMAINS)(header) == reference(DOMAINS, header)


def test_triage_examples() -> None:
    """Subdomains and trailing dots pass; look-alike and longer domains do not."""
    may_matter = header_may_matter(DOMAINS)
    assert may_matter(b"From: Meta <notification@mail.fb.com>\r\n")
    assert may_matter(b"From: x@FB.COM.\r\n")
    assert may_matter(b"Subject: hi\r\nIn-Reply-To: <a@b>\r\n")
    assert not may_matter(b"From: x@notfb.com\r\n")
    assert not may_matter(b"From: x@fb.com.evil.example\r\n")
    assert not may_matter(b"From: x@example.org\r\nX-In-Reply-To: <a@fb.co>\r\n")
    assert not header_may_matter(frozenset())(b"From: x@fb.com\r\n")
