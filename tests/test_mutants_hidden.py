"""What a mail client would not show, case by case: each CSS rule of hidden.py at and beside its threshold."""

from __future__ import annotations

import pytest
from lxml import html

from mailbot import hidden
from mailbot.hidden import contrast, drop_hidden, parse_color
from mailbot.parse import html_to_text

WHITE, BLACK = (255, 255, 255), (0, 0, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("white", (WHITE, 1.0)),
        ("  Navy  ", ((0, 0, 128), 1.0)),
        ("navy solid", ((0, 0, 128), 1.0)),  # the first word of a shorthand
        ("transparent", (BLACK, 0.0)),
        ("", None),
        ("chartreuse", None),
        ("#abc", ((170, 187, 204), 1.0)),
        ("#abcd", ((170, 187, 204), 0xDD / 255)),
        ("#a1b2c3", ((161, 178, 195), 1.0)),
        ("#A1B2C3D4", ((161, 178, 195), 0xD4 / 255)),
        ("#abcde", None),
        ("rgb(255, 0, 128)", ((255, 0, 128), 1.0)),
        ("rgb( 1 , 2 , 3 )", ((1, 2, 3), 1.0)),
        ("rgb(0,0,0)", (BLACK, 1.0)),
        ("rgb(300, -5, 20)", ((255, 0, 20), 1.0)),
        ("rgb(100%, 20%, 0%)", ((255, 51, 0), 1.0)),
        ("rgba(10, 20, 30, 0.5)", ((10, 20, 30), 0.5)),
        ("rgba(10, 20, 30, 40%)", ((10, 20, 30), 0.4)),
        ("rgb(1, 2)", None),
        ("rgb(a, b, c)", None),
    ],
)
def test_parse_color(value: str, expected: tuple[tuple[int, int, int], float] | None) -> None:
    found = parse_color(value)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert found[0] == expected[0]
        assert found[1] == pytest.approx(expected[1])


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [  # WCAG 2 contrast ratios as published (black/white 21:1, red 4.0:1, blue 8.59:1, green 5.14:1, #777 4.48:1)
        (BLACK, WHITE, 21.0),
        (WHITE, BLACK, 21.0),
        ((255, 0, 0), WHITE, 3.9985),
        ((0, 0, 255), WHITE, 8.5925),
        ((0, 128, 0), WHITE, 5.1374),
        ((119, 119, 119), WHITE, 4.4781),
        ((238, 238, 238), WHITE, 1.1602),
        ((5, 5, 5), BLACK, 1.03035),  # the linear segment of sRGB near black
    ],
)
def test_contrast_is_the_wcag_ratio(a: tuple[int, int, int], b: tuple[int, int, int], ratio: float) -> None:
    assert contrast(a, b) == pytest.approx(ratio, abs=2e-4)


def _shown(snippet: str, head: str = "") -> bool:
    """Whether "secret" is left after drop_hidden (alone: the text renderer hides some of it by itself)."""
    tree = html.fromstring(f"<html><head>{head}</head><body><p>shown</p>{snippet}</body></html>")
    drop_hidden(tree)
    text = tree.text_content()
    assert "shown" in text
    return "secret" in text


HIDDEN = [
    '<span style="display:none">secret</span>',
    '<span style="opacity:0.05">secret</span>',
    '<span style="opacity:5%">secret</span>',
    '<span style="opacity:0 !important">secret</span>',
    '<span style="transform:scale(0)">secret</span>',
    '<span style="transform: scale( 0 )">secret</span>',
    '<span style="transform:scale(0, 1)">secret</span>',
    '<span style="transform:scaleX(0)">secret</span>',
    '<span style="transform:scaleY(0)">secret</span>',
    '<div style="height:1px;overflow:hidden">secret</div>',
    '<div style="width:0;overflow:hidden">secret</div>',
    '<div style="max-width:0;overflow:clip">secret</div>',
    '<div style="max-height:0;overflow:hidden">secret</div>',
    '<div style="position:absolute;clip:rect(0,0,0,0)">secret</div>',
    '<div style="position:absolute;clip:rect(0 0 0 0)">secret</div>',
    '<div style="position:absolute;clip:rect(0px, 0px, 0px, 0px)">secret</div>',
    '<div style="position:absolute;left:-500px">secret</div>',
    '<div style="position:absolute;top:-40em">secret</div>',
    '<div style="position:absolute;right:-600px">secret</div>',
    '<div style="position:absolute;bottom:-600px">secret</div>',
    '<div style="margin-left:-9999px">secret</div>',
    '<div style="margin-top:-1000px">secret</div>',
    '<p style="text-indent:-500px">secret</p>',
    '<span style="visibility:hidden">secret</span>',
    '<span style="visibility:collapse">secret</span>',
    '<span style="font-size:3px">secret</span>',
    '<span style="font-size:2pt">secret</span>',
    '<span style="font-size:0.1em">secret</span>',
    '<span style="font-size:30%">secret</span>',
    '<span style="font-size:20%">secret</span>',
    '<span style="color:#fff">secret</span>',
    '<span style="color:#eee">secret</span>',
    '<span style="color:rgba(0,0,0,0.05)">secret</span>',
    '<font color="white">secret</font>',
    '<table bgcolor="black"><tr><td><font color="black">secret</font></td></tr></table>',
    '<div style="background:url(x.png) #000 no-repeat"><span style="color:#000">secret</span></div>',
    '<div style="background:url(x.png)" bgcolor="black"><font color="black">secret</font></div>',
    '<!-- a comment first --><span style="display:none">secret</span>',
    '<span style="display:none">first</span><span style="display:none">secret</span>',
    "<span hidden>secret</span>",
    "<noscript>secret</noscript>",
]


@pytest.mark.parametrize("snippet", HIDDEN)
def test_hidden_text_is_dropped(snippet: str) -> None:
    assert not _shown(snippet)


def test_body_text_colour_counts() -> None:
    assert "secret" not in html_to_text('<html><body text="white"><p>secret</p></body></html>')


SHOWN = [
    '<span style="display:inline">secret</span>',
    '<span style="opacity:0.06">secret</span>',
    '<span style="opacity:6%">secret</span>',
    '<span style="opacity:0.5">secret</span>',
    '<span style="opacity:1">secret</span>',
    '<span style="transform:scale(1)">secret</span>',
    '<div style="height:2px;overflow:hidden">secret</div>',
    '<div style="height:0">secret</div>',  # no overflow:hidden: the text spills out and shows
    '<div style="position:absolute;clip:rect(0,10px,10px,0)">secret</div>',
    '<div style="position:absolute;left:-499px">secret</div>',
    '<div style="position:absolute;top:-20em">secret</div>',
    '<p style="text-indent:-499px">secret</p>',
    '<p style="text-indent:10px">secret</p>',
    '<span style="visibility:hidden"><span style="visibility:visible">secret</span></span>',
    '<span style="font-size:4px">secret</span>',
    '<span style="font-size:1em">secret</span>',
    '<span style="font-size:31%">secret</span>',
    '<span style="color:#ddd">secret</span>',
    '<span style="color:rgba(0,0,0,0.06)">secret</span>',
    '<span color="white">secret</span>',  # only <font> takes a color attribute
    '<div style="background-color:rgba(0,0,0,0.5)"><span style="color:black">secret</span></div>',
    '<div style="background:url(x.png)"><span style="color:black">secret</span></div>',
    '<div style="' + " " * 4989 + 'display:none">secret</div>',  # only a style's first 5000 characters count
]


@pytest.mark.parametrize("snippet", SHOWN, ids=lambda s: s[:60].strip())
def test_visible_text_is_kept(snippet: str) -> None:
    assert _shown(snippet)


def _sheet(css: str) -> str:
    return f"<style>{css}</style>"


@pytest.mark.parametrize(
    ("css", "snippet", "shown"),
    [
        (".h{display:none}", '<span class="h">secret</span>', False),
        ("span.h{display:none}", '<span class="h">secret</span>', False),
        ("span{display:none}", "<span>secret</span>", False),
        ("#k{display:none}", '<span id="k">secret</span>', False),
        ("span#k{display:none}", '<span id="k">secret</span>', False),
        (".a,.b{display:none}", '<span class="b">secret</span>', False),
        (".a{color:red} .h{display:none}", '<span class="h">secret</span>', False),
        ("} .h{display:none}", '<span class="h">secret</span>', False),  # a stray brace
        ("@media print{.a{color:red}} .h{display:none}", '<span class="h">secret</span>', False),
        ("@media print{.h{display:none}}", '<span class="h">secret</span>', True),
        ("/* c */ .h{display:none}", '<span class="h">secret</span>', False),
        (".x{color:red}/*c*/.h{display:none}", '<span class="h">secret</span>', False),
        ("/*a*/.h{display:none}/*b*/", '<span class="h">secret</span>', False),
        ("/*/ x */ .h{display:none}", '<span class="h">secret</span>', False),
        ("/**/.h{display:none}", '<span class="h">secret</span>', False),
        (".a{}/*x*/.h{display:none}/* never closed", '<span class="h">secret</span>', False),
        ("/* .h{display:none} */", '<span class="h">secret</span>', True),
        (",".join(f".c{i}" for i in range(50)) + ",.h{display:none}", '<span class="h">secret</span>', True),
        (" " * 99_985 + ".h{display:none}", '<span class="h">secret</span>', True),  # beyond the first 100,000
    ],
    ids=lambda v: v[:50] if isinstance(v, str) else str(v),
)
def test_style_sheets(css: str, snippet: str, shown: bool) -> None:
    assert _shown(snippet, _sheet(css)) is shown


def test_only_twenty_classes_of_an_element_are_read() -> None:
    classes = " ".join(f"c{i}" for i in range(20)) + " h"
    assert _shown(f'<span class="{classes}">secret</span>', _sheet(".h{display:none}"))


def test_text_that_looks_like_css_outside_style_is_text() -> None:
    assert _shown('<p>.h{display:none}</p><span class="h">secret</span>')


def test_drop_hidden_counts_its_cuts() -> None:
    tree = html.fromstring('<div><p style="display:none">a</p><p style="color:#fff">b</p><p>c</p></div>')
    assert drop_hidden(tree) == 2
    assert tree.text_content() == "c"


@pytest.mark.parametrize(("cap", "dropped"), [(4, True), (3, False)])
def test_element_cap(monkeypatch: pytest.MonkeyPatch, cap: int, dropped: bool) -> None:
    """Past the cap on elements nothing more is examined (a sender chooses the size of the tree)."""
    monkeypatch.setattr(hidden, "_MAX_ELEMENTS", cap)
    tree = html.fromstring('<div><p>a</p><p>b</p><p style="display:none">secret</p></div>')
    drop_hidden(tree)
    assert ("secret" not in tree.text_content()) is dropped


@pytest.mark.parametrize("rule", [".xxxx{display:none}", "#xxxx{display:none}"])
def test_an_element_without_class_or_id_matches_no_class_or_id_rule(rule: str) -> None:
    # Every ancestor has a class and an id of its own, so only the bare <span> could match.
    tree = html.fromstring(
        f'<html class="a" id="r"><head class="a" id="h"><style>{rule}</style></head>'
        '<body class="a" id="b"><p class="a" id="p">shown <span>secret</span></p></body></html>'
    )
    drop_hidden(tree)
    assert tree.text_content() == "shown secret"


NESTED_BODIES = {
    # A <body> inside a table: lxml drops the tag and its attributes, a browser gives them to the body.
    "in a table": '<html><body><table><tr><td><body bgcolor="#ffffff" text="#ffffff">{bait}</td></tr></table>'
    "{shown}</body></html>",
    "a second body": '<html><body>{shown}</body><body bgcolor="white" text="white">{bait}</body></html>',
    "a second body's style": '<html><body>{shown}<body style="color:#fff;background:#fff">{bait}</body></html>',
    "no body of its own": '<html><table><tr><td><body text="#fefefe">{bait}</td></tr></table>{shown}</html>',
}
BAIT = "We will honour your objection."
SHOWN_TEXT = '<font color="#000000">Please explain the issue in more detail.</font>'


@pytest.mark.parametrize("markup", NESTED_BODIES.values(), ids=list(NESTED_BODIES))
def test_a_nested_bodys_attributes_hide_text_as_in_a_browser(markup: str) -> None:
    """The attributes of a nested or second <body> apply to the document's body (HTML5): white default text
    on white is hidden, and text with a colour of its own still shows."""
    text = html_to_text(markup.format(bait=BAIT, shown=SHOWN_TEXT))
    assert "explain the issue" in text
    assert "honour" not in text


@pytest.mark.parametrize(
    "markup",
    [
        '<html><body text="#000000" bgcolor="#ffffff"><p>{bait}</p><table><tr><td><body text="#ffffff">'
        "</td></tr></table></body></html>",  # the first body's own attributes win
        '<html><body><p>{bait}</p><!-- <body text="white" bgcolor="white"> --></body></html>',  # a comment
        '<html><body><p>{bait}</p><!-- <body text="white" bgcolor="white"></body></html>',  # an unclosed one
        "<html><body><p>{bait}</p><body onload=x></body></html>",
    ],
)
def test_a_nested_body_that_hides_nothing_hides_nothing(markup: str) -> None:
    assert "honour" in html_to_text(markup.format(bait=BAIT))


def test_body_attributes_merge_first_wins() -> None:
    markup = "<body text=black><div><body TEXT='white' BGCOLOR = \"#fff\" data-x=1><body bgcolor=black>"
    assert hidden.body_attributes(markup) == {"text": "black", "bgcolor": "#fff", "data-x": "1"}
    assert hidden.body_attributes("<p>no body</p>") == {}
    assert hidden.body_attributes("<body><div><body hidden class = 'x y'>") == {"hidden": "", "class": "x y"}


def test_a_nested_hidden_body_hides_the_whole_body() -> None:
    """`<body hidden>` anywhere hides the document's body in a browser: nothing of it counts."""
    assert html_to_text(f"<html><body><p>{BAIT}</p><table><tr><td><body hidden></td></tr></table></body></html>") == ""
