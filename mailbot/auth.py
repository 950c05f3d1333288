"""Reads the receiving server's Authentication-Results (RFC 8601) and says whether the From is verified (pure)."""

from __future__ import annotations

import email.headerregistry
import email.utils
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mailbot.recipients import valid_address

# Headers beyond this size or count are not results a server wrote; they are ignored.
_MAX_HEADER = 4_096
_MAX_HEADERS = 20
_AUTHSERV = re.compile(r"^\s*([^\s;]{1,255})")
_COMMENT = re.compile(r"\([^()]{0,512}\)")
_RESULT = re.compile(r"^\s*([a-z][a-z0-9-]{0,30})\s*=\s*([a-z]{1,20})\b(.{0,1024})$", re.DOTALL)
_PROPERTY = re.compile(r"\b(header\.(?:from|d|i)|policy\.from)\s*=\s*\"?([^\s;\"]{1,255})")
_FAILING = frozenset({"fail", "permerror", "softfail", "quarantine", "reject"})


class SenderCheck(enum.StrEnum):
    """What the person's own server found about the message's From."""

    VERIFIED = "verified"  # DMARC pass, or DKIM pass aligned with the From domain
    FAILED = "failed"  # the server checked and the From did not verify
    UNVERIFIED = "unverified"  # no result the server wrote (or none from the pinned authserv-id)


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome and why, for the record and the scan summary."""

    check: SenderCheck
    reason: str


@dataclass(frozen=True, slots=True)
class _Method:
    method: str
    result: str
    props: dict[str, str]


def _methods(value: str) -> tuple[str, list[_Method]]:
    """(authserv-id, results) of one Authentication-Results value."""
    value = _COMMENT.sub(" ", value[:_MAX_HEADER].replace("\r", " ").replace("\n", " "))
    head, _, rest = value.partition(";")
    match = _AUTHSERV.match(head)
    authserv = match.group(1).lower() if match else ""
    methods = []
    for part in rest.split(";")[:30]:
        found = _RESULT.match(part.lower())
        if not found:
            continue
        props = {k: v.rpartition("@")[2].rstrip(".") for k, v in _PROPERTY.findall(found.group(3))}
        methods.append(_Method(found.group(1), found.group(2), props))
    return authserv, methods


def aligned(signing_domain: str, from_domain: str) -> bool:
    """Relaxed alignment without a public-suffix list: the same domain, or one a subdomain of the other.

    It is narrower than RFC 7489's organisational-domain rule (two sibling subdomains do not align),
    never wider, so it can only verify less.
    """
    d, f = signing_domain.lower().rstrip("."), from_domain.lower().rstrip(".")
    if not d or not f or "." not in d:
        return False
    return d == f or f.endswith("." + d) or d.endswith("." + f)


def verify_sender(results: Sequence[str], from_domain: str, authserv_id: str = "") -> Verification:
    """Whether the person's own server verified the From domain.

    Args:
        results: the Authentication-Results header values, topmost first (as they appear).
        from_domain: the domain of the message's single From mailbox.
        authserv_id: when set, only results written under this authserv-id count (others may be
            forged by the sender); when empty, only the topmost header counts.

    Returns:
        VERIFIED on DMARC pass for the From domain, or a DKIM pass whose d= aligns with it;
        FAILED when a check failed; UNVERIFIED when there is no result to trust or nothing passed.
    """
    trusted = None
    for value in list(results)[:_MAX_HEADERS]:
        authserv, methods = _methods(value)
        if authserv_id and authserv != authserv_id.lower():
            continue
        trusted = (authserv, methods)
        break  # only the topmost trusted header: anything below it came with the message
    if trusted is None:
        why = f"no Authentication-Results from {authserv_id}" if authserv_id else "no Authentication-Results"
        return Verification(SenderCheck.UNVERIFIED, why)
    authserv, methods = trusted
    if not from_domain:
        return Verification(SenderCheck.FAILED, "no From domain to verify")
    for m in methods:
        if m.method == "dmarc" and m.result == "pass":
            checked = m.props.get("header.from", from_domain)
            if checked.lower() == from_domain.lower():
                return Verification(SenderCheck.VERIFIED, f"dmarc=pass for {from_domain} ({authserv})")
    for m in methods:
        if m.method == "dkim" and m.result == "pass":
            signer = m.props.get("header.d") or m.props.get("header.i", "")
            if aligned(signer, from_domain):
                return Verification(SenderCheck.VERIFIED, f"dkim=pass d={signer} aligned with {from_domain}")
    seen = ", ".join(f"{m.method}={m.result}" for m in methods if m.method in {"dmarc", "dkim", "spf"}) or "none"
    failed = any(m.method in {"dmarc", "dkim", "spf"} and m.result in _FAILING for m in methods)
    if failed:
        return Verification(SenderCheck.FAILED, f"{from_domain} failed verification at {authserv}: {seen}")
    # Nothing failed, nothing passed (no signature, no DMARC record, a temporary error): not proof.
    return Verification(SenderCheck.UNVERIFIED, f"{from_domain} not verified by {authserv}: {seen}")


def from_problem(values: Sequence[str]) -> str:
    """Why the From header is not exactly one syntactically valid mailbox ("" when it is).

    Strict RFC 5322 parsing (the email package's header registry, whose defects are refusals):
    `privacy@facebook.com <attacker@evil.example>`, two From headers, two addresses, a group,
    or an address with no dotted domain are each a reason to hold the message.
    """
    if not values:
        return "no From header"
    if len(values) > 1:
        return f"{len(values)} From headers"
    value = values[0]
    if len(value) > _MAX_HEADER:
        return "From header too long"
    # Line breaks of a folded header are spaces, as parse.py reads them (removing a CR would join
    # two words into one address that parse.py reads as two).
    flat = value.replace("\r", " ").replace("\n", " ")
    # The display name's content does not change the header's structure: an encoded word standing as
    # a word of its own becomes a plain atom, so a decoded CR/LF in a name is the composer's concern.
    shape = _ENCODED_WORD.sub("x", flat)
    plain = _PLAIN_MAILBOX.fullmatch(shape)
    address = (plain.group("angle") or plain.group("bare")) if plain else ""
    if plain and valid_address(address):
        if shape == flat:
            return ""  # the common shape, which the registry's parser (a tenth of a millisecond) would accept
    else:
        problem, address = _registry_mailbox(shape)
        if problem:
            return problem
    # parse.py takes the sender with the lenient parser (email.utils): it must read this same address,
    # or the message would be checked as one sender and handled as another.
    lenient = email.utils.getaddresses([flat.replace("\t", " ")])
    if len(lenient) != 1 or lenient[0][1] != address:
        return "From header reads as another address to a lenient parser"
    return ""


def plain_mailbox(value: str) -> bool:
    """True for one mailbox in the plainest form, which the strict parser accepts (tests hold it to that)."""
    plain = _PLAIN_MAILBOX.fullmatch(value)
    return plain is not None and valid_address(plain.group("angle") or plain.group("bare"))


def registry_problem(value: str) -> str:
    """Why the (normalised) From value is not exactly one valid mailbox, by the email package's strict parser."""
    return _registry_mailbox(value)[0]


def _registry_mailbox(value: str) -> tuple[str, str]:
    """(why the value is refused or "", the one mailbox's address) by the email package's strict parser."""
    try:
        header = _REGISTRY("from", value)
    except Exception:  # the registry's parser raising is itself a reason to refuse
        return "From header cannot be parsed", ""
    if header.defects:
        return f"From header is malformed ({type(header.defects[0]).__name__})", ""
    groups: tuple[Any, ...] = getattr(header, "groups", ())  # an AddressHeader for "from"
    if len(groups) != 1 or groups[0].display_name is not None or len(groups[0].addresses) != 1:
        return "From header does not hold exactly one mailbox", ""
    address = str(groups[0].addresses[0].addr_spec)
    if not valid_address(address):
        return "From address is not a plain mailbox", ""
    return "", address


_REGISTRY = email.headerregistry.HeaderRegistry()
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]++"
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR_SPEC = rf"{_ATOM}(?:\.{_ATOM})*@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+"
# One mailbox in the plainest RFC 5322 form: `addr@example.org`, `<addr@example.org>`, or a display
# name of atoms or one quoted string of printable ASCII (no quote, no backslash) before `<addr>`.
# Anything else (comments, groups, obsolete forms, non-ASCII) goes to the registry's strict parser.
# Possessive repeats and the anchor keep it linear: a run of spaces or tabs was tried from each of its
# positions (4 KB of tabs took 20 ms, and a search over them quadratic time).
_PLAIN_MAILBOX = re.compile(
    rf"\A[ \t]*+(?:(?:{_ATOM}(?:[ \t]++{_ATOM})*+|\"[\x20\x21\x23-\x5b\x5d-\x7e]*+\")?+[ \t]*+<(?P<angle>{_ADDR_SPEC})>"
    rf"|(?P<bare>{_ADDR_SPEC}))[ \t]*+"
)
# An RFC 2047 encoded word as a phrase may hold it: a word of its own (after a space, a quote or a
# comment's parenthesis, before a space, a quote, a parenthesis or `<`) whose charset is a token and
# whose text has only letters, digits and `!*+-/=_` (no `<`, `@`, `,` or `"` to hide a second address in).
_ENCODED_WORD = re.compile(
    r"(?<![^\s\"(])=\?[A-Za-z0-9!#$%&'*+^_`{|}~-]{1,40}\?[bBqQ]\?[A-Za-z0-9!*+/=_-]{0,1000}\?=(?![^\s\"()<])"
)
