"""A line as the engine says it: numbers and symbols read out as words, for the plan's estimate
of how long a line takes before it has been rendered."""

from __future__ import annotations

import re

_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred"))
LONGEST_NUMBER = 12  # digits said as one number; longer runs are read digit by digit

# Symbols eSpeak NG says as words (in English); other punctuation is a pause or silent.
SYMBOLS = {
    "%": "percent", "&": "and", "+": "plus", "=": "equals", "@": "at", "#": "hash",
    "/": "slash", "~": "tilde", "*": "star", "$": "dollar", "^": "caret", "|": "bar",
    "_": "underscore", "\\": "backslash", "<": "less than", ">": "greater than",
    "°": "degrees", "€": "euro", "£": "pound",
}
_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[\w']+|[^\w\s]")


def number_words(digits: str) -> list[str]:
    """How a whole number written in digits is said: `2024` -> two thousand and twenty four."""
    if len(digits) > LONGEST_NUMBER:
        return [_ONES[int(d)] for d in digits]
    return _cardinal(int(digits))


def _cardinal(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        tens, ones = divmod(n, 10)
        return [_TENS[tens]] + ([_ONES[ones]] if ones else [])
    for size, name in _SCALES:
        if n >= size:
            high, rest = divmod(n, size)
            words = _cardinal(high) + [name]
            if rest:
                words += (["and"] if rest < 100 else []) + _cardinal(rest)
            return words
    return []  # not reached


def spoken_words(text: str) -> list[str]:
    """The words the engine says for `text`, in order (punctuation that is only a pause left
    out)."""
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            whole, _, fraction = token.replace(",", "").partition(".")
            words += number_words(whole)
            if fraction:
                words += ["point"] + [_ONES[int(d)] for d in fraction]
        elif token in SYMBOLS:
            words += SYMBOLS[token].split()
        elif re.match(r"[\w']", token):
            # Digits run into letters ("10x", "20s") are said apart from them.
            for part in re.findall(r"\d+|(?:[^\W\d]|')+", token):
                words += number_words(part) if part.isdigit() else [part]
    return [w for w in words if w.strip("'")]
