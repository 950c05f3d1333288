"""What start-up keeps between runs (compiled patterns, parsed rules, Babel's dates) is the same as computing it."""

from __future__ import annotations

import importlib.util
import marshal
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from datetime import date, timedelta
from importlib.machinery import ModuleSpec
from pathlib import Path

import babel.dates
import pytest

from mailbot import cases, compose, startcache
from mailbot.resources import data_dir
from mailbot.rules import load_rules

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture
def cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache folder, read and written as the command line does; everything kept forgotten after."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    startcache.forget()
    yield tmp_path / "cache" / "mailbot" / "start"
    startcache.forget()
    cases._months.cache_clear()
    compose._long_dates.cache_clear()


def _next_process() -> None:
    """What a new process sees: what this one kept, written to the folder and read back."""
    startcache.save()
    startcache.forget()
    startcache.load()


def _rule_sources() -> list[str]:
    ruleset = load_rules(compile_now=False)
    sources = {r.pattern_source for r in ruleset.rules} | {s for r in ruleset.rules for _, s in r.language_sources}
    return sorted(s for s in sources if s)


def _sample_texts() -> list[str]:
    texts = [p.read_text(errors="replace").lower() for p in sorted((CORPUS / "written").rglob("*.eml"))[:120]]
    return [*texts, "", "\n\n", "we cannot act on your request\nbitte senden sie uns eine kopie ihres ausweises"]


def test_patterns_read_back_from_the_cache_match_exactly_as_re_compiles_them(cache_home: Path) -> None:
    startcache.load()
    sources = _rule_sources()
    for source in sources:
        startcache.compile(source)
    _next_process()

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again instead of read from the cache")

    texts = _sample_texts()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(re._parser, "parse", no_parsing)  # type: ignore[attr-defined]
        cached = [startcache.compile(source) for source in sources]
    for source, pattern in zip(sources, cached, strict=True):
        fresh = re.compile(source)
        assert (pattern.pattern, pattern.flags, pattern.groups, pattern.groupindex) == (
            fresh.pattern,
            fresh.flags,
            fresh.groups,
            fresh.groupindex,
        )
        for text in texts:
            assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in fresh.finditer(text)]


def test_a_bad_pattern_raises_as_re_compile_does_and_is_not_kept(cache_home: Path) -> None:
    startcache.load()
    with pytest.raises(re.error):
        startcache.compile("(unclosed")
    startcache.compile("fine")
    _next_process()
    with pytest.raises(re.error):
        startcache.compile("(unclosed")


def test_the_cache_is_private_and_a_damaged_or_foreign_file_is_ignored(cache_home: Path) -> None:
    startcache.load()
    startcache.compile(r"\bobjection\b")
    startcache.save()
    (kept,) = cache_home.iterdir()
    assert cache_home.stat().st_mode & 0o777 == 0o700
    assert kept.stat().st_mode & 0o777 == 0o600

    kept.write_bytes(b"\x00not marshal data")
    startcache.forget()
    startcache.load()
    assert startcache.compile(r"\bobjection\b").search("an objection")  # compiled anew

    startcache.save()
    kept.chmod(0o666)  # anyone may have written it: not read
    startcache.forget()
    startcache.load()
    assert startcache._patterns == {}


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(cache_home: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache_home.parent.mkdir(parents=True)
    os.symlink(elsewhere, cache_home)
    startcache.load()
    startcache.compile(r"\bobjection\b")
    startcache.save()
    assert list(elsewhere.iterdir()) == []


def test_without_load_nothing_is_written(cache_home: Path) -> None:
    """The pure stages use the cache in memory only; the command line reads and writes the folder."""
    startcache.compile(r"\bobjection\b")
    startcache.save()
    assert not cache_home.exists() or list(cache_home.iterdir()) == []


def test_a_rule_file_is_parsed_again_once_it_changes(cache_home: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), rules)
    startcache.load()
    before = load_rules(rules)
    _next_process()
    tuning = rules / "tuning.toml"
    text = tuning.read_text()
    key = re.search(r"(?m)^(negation_window)\s*=\s*(\d+)", text)
    assert key
    changed = int(key.group(2)) + 7
    tuning.write_text(text.replace(key.group(0), f"{key.group(1)} = {changed}"))
    os.utime(tuning, ns=(tuning.stat().st_atime_ns, tuning.stat().st_mtime_ns + 1_000_000))
    after = load_rules(rules)
    assert before.tuning.negation_window != after.tuning.negation_window == changed


def test_a_newer_library_drops_the_values_kept_from_the_older(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    startcache.load()
    assert startcache.value("answer", lambda: 41) == 41
    _next_process()
    assert startcache.value("answer", lambda: 42) == 41
    startcache.save()
    monkeypatch.setattr(startcache, "_libraries", lambda: "babel@elsewhere@1")
    startcache.forget()
    startcache.load()
    assert startcache.value("answer", lambda: 42) == 42


@pytest.mark.parametrize("lang", ["en", "de", "fr", "it", "es"])
def test_long_dates_are_babels_for_every_day_of_three_years(cache_home: Path, lang: str) -> None:
    startcache.load()
    compose.format_date(date(2025, 1, 1), lang)
    _next_process()
    compose._long_dates.cache_clear()
    day = date(2024, 1, 1)
    while day.year < 2027:
        expected = babel.dates.format_date(day, format="long", locale=compose._LOCALES[lang])
        if day.day == 1 and lang in compose._FIRST:
            expected = compose._FIRST[lang] + expected[1:]
        assert compose.format_date(day, lang) == expected
        day += timedelta(days=1)


def test_month_names_kept_are_babels(cache_home: Path) -> None:
    startcache.load()
    computed = cases._months()
    _next_process()
    cases._months.cache_clear()
    assert cases._months() == computed == cases._babel_months()
    assert computed["märz"] == computed["mars"] == computed["marzo"] == computed["march"] == 3


# --- Red-team findings ---------------------------------------------------------------------------------


def _kept(cache_home: Path) -> Path:
    (kept,) = (p for p in cache_home.iterdir() if p.suffix == ".marshal")
    return kept


def test_a_damaged_file_that_still_reads_gives_neither_another_pattern_nor_another_value(cache_home: Path) -> None:
    """A flipped byte that marshal still reads must not hand out one pattern's code for another source."""
    startcache.load()
    startcache.compile("qqqq objection")
    startcache.value("months-of-a-test", lambda: {"janvier": 1})
    startcache.save()
    kept = _kept(cache_home)
    damaged = kept.read_bytes().replace(b"qqqq objection", b"zzzz objection").replace(b"janvier", b"janviez")
    kept.write_bytes(damaged)
    startcache.forget()
    startcache.load()
    assert startcache.compile("zzzz objection").search("zzzz objection")
    assert startcache.value("months-of-a-test", lambda: {"janvier": 1}) == {"janvier": 1}


@pytest.mark.parametrize("damage", ["truncated", "empty", "huge list", "not a dict", "a directory"])
def test_a_damaged_file_is_a_cold_cache_never_a_traceback(cache_home: Path, damage: str) -> None:
    startcache.load()
    startcache.compile(r"\bobjection\b")
    startcache.save()
    kept = _kept(cache_home)
    data = kept.read_bytes()
    if damage == "a directory":
        kept.unlink()
        kept.mkdir(mode=0o700)
    else:
        kept.write_bytes(
            {
                "truncated": data[: len(data) // 2],
                "empty": b"",
                "huge list": data[:16] + b"[\xff\xff\xff\x7f",  # a list that says it holds 2**31 items
                "not a dict": marshal.dumps(["patterns", 1]),
            }[damage]
        )
    startcache.forget()
    startcache.load()
    assert startcache.compile(r"\bobjection\b").search("an objection")
    startcache.save()  # and the next run writes a good file again (or leaves the folder alone)


def test_an_upgrade_of_mailbot_drops_the_values_its_older_version_kept(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Values such as the month names are mailbot's code's output too: a new mailbot with the same Babel
    must not read what the old one computed."""
    installed = tmp_path / "site" / "mailbot" / "__init__.py"
    installed.parent.mkdir(parents=True)
    installed.write_text("")
    find_spec = importlib.util.find_spec

    def where(name: str, package: str | None = None) -> ModuleSpec | None:
        return ModuleSpec("mailbot", None, origin=str(installed)) if name == "mailbot" else find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", where)
    startcache.load()
    assert startcache.value("months-of-a-test", lambda: {"sept": 9}) == {"sept": 9}
    _next_process()
    assert startcache.value("months-of-a-test", lambda: {"sept": 9, "sep": 9}) == {"sept": 9}
    startcache.save()
    os.utime(installed, ns=(installed.stat().st_atime_ns, installed.stat().st_mtime_ns + 10**9))  # reinstalled
    startcache.forget()
    startcache.load()
    assert startcache.value("months-of-a-test", lambda: {"sept": 9, "sep": 9}) == {"sept": 9, "sep": 9}


def test_a_rule_file_rewritten_with_its_size_and_time_kept_is_parsed_again(cache_home: Path, tmp_path: Path) -> None:
    """An editor writing twice within one clock tick, `cp -p`, `rsync -t` or `touch -r` keep size and mtime."""
    rules = tmp_path / "rule.toml"
    rules.write_text("answer = 1\n")
    old = rules.stat()
    os.utime(rules, ns=(old.st_atime_ns, old.st_mtime_ns - 3 * 10**9))  # not written just now
    old = rules.stat()
    startcache.load()
    assert startcache.toml(rules) == {"answer": 1}
    _next_process()
    rules.write_text("answer = 2\n")
    os.utime(rules, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert (rules.stat().st_size, rules.stat().st_mtime_ns) == (old.st_size, old.st_mtime_ns)
    assert startcache.toml(rules) == {"answer": 2}


def test_the_bundled_rules_are_read_from_the_cache_by_the_next_process(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The speed stays: a warm start parses no TOML and compiles no pattern."""
    startcache.load()
    before = load_rules()
    _next_process()

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again instead of read from the cache")

    monkeypatch.setattr(tomllib, "load", no_parsing)
    monkeypatch.setattr(re._parser, "parse", no_parsing)  # type: ignore[attr-defined]
    after = load_rules()
    assert [r.pattern_source for r in after.rules] == [r.pattern_source for r in before.rules]
    assert after.tuning == before.tuning


def test_the_cache_is_written_only_inside_its_own_folder(cache_home: Path, tmp_path: Path) -> None:
    """A folder swapped for a link after it was checked (a parent writable by another user) is not written through."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    startcache.load()
    startcache.compile(r"\bobjection\b")
    checked = startcache.folder()
    assert checked is not None

    def swapped() -> Path:
        checked.rename(tmp_path / "moved")
        os.symlink(elsewhere, checked)
        return checked

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(startcache, "folder", swapped)
        startcache.save()
    assert list(elsewhere.iterdir()) == []


def test_two_processes_writing_at_once_leave_a_file_either_reads(cache_home: Path, tmp_path: Path) -> None:
    script = (
        "import sys\nfrom mailbot import startcache\nstartcache.load()\n"
        "for i in range(60):\n"
        "    startcache.compile(f'{sys.argv[1]}{i}')\n"
        "    startcache.save()\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent.parent)}
    writers = [subprocess.Popen([sys.executable, "-c", script, tag], env=env) for tag in ("a", "b")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    assert [p.name for p in cache_home.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    startcache.forget()
    startcache.load()
    assert set(startcache._patterns) & {"a59", "b59"}  # one writer's last file, whole


_EML = sorted((CORPUS / "written" / "request_info").glob("*.eml"))[:3]


@pytest.mark.parametrize("state", ["warm", "damaged", "shared folder"])
def test_commands_answer_the_same_with_a_cold_warm_or_damaged_cache(tmp_path: Path, state: str) -> None:
    mailbot = Path(sys.executable).parent / "mailbot"
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    env.pop("MAILBOT_CONFIG", None)
    commands = [["classify", "--json", *map(str, _EML)], ["reply", str(_EML[0])], ["check"]]

    def run_all() -> list[tuple[int, str]]:
        out = []
        for command in commands:
            done = subprocess.run([str(mailbot), *command], env=env, capture_output=True, text=True, timeout=120)
            assert "Traceback" not in done.stderr
            out.append((done.returncode, re.sub(r"(?m)^Date: .*$", "Date: -", done.stdout)))
        return out

    cold = run_all()
    folder = tmp_path / "cache" / "mailbot" / "start"
    assert list(folder.glob("*.marshal"))
    if state == "damaged":
        for kept in folder.glob("*.marshal"):
            kept.write_bytes(kept.read_bytes()[:-100])
    elif state == "shared folder":
        folder.chmod(0o755)
    assert run_all() == cold


def test_the_cache_is_written_back_to_the_folder_it_was_read_from(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process whose environment changes after start (a test suite, a wrapper) writes nothing elsewhere."""
    startcache.load()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other"))
    startcache.compile(r"\bwritten back\b")
    startcache.save()
    assert not (tmp_path / "other").exists()
    assert len(list(cache_home.iterdir())) == 1


def test_a_cache_past_its_size_keeps_only_what_the_last_process_used(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Patterns of rules since edited pile up; past MAX_BYTES the file starts again from what was used."""
    startcache.load()
    for n in range(40):
        startcache.compile(rf"\bold rule number {n}\b")
    _next_process()
    kept = next(cache_home.iterdir()).stat().st_size
    monkeypatch.setattr(startcache, "MAX_BYTES", kept)  # the next file would be larger than this
    startcache.compile(r"\bthe rule used now\b")
    startcache.compile(r"\bold rule number 7\b")
    _next_process()
    assert set(startcache._patterns) == {r"\bthe rule used now\b", r"\bold rule number 7\b"}
