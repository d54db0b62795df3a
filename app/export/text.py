"""Text helpers for print: direction, script and short labels of user text."""

import unicodedata
from collections import Counter
from collections.abc import Iterable

RTL_CLASSES = {"R", "AL"}
URDU_LETTERS = set("ٹڈڑںے")
PASHTO_LETTERS = set("ټډړښږځڅېۍګڼ")
PERSIAN_LETTERS = set("پچژگکی")
SCRIPTS = (  # (first, last code point, script)
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0x0980, 0x09FF, "bengali"),
    (0x0400, 0x04FF, "cyrillic"),
)


def bidi_dir(text: str | None) -> str:
    """The dir attribute for user text: "rtl" when its first strong letter is right-to-left, else "auto".

    Browsers resolve dir="auto" themselves, but WeasyPrint 70 ignores it, so right-to-left text gets
    the explicit direction that "auto" would have computed.
    """
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in RTL_CLASSES:
            return "rtl"
        if kind == "L":
            return "auto"
    return "auto"


def script_lang(text: str | None) -> str:
    """ "ur" for Urdu text (set in Nastaliq), "" otherwise: the font stack covers the other scripts."""
    letters = set(text or "")
    if letters & URDU_LETTERS and not letters & PASHTO_LETTERS:
        return "ur"
    return ""


def short(text: str | None, length: int = 70) -> str:
    """One line of at most `length` characters, with an ellipsis when cut."""
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _script(char: str) -> str:
    code = ord(char)
    return next((script for first, last, script in SCRIPTS if first <= code <= last), "latin")


def text_language(texts: Iterable[str | None], country_code: str = "") -> str:
    """The language most of these texts are written in, as a BCP 47 tag; "en" when mostly Latin or empty.

    The script with the most letters decides; in Arabic script, the letters only Pashto, Urdu or
    Persian use tell them apart (Persian in Afghanistan is Dari, "fa-AF").
    """
    counts: Counter[str] = Counter()
    arabic_letters: set[str] = set()
    for text in texts:
        for char in text or "":
            if char.isalpha():
                script = _script(char)
                counts[script] += 1
                if script == "arabic":
                    arabic_letters.add(char)
    script = counts.most_common(1)[0][0] if counts else "latin"
    if script == "arabic":
        if arabic_letters & PASHTO_LETTERS:
            return "ps"
        if arabic_letters & URDU_LETTERS:
            return "ur"
        if arabic_letters & PERSIAN_LETTERS:
            return "fa-AF" if country_code == "AF" else "fa"
        return "ar"
    return {"bengali": "bn", "cyrillic": "ru"}.get(script, "en")
