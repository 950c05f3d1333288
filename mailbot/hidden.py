"""Finds the parts of an HTML body a mail client would not show, so they never count or get quoted (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

# Elements whose content is never shown as text.
_NEVER_SHOWN = frozenset({"head", "title", "script", "style", "noscript", "template", "object", "iframe", "svg"})
_DECLARATION = re.compile(r"([a-z-]{1,40})[ \t\r\n]{0,20}:[ \t\r\n]{0,20}([^;]{0,300})")
_BRACE = re.compile(r"[{}]")
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]{0,20})?(?:([.#])([a-z0-9_-]{1,100}))?$")
_LENGTH = re.compile(r"^(-?[0-9]{0,10}\.?[0-9]{1,10})(px|pt|em|rem|%|ex|ch|vw|vh|cm|mm|in|pc)?$")
_HEX = re.compile(r"^#([0-9a-f]{3,8})$")
_FUNCTION = re.compile(r"^(rgba?)\(([^()]{0,100})\)$")
_NAMED = {
    "white": (255, 255, 255),
    "black": (0, 0, 0),
    "snow": (255, 250, 250),
    "ivory": (255, 255, 240),
    "whitesmoke": (245, 245, 245),
    "ghostwhite": (248, 248, 255),
    "floralwhite": (255, 250, 240),
    "azure": (240, 255, 255),
    "mintcream": (245, 255, 250),
    "seashell": (255, 245, 238),
    "linen": (250, 240, 230),
    "gainsboro": (220, 220, 220),
    "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211),
    "silver": (192, 192, 192),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "red": (255, 0, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "navy": (0, 0, 128),
}
_WHITE = (255, 255, 255)
_BLACK = (0, 0, 0)
# Contrast ratios (WCAG) below this are unreadable: white on white is 1.0, #eee on white 1.16.
_MIN_CONTRAST = 1.25
# Offsets this far negative put text off screen (text-indent:-9999px, left:-5000px).
_OFF_SCREEN_PX = 500.0
_PX_PER = {"px": 1.0, "pt": 1.33, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0, "pc": 16.0, "cm": 37.8}
_PX_PER |= {"mm": 3.78, "in": 96.0, "vw": 10.0, "vh": 10.0, "": 1.0}
_MAX_ELEMENTS = 400_000  # more than 1 MB of HTML can hold
# A <body …> tag's attributes; `[^<>]` ends each try at the next tag, so the search stays linear.
_BODY_TAG = re.compile(r"<body\b([^<>]{0,2000})>", re.IGNORECASE)
# An attribute, with or without a value (`<body hidden>` hides all).
_ATTRIBUTE = re.compile(
    r"([a-z][a-z0-9_:-]{0,40})(?:[ \t\r\n]{0,20}=[ \t\r\n]{0,20}(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?", re.IGNORECASE
)
_MAX_BODY_TAGS = 50

Color = tuple[int, int, int]


def _declarations(style: str) -> dict[str, str]:
    """CSS declarations of a style attribute or rule body, lower-case, !important dropped."""
    out: dict[str, str] = {}
    for name, value in _DECLARATION.findall(style[:5000].lower()):
        out[name] = value.replace("!important", "").strip()
    return out


def _length_px(value: str) -> float | None:
    """A CSS length in (approximate) pixels; percentages as their number; None when not a length."""
    match = _LENGTH.match(value.strip())
    if not match:
        return None
    number = float(match.group(1))
    unit = match.group(2) or ""
    return number if unit == "%" else number * _PX_PER.get(unit, 1.0)


def parse_color(value: str) -> tuple[Color, float] | None:
    """(rgb, alpha) of a CSS colour (names, #hex, rgb(), rgba(), transparent); None when unknown."""
    value = value.strip().lower()
    if not value.startswith("rgb"):
        value = value.split()[0] if value else value
    if value == "transparent":
        return _BLACK, 0.0
    if value in _NAMED:
        return _NAMED[value], 1.0
    hex_match = _HEX.match(value)
    if hex_match:
        digits = hex_match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        if len(digits) not in (6, 8):
            return None
        rgb = (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return rgb, alpha
    func = _FUNCTION.match(value.replace(" ", ""))
    if func:
        parts = [p for p in re.split(r"[,/]", func.group(2)) if p]
        try:
            channels = [round(float(p[:-1]) * 2.55) if p.endswith("%") else round(float(p)) for p in parts[:3]]
            alpha = 1.0
            if len(parts) > 3:
                alpha = float(parts[3][:-1]) / 100 if parts[3].endswith("%") else float(parts[3])
        except ValueError:
            return None
        if len(channels) != 3:
            return None
        r, g, b = (max(0, min(255, c)) for c in channels)
        return (r, g, b), alpha
    return None


def _luminance(rgb: Color) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else float(((s + 0.055) / 1.055) ** 2.4)

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two colours (1 = same, 21 = black on white)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _removes(decl: dict[str, str]) -> bool:
    """True when these declarations take an element and everything in it off the screen."""
    if decl.get("display", "").startswith("none"):
        return True
    if "opacity" in decl:
        opacity = _length_px(decl["opacity"])
        if opacity is not None and (opacity <= 5 if decl["opacity"].endswith("%") else opacity <= 0.05):
            return True
    if decl.get("transform", "").replace(" ", "").startswith(("scale(0)", "scale(0,", "scalex(0)", "scaley(0)")):
        return True
    for box in ("height", "max-height", "width", "max-width"):
        size = _length_px(decl.get(box, "x"))
        if size is not None and size <= 1 and decl.get("overflow", "").startswith(("hidden", "clip")):
            return True
    if decl.get("clip", "").replace(" ", "").startswith(("rect(0,0,0,0)", "rect(0000)", "rect(0px,0px,0px,0px)")):
        return True
    if _clipped_away(decl.get("clip-path", "")) or _filtered_away(decl.get("filter", "")):
        return True
    if decl.get("mso-hide", "").startswith("all"):  # Outlook's own "hide this"; only bait would use it
        return True
    for offset in ("left", "top", "right", "bottom", "margin-left", "margin-top"):
        distance = _length_px(decl.get(offset, "x"))
        if distance is not None and distance <= -_OFF_SCREEN_PX:
            return True
    return False


def _clipped_away(value: str) -> bool:
    """True for a clip-path that leaves nothing to see: inset() closing the box (inset(100%),
    inset(50%), inset(0 100% 0 0)) or a circle/ellipse of no size."""
    value = value.strip()
    if value.startswith(("circle(0", "ellipse(0")):
        shape = value.split("(", 1)[1].split()
        return bool(shape) and _length_px(shape[0].rstrip(")")) == 0
    if not value.startswith("inset(") or ")" not in value:
        return False
    sizes = value[6 : value.index(")")].split(" round")[0].split()[:4]
    percents = [float(v[:-1]) if _LENGTH.match(v) and v.endswith("%") else 0.0 for v in sizes]
    if not percents:
        return False
    top, right, bottom, left = _sides(percents)
    return top + bottom >= 100 or left + right >= 100


def _sides(values: list[float]) -> tuple[float, float, float, float]:
    """CSS shorthand order: 1 value (all), 2 (vertical, horizontal), 3 (top, horizontal, bottom), 4 (clockwise)."""
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    if len(values) == 2:
        return values[0], values[1], values[0], values[1]
    if len(values) == 3:
        return values[0], values[1], values[2], values[1]
    return values[0], values[1], values[2], values[3]


def _filtered_away(value: str) -> bool:
    """True for a filter that makes the element transparent: opacity(0), opacity(0%), alpha(opacity=0)."""
    for name in ("opacity(", "alpha(opacity="):
        at = value.find(name)
        if at >= 0:
            amount = value[at + len(name) :].split(")", 1)[0].strip()
            number = _length_px(amount)
            in_percent = amount.endswith("%") or name.startswith("alpha")  # alpha() counts 0-100
            if number is not None and number <= (5 if in_percent else 0.05):
                return True
    return False


def _without_comments(css: str) -> str:
    out: list[str] = []
    at = 0
    while True:
        start = css.find("/*", at)
        if start < 0:
            out.append(css[at:])
            return "".join(out)
        out.append(css[at:start])
        end = css.find("*/", start + 2)
        if end < 0:
            return "".join(out)
        at = end + 2


def _stylesheet(tree: Any) -> dict[str, dict[str, str]]:
    """Declarations that <style> sheets give simple selectors (`tag`, `.class`, `#id`, `tag.class`).

    Rules inside @media and other at-rules are left out: they apply only on some screens.
    """
    rules: dict[str, dict[str, str]] = {}
    for sheet in tree.iter("style"):
        css = _without_comments((sheet.text or "")[:100_000].lower())
        preludes: list[tuple[str, bool]] = []  # (selector or at-rule, inside an at-rule)
        at = 0
        for brace in _BRACE.finditer(css):
            text = css[at : brace.start()]
            at = brace.end()
            if brace.group() == "{":
                prelude = text.strip()
                inside = bool(preludes and preludes[-1][1]) or prelude.startswith("@")
                preludes.append((prelude, inside))
                continue
            if not preludes:
                continue
            prelude, inside = preludes.pop()
            if inside:
                continue
            decl = _declarations(text)
            for selector in prelude.split(",")[:50]:
                selector = selector.strip()
                if _SIMPLE_SELECTOR.match(selector):
                    rules.setdefault(selector, {}).update(decl)
    return rules


def _selectors(element: Any) -> Iterator[str]:
    tag = str(element.tag).lower()
    yield tag
    for cls in (element.get("class") or "").lower().split()[:20]:
        yield "." + cls
        yield f"{tag}.{cls}"
    ident = (element.get("id") or "").lower()
    if ident:
        yield "#" + ident
        yield f"{tag}#{ident}"


def _colour(element: Any, decl: dict[str, str], css: str, attr: str) -> tuple[Color, float] | None:
    value = decl.get(css, "")
    if css == "background-color" and not value and "background" in decl:
        value = next((w for w in decl["background"].split() if parse_color(w)), "")
    if not value:
        value = element.get(attr) or ""
    return parse_color(value) if value else None


@dataclass(frozen=True, slots=True)
class _Inherited:
    """What an element passes on to its text and children (CSS inheritance)."""

    colour: Color = _BLACK
    background: Color = _WHITE
    tiny: bool = False
    invisible: bool = False
    indented_away: bool = False

    def shows_text(self) -> bool:
        return not (self.tiny or self.invisible or self.indented_away) and (
            contrast(self.colour, self.background) >= _MIN_CONTRAST
        )


def _inherit(element: Any, decl: dict[str, str], parent: _Inherited) -> _Inherited:
    state = parent
    bg = _colour(element, decl, "background-color", "bgcolor")
    if bg is not None and bg[1] > 0.5:
        state = replace(state, background=bg[0])
    tag = str(element.tag).lower()
    fg = _colour(element, decl, "color", "color" if tag == "font" else "text")
    if fg is not None:
        # Transparent text shows nothing, whatever lies behind it.
        state = replace(state, colour=fg[0], invisible=state.invisible or fg[1] <= 0.05)
    if "visibility" in decl:
        state = replace(state, invisible=decl["visibility"].startswith(("hidden", "collapse")))
    if "font-size" in decl:
        size = _length_px(decl["font-size"])
        if size is not None:
            state = replace(state, tiny=size <= (30 if decl["font-size"].endswith("%") else 3))
    if "text-indent" in decl:
        indent = _length_px(decl["text-indent"])
        if indent is not None:
            state = replace(state, indented_away=indent <= -_OFF_SCREEN_PX)
    return state


def _outside_comments(markup: str) -> str:
    """The markup without its <!-- comments --> (a comment ends the markup when it is not closed)."""
    out: list[str] = []
    at = 0
    while (start := markup.find("<!--", at)) >= 0:
        out.append(markup[at:start])
        end = markup.find("-->", start + 4)
        if end < 0:
            return "".join(out)
        at = end + 3
    out.append(markup[at:])
    return "".join(out)


def body_attributes(markup: str) -> dict[str, str]:
    """The attributes the document's body has in a browser: those of every <body> tag in the markup, a nested
    or second one included, the first of each name winning (HTML5 merges them; lxml drops all but the first
    tag's, so `text` and `bgcolor` on a nested body would otherwise hide text unseen)."""
    merged: dict[str, str] = {}
    for tag in _BODY_TAG.findall(_outside_comments(markup))[:_MAX_BODY_TAGS]:
        for name, value in _ATTRIBUTE.findall(tag):
            merged.setdefault(name.lower(), value.strip("\"'"))
    return merged


def merge_bodies(tree: Any, markup: str) -> None:
    """Give every body element of the lxml tree the attributes the document's body has in a browser (see
    `body_attributes`): the first body's own, then what later <body> tags add."""
    bodies = list(tree.iter("body"))
    if not bodies or "<body" not in markup.lower():
        return
    merged = {**body_attributes(markup), **{k.lower(): v for k, v in bodies[0].attrib.items()}}
    for body in bodies:
        # A second body element's content belongs to the first body in a browser: it inherits the same.
        body.attrib.clear()
        body.attrib.update(merged)


def drop_hidden(tree: Any, markup: str = "") -> int:
    """Remove from an lxml HTML tree the text a mail client would not show; the number of cuts.

    Whole elements go for the `hidden` attribute, <noscript>, <template> (and other never-shown
    elements), display:none, opacity:0, zero-size boxes with overflow hidden, clipping and
    off-screen positions. Text alone goes where it is invisible by inherited properties that a
    child may undo: visibility:hidden, tiny font sizes, off-screen text-indent, and colours that
    match their background (bgcolor and inherited colours included). Simple selectors of <style>
    sheets count like inline styles. `markup`, the HTML the tree was parsed from, brings back the attributes
    of nested <body> tags, which the parser drops.
    """
    if markup:
        merge_bodies(tree, markup)
    sheet = _stylesheet(tree)
    drop: list[Any] = []
    mute: list[Any] = []
    # Depth-first without recursion (the sender chooses the nesting depth).
    stack: list[tuple[Any, _Inherited]] = [(tree, _Inherited())]
    seen = 0
    while stack and seen < _MAX_ELEMENTS:
        element, parent = stack.pop()
        seen += 1
        tag = element.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag.lower() in _NEVER_SHOWN or element.get("hidden") is not None:
            drop.append(element)
            continue
        decl: dict[str, str] = {}
        if sheet:
            for selector in _selectors(element):
                decl.update(sheet.get(selector, {}))
        decl.update(_declarations(element.get("style") or ""))
        if _removes(decl):
            drop.append(element)
            continue
        state = _inherit(element, decl, parent)
        if not state.shows_text():
            mute.append(element)
        stack.extend((child, state) for child in reversed(element))
    for element in mute:
        element.text = None
        for child in element:
            child.tail = None
    for element in drop:
        if element.getparent() is not None:
            element.drop_tree()
    return len(drop) + len(mute)
