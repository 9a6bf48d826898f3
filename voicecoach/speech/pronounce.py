"""Words an engine says wrong, and the spelling that makes it say them right.

Each engine reads English its own way: eSpeak NG and Piper voices by eSpeak NG's spelling rules,
the natural voice by a pronouncing dictionary with a guesser for words it lacks. Found by reading
each engine's phonemes for every word of the shipped lines.
"""

from __future__ import annotations

import hashlib
import json
import re

# eSpeak NG puts the stress of "podiatrists" on the first syllable (POH-dee-at-rists).
_ESPEAK_RULES = {
    "podiatrists": "pa-diatrists",
    "podiatrist": "pa-diatrist",
}

TABLES: dict[str, dict[str, str]] = {
    "espeak": _ESPEAK_RULES,
    "piper": _ESPEAK_RULES,  # Piper voices read English through eSpeak NG's rules too
    # The brand is not in the natural voice's dictionary; its guess ends in a flapped "-der".
    # `[word](/phonemes/)` is the natural voice's own way of giving a word's phonemes.
    "natural": {
        "enertor's": "[Enertor's](/ˈɛnəɹtɔɹz/)",
        "enertor": "[Enertor](/ˈɛnəɹtɔɹ/)",
    },
}


def _pattern(words: list[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)  # "enertor's" before "enertor"
    return re.compile(r"(?<![\w'])(" + "|".join(re.escape(w) for w in ordered) + r")(?![\w'])",
                      re.IGNORECASE)


_PATTERNS = {engine: _pattern(list(table)) for engine, table in TABLES.items() if table}


def respell(text: str, engine: str) -> str:
    """`text` with the words `engine` says wrong replaced by spellings it says right."""
    pattern = _PATTERNS.get(engine)
    if pattern is None:
        return text
    table = TABLES[engine]
    return pattern.sub(lambda m: table[m.group(1).lower()], text)


def digest(engine: str) -> str:
    """A short fingerprint of `engine`'s table: part of its identity, so clips follow changes."""
    data = json.dumps(TABLES.get(engine, {}), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:10]
