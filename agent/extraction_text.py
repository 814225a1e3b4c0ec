"""Text handling shared by the extraction rules: sentences, clauses, phrases from a vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass

ARTICLES = re.compile(r"\b(?:the|a|an|our|his|her|their|its|my|some)\s+", re.I)
# A full stop ends a sentence unless it belongs to an abbreviation ("Mrs.", "A.O. Smith", "approx.").
SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\bMrs)(?<!\bMr)(?<!\bDr)(?<!\bMs)(?<!\bSt)(?<!\bapprox)(?<!\bvs)"
                          r"(?<!\be\.g)(?<!\bi\.e)(?<!\bno)[.!?]+(?:\s+|$)|\n+")
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24,
           "couple of": 2, "few": 3}


def sentences(notes: str) -> list[str]:
    """The notes' sentences, parentheses opened up into commas ("furnace (model ML180)")."""
    text = re.sub(r"\s*\(\s*", ", ", notes).replace(")", ",")
    text = re.sub(r"\bw/(?=\s)", "with", text)
    return [s.strip(" ,;") for s in SENTENCE_END.split(text) if s and s.strip(" ,;.")]


def clauses(sentence: str) -> list[str]:
    """A sentence cut at commas, semicolons, dashes and "but"/"so" joining two thoughts."""
    parts = re.split(r"\s*[;,]\s*|\s+[-–—]\s+|\s+(?:but|so|and then|although|though)\s+", sentence)
    return [p.strip(" .") for p in parts if p and p.strip(" .")]


def tidy(text: str) -> str:
    """Lower case, articles and filler dropped, spaces collapsed."""
    text = ARTICLES.sub("", text)
    text = re.sub(r"#(?=\d)", "", text)
    return re.sub(r"\s+", " ", text).strip(" .,;:").lower()


def number(word: str) -> int | None:
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    return NUMBERS.get(word)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    phrase: str      # as found in the vocabulary (lower case)


def vocabulary_pattern(phrases) -> re.Pattern:
    """One regex over a vocabulary, longest phrases first, whole words only (not "cat" in "Cat6")."""
    alternatives = sorted({re.escape(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.I)


def mentions(pattern: re.Pattern, text: str) -> list[Mention]:
    return [Mention(m.start(), m.end(), m.group(0).lower()) for m in pattern.finditer(text)]


def joined(values: list[str]) -> str | None:
    unique = list(dict.fromkeys(v for v in values if v))
    return ", ".join(unique) if unique else None
