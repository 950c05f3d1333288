"""What start-up keeps between runs (compiled patterns, parsed rules, Babel's dates) is the same as computing it."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
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
