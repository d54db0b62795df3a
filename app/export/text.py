"""Text helpers for print: direction, script and short labels of user text."""

import unicodedata

RTL_CLASSES = {"R", "AL"}
URDU_LETTERS = set("ٹڈڑںے")
PASHTO_LETTERS = set("ټډړښږځڅېۍګڼ")


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
    """"ur" for Urdu text (set in Nastaliq), "" otherwise: the font stack covers the other scripts."""
    letters = set(text or "")
    if letters & URDU_LETTERS and not letters & PASHTO_LETTERS:
        return "ur"
    return ""


def short(text: str | None, length: int = 70) -> str:
    """One line of at most `length` characters, with an ellipsis when cut."""
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
