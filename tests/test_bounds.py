"""Bounded work: every regex in mailbot/ and rules/ runs in linear time on adversarial input, and a
hostile message is parsed and classified in linear time and bounded memory."""

from __future__ import annotations

import gc
import importlib
import pkgutil
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import imap_client, wait_until, write_config
from servers import Dovecot
from test_scan_imap import SEED, folder_messages, seeded_raw
from test_service import Service

import mailbot
from mailbot import rules as rules_module
from mailbot.classify import classify
from mailbot.models import ActionKind
from mailbot.parse import MAX_PARTS, parse
from mailbot.resources import data_dir
from mailbot.rules import Ruleset

try:  # the regex parser moved in 3.11 (sre_parse is deprecated)
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

# Linear growth doubles the time; quadratic quadruples it. Generous margins either side of 3.
SCREEN_RATIO = 2.7
FAIL_RATIO = 3.1


# --- which patterns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A compiled pattern and where it comes from."""

    name: str
    pattern: re.Pattern[Any]


def module_patterns() -> Iterator[Subject]:
    """Every module-level compiled pattern in the mailbot package."""
    for info in pkgutil.walk_packages(mailbot.__path__, "mailbot."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern):
                yield Subject(f"{info.name}.{attr}", value)


def rule_patterns() -> Iterator[Subject]:
    """Every pattern of rules/, compiled one by one the way the rules loader compiles them."""
    root = data_dir("rules")
    for path in sorted((root / "categories").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for rule in data["rule"]:
            for lang, patterns in rule.get("patterns", {}).items():
                for i, source in enumerate(patterns):
                    compiled = rules_module._compile([source], path.name)
                    assert compiled is not None
                    yield Subject(f"{path.name}[{rule['id']}].{lang}[{i}]", compiled)
    for path, keys in ((root / "relevance.toml", ("role_sender", "negation", "cessation", "conditional")),):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for key in keys:
            for i, source in enumerate(data[key]):
                compiled = rules_module._compile([source], path.name)
                assert compiled is not None
                yield Subject(f"{path.name}[{key}][{i}]", compiled)
    deadlines = root / "deadlines.toml"
    for i, source in enumerate(tomllib.loads(deadlines.read_text(encoding="utf-8")).get("extension", [])):
        compiled = rules_module._compile([source], deadlines.name)
        assert compiled is not None
        yield Subject(f"deadlines.toml[extension][{i}]", compiled)


def joined_rule_patterns(ruleset: Ruleset) -> Iterator[Subject]:
    """The joined patterns the classifier actually runs, one per rule and relevance key."""
    for rule in ruleset.rules:
        if rule.pattern is not None:
            yield Subject(f"rule {rule.id}", rule.pattern)
    rel = ruleset.relevance
    for key in ("role_sender", "negation", "cessation", "conditional"):
        yield Subject(f"relevance {key}", getattr(rel, key))
    if ruleset.extension is not None:
        yield Subject("extension", ruleset.extension)


# --- adversarial inputs --------------------------------------------------------------------------

_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "1",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": " ",
    "CATEGORY_LINEBREAK": "\n",
    "CATEGORY_NOT_LINEBREAK": "a",
}


def _class_char(items: list[tuple[Any, Any]]) -> str:
    """A character a character class matches (or, for a negated class, one it does not exclude)."""
    negate = any(str(op) == "NEGATE" for op, _ in items)
    excluded: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            if not negate:
                return chr(av)
            excluded.add(chr(av))
        elif name == "RANGE":
            if not negate:
                return chr(av[0])
            excluded.update(chr(c) for c in range(av[0], min(av[1], av[0] + 300) + 1))
        elif name == "CATEGORY" and not negate:
            return _CATEGORY_CHARS.get(str(av), "a")
    return next(c for c in "a -1.\n#x" if c not in excluded) if negate else "a"


def _walk(tree: Any, literals: list[str], current: list[str]) -> list[str]:
    """Examples of text the parsed pattern matches; literal runs go into `literals`.

    Returns a few example strings (branches multiply the examples, capped).
    """
    examples = [""]
    for op, av in tree:
        name = str(op)
        if name == "LITERAL":
            current.append(chr(av))
            examples = [e + chr(av) for e in examples]
            continue
        if current:
            literals.append("".join(current))
            current.clear()
        if name == "NOT_LITERAL":
            examples = [e + ("a" if chr(av) != "a" else "b") for e in examples]
        elif name == "ANY":
            examples = [e + "a" for e in examples]
        elif name == "IN":
            examples = [e + _class_char(av) for e in examples]
        elif name == "BRANCH":
            options: list[str] = []
            for branch in av[1]:
                options.extend(_walk(branch, literals, []))
            examples = [e + o for e in examples for o in options[:12]][:24]
        elif name == "SUBPATTERN":
            inner = _walk(av[-1], literals, [])
            examples = [e + i for e in examples for i in inner][:24]
        elif name == "ATOMIC_GROUP":
            inner = _walk(av, literals, [])
            examples = [e + i for e in examples for i in inner][:24]
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = av
            inner = _walk(sub, literals, [])
            examples = [e + i * max(low, 1) for e in examples for i in inner[:4]][:24]
        elif name in ("ASSERT", "ASSERT_NOT"):
            _walk(av[1], literals, [])
    if current:
        literals.append("".join(current))
        current.clear()
    return examples


def adversarial_units(pattern: re.Pattern[Any]) -> list[str]:
    """Units to repeat into adversarial text: the pattern's literal fragments (alone and with
    separators), its examples, their prefixes (partial matches), and runs of the usual suspects."""
    source = pattern.pattern.decode("latin-1") if isinstance(pattern.pattern, bytes) else pattern.pattern
    literals: list[str] = []
    examples = _walk(sre_parse.parse(source, pattern.flags & ~re.DEBUG), literals, [])
    units = {"a", " ", "\n", "\r\n", "-", "1", "a ", "a\n", "\n ", " \n", ".", "<", "#", "_", "é", "a1-", "\t"}
    fragments = sorted({f for f in literals if f.strip()}, key=len, reverse=True)[:24]
    for fragment in fragments:
        units.update({fragment, fragment + " ", fragment + "\n", fragment + "-"})
    for example in examples[:12]:
        if not example:
            continue
        units.update({example, example + " ", example[:-1], example[: max(1, len(example) // 2)]})
    if fragments:
        units.add(" ".join(fragments))
        units.add("".join(fragments))
    return sorted(units)


def _text(unit: str, size: int, binary: bool) -> Any:
    text = (unit * (size // max(1, len(unit)) + 1))[:size]
    return text.encode("utf-8", "replace") if binary else text


def _cpu(run: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def _scan(pattern: re.Pattern[Any], text: Any) -> Callable[[], object]:
    return lambda: sum(1 for _ in pattern.finditer(text))


def growth(pattern: re.Pattern[Any], unit: str, size: int, repeats: int) -> tuple[float, float]:
    """CPU time to scan adversarial text of `size` and of twice that."""
    binary = isinstance(pattern.pattern, bytes)
    small, large = _text(unit, size, binary), _text(unit, 2 * size, binary)
    return _cpu(_scan(pattern, small), repeats), _cpu(_scan(pattern, large), repeats)


def superlinear(subjects: list[Subject], screen_size: int, confirm_size: int) -> list[str]:
    """Patterns whose time grows faster than linearly on some adversarial input.

    A quick screen at a small size, then a confirmation at a larger size (more repeats) for the
    suspects, so timer noise never fails the test and a real offender always does.
    """
    failures: list[str] = []
    gc.disable()
    try:
        for subject in subjects:
            for unit in adversarial_units(subject.pattern):
                t1, t2 = growth(subject.pattern, unit, screen_size, 2)
                if t2 < 0.0005 or t2 / max(t1, 1e-7) < SCREEN_RATIO:
                    continue
                # Confirmed twice, at the larger size and at twice that: a quadratic pattern grows
                # fourfold every time, while a linear one that a busy machine slowed once does not again.
                for size in (confirm_size, 2 * confirm_size):
                    t1, t2 = growth(subject.pattern, unit, size, 5)
                    if t2 / max(t1, 1e-7) <= FAIL_RATIO or t2 <= 0.002:
                        break
                else:
                    failures.append(f"{subject.name} on {unit[:40]!r}: {t1 * 1e3:.1f} ms -> {t2 * 1e3:.1f} ms")
    finally:
        gc.enable()
    return failures


# --- the tests -----------------------------------------------------------------------------------


def test_the_generator_finds_a_quadratic_pattern() -> None:
    """The harness itself: a known quadratic pattern (and the old ticket regex) is caught."""
    quadratic = Subject("quadratic", re.compile(r"\[ref:\s*([^\]\s]+)\s*\]"))
    old_ticket = Subject(
        "old ticket",
        re.compile(
            r"\b(?:ticket|case)\s*(?:[:#]|is)?\s*#?\s*((?=[A-Z-]*\d)[A-Z0-9][A-Z0-9-]{3,})",
            re.IGNORECASE,
        ),
    )
    linear = Subject("linear", re.compile(r"\[ref:[ \t]{0,5}([^\]\s]{1,41})[ \t]{0,5}\]"))
    assert superlinear([quadratic], 1_000, 4_000)
    assert superlinear([old_ticket], 1_000, 4_000)
    assert not superlinear([linear], 1_000, 4_000)


def test_every_module_pattern_is_linear() -> None:
    """Every compiled pattern at module level in mailbot/ runs in linear time on adversarial text."""
    subjects = list(module_patterns())
    assert len(subjects) >= 20, [s.name for s in subjects]
    assert not superlinear(subjects, 4_000, 20_000)


@pytest.mark.timeout(600)
def test_every_rules_pattern_is_linear() -> None:
    """Every pattern in rules/ (categories, relevance, deadlines), compiled as the loader does, runs
    in linear time on adversarial text built from its own fragments."""
    subjects = list(rule_patterns())
    assert len(subjects) >= 200
    assert not superlinear(subjects, 2_000, 16_000)


@pytest.mark.timeout(600)
def test_joined_rules_patterns_are_linear(ruleset: Ruleset) -> None:
    """The joined per-rule alternations the classifier runs stay linear too (generic runs only)."""
    failures = []
    gc.disable()
    try:
        for subject in joined_rule_patterns(ruleset):
            for unit in ("a", " ", "\n", "a ", "ab-", "1", ". "):
                # As in superlinear(): a suspect is measured again at twice the size before it fails.
                for size in (8_000, 16_000):
                    t1, t2 = growth(subject.pattern, unit, size, 3)
                    if t2 / max(t1, 1e-7) <= FAIL_RATIO or t2 <= 0.002:
                        break
                else:
                    failures.append(f"{subject.name} on {unit!r}: {t1 * 1e3:.1f} -> {t2 * 1e3:.1f} ms")
    finally:
        gc.enable()
    assert not failures


# --- whole messages ------------------------------------------------------------------------------

HEAD = "From: Privacy <privacy@facebookmail.com>\r\nTo: ada@example.org\r\nSubject: {subject}\r\n"


def hostile_bodies(size: int) -> dict[str, bytes]:
    """Messages whose bodies are built to hit the slow paths of parsing and classifying."""
    plain = HEAD + "Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"

    def msg(body: str, subject: str = "Re: your objection") -> bytes:
        return plain.format(subject=subject, body=body).encode()

    def fill(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    html = HEAD.format(subject="Re") + "Content-Type: text/html; charset=utf-8\r\n\r\n"
    return {
        "attribution-de": msg(fill("Am Am Am 17.04.2025 schrieb ")),
        "attribution-mix": msg(fill("On Am Le El Il giorno wrote schrieb a écrit escribió ha scritto \n")),
        "outlook-headers": msg(fill("From: x\nFrom: y\n\n")),
        "ticket-bait": msg(fill("ticket-ticket "), subject=fill("[ref:")[:2000]),
        "ticket-dash": msg(fill("ticket-")),
        "quotes-and-sigs": msg(fill("> -- \n> \n")),
        "newlines": msg(fill("\n") + "x"),
        "spaces": msg(fill(" ") + "x"),
        "negation": msg(fill("we will not no longer if you ")),
        "html-nested": (html + fill("<div style='color:#fff;font-size:0'>") + "x").encode(),
        "html-unclosed": (html + fill("<b") + "x").encode(),
        "html-bodies": (html + fill("<body text=white a='") + "x").encode(),
        "html-comments": (html + fill("<body <!-- ") + "x").encode(),
    }


def _parse_classify(raw: bytes, ruleset: Ruleset) -> None:
    classify(parse(raw), ruleset)


def test_parse_and_classify_of_hostile_bodies_grow_linearly(ruleset: Ruleset) -> None:
    """parse + classify of each hostile body at the body cap takes about twice what half of it takes."""
    failures = []
    small, large = hostile_bodies(50_000), hostile_bodies(100_000)
    for name in small:
        for repeats in (3, 5):  # a suspect is measured again, longer, before it fails
            t1 = _cpu(lambda raw=small[name]: _parse_classify(raw, ruleset), repeats)
            t2 = _cpu(lambda raw=large[name]: _parse_classify(raw, ruleset), repeats)
            if t2 / max(t1, 1e-6) <= FAIL_RATIO or t2 <= 0.01:
                break
        else:
            failures.append(f"{name}: {t1 * 1e3:.0f} ms -> {t2 * 1e3:.0f} ms")
    assert not failures


def test_hostile_bodies_are_parsed() -> None:
    """The hostile bodies are not shortcut: each yields a message with its sender and some text."""
    for name, raw in hostile_bodies(10_000).items():
        message = parse(raw)
        assert message.sender is not None, name
        assert message.full_text.strip() or name.startswith("html"), name


def many_parts(count: int) -> bytes:
    """A message with `count` empty MIME parts (8.5 MB for a million)."""
    head = HEAD.format(subject="parts") + 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
    return head.encode() + b"--b\r\n\r\n" * count + b"--b--\r\n"


def test_more_parts_than_the_cap_are_held(ruleset: Ruleset) -> None:
    """A message with more MIME parts than the cap is marked truncated with the reason, and held."""
    from mailbot.decide import Policy, decide

    message = parse(many_parts(MAX_PARTS + 1))
    assert message.truncated
    assert any("too many MIME parts" in d for d in message.defects)
    assert message.sender is not None and message.subject == "parts"  # noqa: PT018
    assert decide(message, classify(message, ruleset), ruleset, Policy()).kind is not ActionKind.REPLY
    fine = parse(many_parts(MAX_PARTS // 2))
    assert not fine.truncated


def nested(depth: int) -> bytes:
    """A message with `depth` nested multiparts around one text part."""
    head = HEAD.format(subject="nested") + "MIME-Version: 1.0\r\n"
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth))
    closing = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(depth)))
    text = "Content-Type: text/plain\r\n\r\nPlease send a copy of your passport.\r\n"
    return (head + opening + text + closing).encode()


def test_nested_multiparts_beyond_the_cap_are_held() -> None:
    """Deep nesting counts as parts too: 100,000 nested multiparts are not parsed into a tree,
    and a nesting within the cap is read to its text."""
    message = parse(nested(100_000))
    assert message.truncated
    assert message.sender is not None
    assert "passport" in parse(nested(100)).new_text


def test_a_million_empty_parts_in_bounded_memory(tmp_path: Any) -> None:
    """An 8.5 MB message with a million empty MIME parts is parsed within 150 MB peak RSS (measured
    in a fresh process; building the stdlib tree for it took 503 MB)."""
    path = tmp_path / "parts.eml"
    path.write_bytes(many_parts(1_000_000))
    script = textwrap.dedent(
        f"""
        from mailbot.parse import parse
        from mailbot.classify import classify
        from mailbot.rules import bundled_rules
        raw = open({str(path)!r}, "rb").read()
        message = classify(parse(raw), bundled_rules())
        # VmHWM is this program's own peak: ru_maxrss would also count the test process it was forked from.
        print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    peak_mb = int(out.stdout.strip()) / 1024
    assert peak_mb < 150, f"peak RSS {peak_mb:.0f} MB"


# --- poison mail under `mailbot run` -------------------------------------------------------------


def _poison(name: str, content: bytes, extra_headers: bytes = b"") -> bytes:
    """The genuine request_info fixture's headers (its own thread) with a hostile body."""
    raw = seeded_raw(name, SEED["request_info"])
    head = raw[: raw.index(b"Content-Type:")]
    return head + extra_headers + content


def poison_messages() -> dict[str, bytes]:
    """The worst hostile bodies, as mail from a platform's address."""
    text = b"Content-Type: text/plain; charset=utf-8\r\nMIME-Version: 1.0\r\n\r\n"
    html = b"Content-Type: text/html; charset=utf-8\r\nMIME-Version: 1.0\r\n\r\n"
    parts = b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' + b"--b\r\n\r\n" * 1_000_000
    depth = 50_000
    deep = (
        b"MIME-Version: 1.0\r\n"
        + b"".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n'.encode() for i in range(depth))
        + b"Content-Type: text/plain\r\n\r\nx\r\n"
    )
    huge = b"X-Junk: " + b"A" * 1_000_000 + b"\r\n"
    return {
        "attribution": _poison("attribution", text + b"Am Am Am 17.04.2025 schrieb " * 4_000),
        "ticket-bait": _poison("ticket-bait", text + b"ticket-" * 15_000 + b"[ref:" * 20_000),
        "parts": _poison("parts", parts + b"--b--\r\n"),
        "nesting": _poison("nesting", deep),
        "headers": _poison("headers", text + b"Please send a copy of your passport.\r\n", huge * 3),
        "hidden-html": _poison("hidden-html", html + b"<div style='font-size:0;color:#fff'>x" * 100_000),
    }


@pytest.mark.integration
@pytest.mark.timeout(300)
def test_poison_mail_under_run_does_not_stall_the_service(dovecot: Dovecot, env: Path) -> None:
    """The worst hostile bodies, then a genuine request behind them: `mailbot run` drafts the genuine
    one, records every hostile one (held or done, never left to retry), and stops on SIGTERM."""
    genuine = "<seed-genuine-0@mail.example.net>"

    def answered() -> set[str]:
        return {str(m["In-Reply-To"]) for m, _ in folder_messages(dovecot, "Drafts")}

    client = imap_client(dovecot)
    poison = poison_messages()
    for raw in poison.values():
        client.append("INBOX", raw, flags=[])
    client.append("INBOX", seeded_raw("genuine", SEED["request_info"]), flags=[])
    client.logout()
    service = Service(write_config(env / "config.toml", dovecot))
    try:

        def drafted() -> bool:
            assert service.proc.poll() is None, "".join(service.log)
            return genuine in answered()

        wait_until(drafted, "the genuine request drafted", ceiling=180, every=0.2)
        service.wait_for("waiting for new mail", timeout=120)
    finally:
        service.proc.send_signal(signal.SIGTERM)
        try:
            # Issue 9: SIGTERM is honoured even after poison mail. The ceiling bounds a hang; how fast
            # the service stops is a figure for benchmarks, not an assertion.
            service.proc.wait(60)
        except subprocess.TimeoutExpired:
            service.proc.kill()
            pytest.fail("mailbot run did not stop after SIGTERM")
    assert service.proc.returncode == 0
    db = sqlite3.connect(env / "state.sqlite3")
    rows = dict(db.execute("SELECT message_id, status FROM messages").fetchall())
    db.close()
    for name in poison:
        status = rows.get(f"<seed-{name}-0@mail.example.net>")
        assert status in {"held", "done"}, f"{name}: {status}"
    assert rows.get(genuine) == "done"
