"""Reading what customers type: needs by the tenant's vocabulary, urgency, yes/no, choices, names, addresses.

Deterministic and offline. Phones go through phonenumbers (domain.phones); times are resolved by
tools.when on the server side, so this module only keeps the customer's words about time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.phones import find_phone_in_text
from tools.when import MONTHS, WEEKDAYS

# Words that name a category without describing a problem ("I need a plumber").
GENERIC = {"hvac", "plumbing", "plumber", "electrical", "electrician", "landscaping", "contractor",
           "general contracting", "heating", "cooling", "repair", "construction"}
# Words that only count when no other category is named more specifically ("roof leak" is roofing).
WEAK = {"repair", "leak", "leaking", "power", "construction", "heat", "light", "lights", "switch", "yard"}

# Danger to people, not only to the house: the safety instruction comes first, then the emergency visit.
DANGER = re.compile(r"\b(carbon monoxide|co (alarm|detector)s?|co2? alarm|(smell(s|ing)?( of)?|smelt) (natural )?gas|"
                    r"gas (smell|leak|odou?r)|(smell(s|ing)? )?(burning|smoke) (smell|from)|smell(s|ing)? (burning|smoke)|"
                    r"sparks?|sparking|arcing|(electrical )?fire|"
                    r"(water|leak(s|ing)?|drip(s|ping)?|wet)\b[^.!?]{0,40}\b(electrical panel|electric panel|outlets?|"
                    r"breaker (box|panel)|panel box|fuse box|wires|wiring|light fixtures?|light switch(es)?))\b")
EMERGENCY = re.compile(r"\b(emergency|freezing|no heat|flood(ing|ed)?|burst|sparks?|sparking|smoke|smoking|"
                       r"gas smell|smell gas|fire|no power|water everywhere|asap|right away|immediately)\b")
NOT_EMERGENCY = re.compile(r"\b(not|no|isn'?t|non)[- ](an? )?(emergency|urgent|rush|hurry)\b")
URGENT = re.compile(r"\b(urgent|today|tonight|soon as possible|quickly|stopped working|not working|broken|"
                    r"won'?t (turn|start|work))\b")
SCHEDULED = re.compile(r"\b(maintenance|annual|yearly|tune[- ]?up|inspect(?:ion|ed)?|seasonal|no rush|whenever|"
                       r"before (winter|summer|spring|fall)|check[- ]?up|service plan)\b")

YES = re.compile(r"^\W*(y|ya|yes|yeah|yep|yup|sure|ok|okay|correct|right|perfect|great|absolutely|definitely|"
                 r"please( do)?|book it|sounds good|that works|works|confirm(ed)?|go ahead|do it|that'?s right|"
                 r"that is right|that'?s correct|fine)\b")
NO = re.compile(r"^\W*(n|no|nope|nah|not really|different|another|other|wrong|incorrect|none)\b")

INTENTS = {
    "decline": re.compile(r"(system prompt|your (instructions|prompt|rules|tools)|list of tools|tools you|"
                          r"ignore (all|previous|the above|your)|jailbreak|developer mode|pretend you|"
                          r"other customers?|everyone'?s|all customers|database|tenant|api key|password)"),
    "human": re.compile(r"\b(human|real person|a person|someone real|representative|manager|speak to (someone|a)|"
                        r"talk to (someone|a)|call me back|callback|operator)\b"),
    "hours": re.compile(r"\b(hours|open|opening|close|closing|what time do you)\b"),
    "prices": re.compile(r"\b(price|prices|pricing|cost|costs|how much|charge|rate|rates|fee|fees|quote)\b"),
    "area": re.compile(r"\b(service area|areas?|do you (serve|cover|come to)|serve|cover)\b"),
    "cancel": re.compile(r"\bcancel\b"),
    "reschedule": re.compile(r"\b(reschedule|move my|change my (appointment|booking|visit)|different time for my)\b"),
    "appointments": re.compile(r"\b(my (next )?(appointment|appointments|booking|visit)|when is (my|the technician)|"
                               r"what'?s my address|my address|my account)\b"),
    "history": re.compile(r"\b(my history|service history|last (visit|service)|previous (visit|service)s?)\b"),
    # a question about the appliances on record ("when was my furnace put in?"), answered from the history;
    # the appliance it names is not a request for service
    "equipment": re.compile(r"\b(my (equipment|appliances)|(equipment|appliances)[a-z ]{0,25} on (file|record)|"
                            r"when was (my|the|our) [a-z ]{2,30}(installed|put in)|how old is (my|our|the) |"
                            r"what (make|model|brand) is (my|our|the) )"),
}
STREET = re.compile(r"\b\d{1,6}[a-z]?\s+(?:[a-z0-9.'-]+\s+){0,4}"
                    r"(?:street|st|avenue|ave|road|rd|drive|dr|boulevard|blvd|"
                    r"crescent|cres|court|ct|lane|ln|way|place|pl|parkway|pkwy|circle|cir|terrace|trail|square|sq)\b"
                    r"(?:[ ,]+[a-z .'-]+)?", re.I)
NAME_INTRO = re.compile(r"\b(?:my name is|my name'?s|name is|i am|i'm|this is|it'?s|call me)\s+"
                        r"([A-Za-z][A-Za-z'.-]+(?:\s+[A-Za-z][A-Za-z'.-]+){0,2})", re.I)
TIME_WORDS = re.compile(r"\b(today|tonight|tomorrow|tmrw|morning|afternoon|evening|week|weekend|month|asap|"
                        r"soon|now|next|this|any ?time|whenever|weekday|weekdays|day|days|\d{1,2}(:\d{2})?\s*(am|pm)|"
                        + "|".join(WEEKDAYS) + "|" + "|".join(MONTHS) + r")\b")
# ordinals before bare numbers: "the second one" is the second
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "last": -1, "one": 0, "two": 1,
            "three": 2}
NAME_STOP = {"yes", "no", "ok", "okay", "sure", "thanks", "thank", "hi", "hello", "hey", "the", "my", "a", "an", "it",
             "i", "we", "is", "please", "not", "and", "at"}


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    synonyms: tuple[str, ...]


def normalize(text: str) -> str:
    return " " + re.sub(r"\s+", " ", (text or "").lower().replace("’", "'")) + " "


def _matches(term: str, text: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(term) + r"(?![a-z0-9])", text) is not None


def categories_in(text: str, vocabulary: list[Category]) -> list[tuple[str, bool]]:
    """(category key, described) for each category the text names, in the order they appear."""
    low = normalize(text)
    found: dict[str, tuple[int, bool, bool]] = {}
    for category in vocabulary:
        terms = {category.key.lower(), category.name.lower(), *(s.lower() for s in category.synonyms)}
        for term in terms:
            m = re.search(r"(?<![a-z0-9])" + re.escape(term) + r"(?![a-z0-9])", low)
            if not m:
                continue
            pos, strong, specific = found.get(category.key, (10**6, False, False))
            found[category.key] = (min(pos, m.start()), strong or term not in WEAK,
                                   specific or term not in GENERIC)
    if any(strong for _, strong, _ in found.values()):
        found = {k: v for k, v in found.items() if v[1]}
    return [(key, specific) for key, (_, _, specific) in sorted(found.items(), key=lambda kv: kv[1][0])]


def urgency_of(text: str) -> str | None:
    """emergency / urgent / normal / scheduled when the words say so; None when they do not."""
    low = normalize(text)
    if DANGER.search(low):
        return "emergency"
    if NOT_EMERGENCY.search(low):
        return "scheduled" if SCHEDULED.search(low) else "normal"
    if EMERGENCY.search(low):
        return "emergency"
    if SCHEDULED.search(low):
        return "scheduled"
    if URGENT.search(low):
        return "urgent"
    return None


GREETING = re.compile(r"^\W*(hi|hello|hey|good (morning|afternoon|evening)|thanks|thank you|ok|okay)\W*$")
ON_TOPIC = re.compile(r"\b(help|need|book|booking|appointment|visit|service|technician|fix|repair|broken|problem|issue|"
                      r"quote|estimate|install|replace|come|send|someone)\b")


def off_topic(text: str) -> bool:
    """A message that is neither a greeting nor about a service we could book."""
    low = normalize(text).strip()
    return not (GREETING.search(low) or ON_TOPIC.search(low) or phone_in(text, "US") or yes_no(text) is not None)


def danger_in(text: str) -> bool:
    """Whether the words describe a danger to people (gas, carbon monoxide, sparks, water near electrics)."""
    return DANGER.search(normalize(text)) is not None


def yes_no(text: str) -> bool | None:
    low = normalize(text).strip()
    if NO.search(low):
        return False
    if YES.search(low):
        return True
    return None


def intents_in(text: str) -> set[str]:
    low = normalize(text)
    return {name for name, pattern in INTENTS.items() if pattern.search(low)}


def phone_in(text: str, region: str) -> str | None:
    return find_phone_in_text(text or "", region)


def has_time_words(text: str) -> bool:
    return TIME_WORDS.search(normalize(text)) is not None


def address_in(text: str) -> str | None:
    """A street address written anywhere in the text ('123 Main Street, Toronto')."""
    m = STREET.search(text or "")
    return m.group(0).strip(" .,!") if m else None


def clean_address(text: str) -> str:
    """An answer to 'what is the address?', without the words around it."""
    found = address_in(text)
    if found:
        return found
    return re.sub(r"^\s*(it'?s|it is|the address is|address is|at|we'?re at|i'?m at)\s+", "", text.strip(),
                  flags=re.I).strip(" .!")[:300]


def name_in(text: str, *, asked: bool) -> str | None:
    """The customer's name: introduced anywhere ('this is Dana'), or the whole answer when we just asked."""
    m = NAME_INTRO.search(text or "")
    if m:
        words = [w for w in m.group(1).split() if w.lower() not in NAME_STOP]
        if words and all(w[0].isupper() for w in words):
            return " ".join(words)
    if asked:
        words = re.sub(r"[^A-Za-z' .-]", " ", text or "").split()
        words = [w for w in words if w.lower() not in NAME_STOP]
        if 1 <= len(words) <= 4:
            return " ".join(w[:1].upper() + w[1:] for w in words)
    return None


def code_in(text: str) -> str | None:
    m = re.search(r"(?<!\d)(\d{3})[ -]?(\d{3})(?!\d)", text or "")
    return m.group(1) + m.group(2) if m else None


def choice_in(text: str, labels: list[str]) -> int | None:
    """Which offered option the text picks: by number, ordinal, letter, or by its day and time."""
    low = normalize(text)
    m = re.search(r"(?:option|number|#|choice)?\s*\b([1-6])\b(?!\s*(?::|am|pm|a\.m|p\.m))", low)
    if m and int(m.group(1)) <= len(labels) and not re.search(r"\bat\s+" + m.group(1) + r"\b", low):
        return int(m.group(1)) - 1
    for word, index in ORDINALS.items():
        if _matches(word, low) and (index == -1 or index < len(labels)):
            return index if index >= 0 else len(labels) - 1
    return _by_day_and_time(low, labels)


def _by_day_and_time(low: str, labels: list[str]) -> int | None:
    day = next((d for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
                if d in low or d[:3] + " " in low), None)
    hour_match = re.search(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b", low)
    scored = []
    for index, label in enumerate(labels):
        lab = label.lower()
        score = 0
        if day and day in lab:
            score += 2
        if hour_match:
            hour = int(hour_match.group(1))
            if hour_match.group(3) == "pm" or (not hour_match.group(3) and 1 <= hour <= 7):
                hour = hour % 12 + 12
            shown = f"{hour % 12 or 12}:{hour_match.group(2) or '00'} {'am' if hour < 12 else 'pm'}"
            score += 2 if shown in lab else 0
        scored.append((score, index))
    best = max(scored, default=(0, None))
    return best[1] if best[0] > 0 else None
