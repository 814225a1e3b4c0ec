"""The rule-based extractor: what serves when no model is configured.

Notes are split into clauses; each category has a few patterns over a clause. It is deliberately
simple and predictable; `fieldbook bench extraction` measures how far it gets.
"""

from __future__ import annotations

import re

from agent.extractor import ExtractedAttributes, Pet, Vehicle

ARTICLES = re.compile(r"\b(the|a|an|our|his|her|their)\s+", re.I)

DEMOGRAPHICS = [
    (r"\bretired couple\b", "retired couple"),
    (r"\byoung couple\b", "young couple"),
    (r"\byoung family\b|\bfamily with\b.*\b(kids|children|newborn|baby)\b|\bnew parents\b", "young family"),
    (r"\belderly\b", "elderly"),
    (r"\bsenior\b", "senior"),
    (r"\bretired\b", "retired"),
]

ANIMALS = {"dog": "dog", "dogs": "dog", "puppy": "dog", "retriever": "dog", "labrador": "dog", "lab": "dog",
           "shepherd": "dog", "poodle": "dog", "terrier": "dog", "beagle": "dog", "husky": "dog",
           "bulldog": "dog", "cat": "cat", "cats": "cat", "kitten": "cat", "parrot": "parrot",
           "bird": "bird", "rabbit": "rabbit", "hamster": "hamster"}
PET_NAME = re.compile(r"\b(?:named|called)\s+([A-Z][a-zA-Z'-]+)")

VEHICLES = [(r"\belectric car\b", "electric car"), (r"\bEV\b", "electric car"), (r"\b(pickup )?truck\b", "truck"),
            (r"\bvan\b", "van"),
            (r"\bboat\b", "boat"), (r"\b(RV|camper|motorhome)\b", "rv"), (r"\bmotorcycle\b", "motorcycle"),
            (r"\bcar\b", "car")]
VEHICLE_NOTE = re.compile(r"\b(parks|parked|charges|blocks|is usually)?\b[^,;]*?\b(in|on)?\s*(?:the\s+)?"
                          r"(driveway|garage|side yard|backyard|street)\b", re.I)

ACCESS = [r"\bgate code \d+", r"\balarm code \d+", r"\bbuzzer \d+", r"\block ?box\b[^,;]*", r"^code \d{3,}",
          r"\bkey under (?:the )?\w+", r"\bkeep (?:the )?gate \w+", r"\bgate must stay \w+",
          r"\baccess (?:through|via) [^,;]+", r"\bknock loudly\b", r"\bpark on (?:the )?street\b",
          r"\b(?:visitor|street) (?:parking|spots) only\b", r"\bparking in visitor spots only\b",
          r"\buse (?:the )?(?:back|side|front) (?:door|entrance)\b"]

EQUIPMENT_NOUNS = r"(ladder|stepladder|scaffolding|harness|pump|knee pads|wrench|trimmer|lift|snake|auger|" \
                  r"camera|dolly|tarp|generator|vacuum|drill|saw|torch|respirator|jack)"
EQUIPMENT_VERB = re.compile(r"\b(?:brought|bring|needed|need|needs|used|use|requires?)\s+(.+)", re.I)
EQUIPMENT_NEEDED = re.compile(r"^(.+?)\s+(?:is |are |was )?needed\b", re.I)

PREFERENCES = [r"\bprefers? (.+)", r"\b(text|call) before (?:arriving|coming)\b", r"\bcall after \d+ ?[ap]m\b",
               r"\bno weekends\b", r"\bsame technician\b", r"\bshoes off\b.*", r"\bcall (?:the )?landlord first\b",
               r"\blandlord approves [^,;]+", r"\b(daughter|son|wife|husband|neighbour|neighbor)\b.*\bhandles bookings\b"]

DETAILS = [r"\bstor(?:e)?y\b", r"\bbasement\b", r"\battic\b(?! hatch)", r"\bcrawl ?space\b", r"\broof\b",
           r"\bskylight\b", r"\bpool\b", r"\b\d+ amp panel\b", r"\bwiring\b", r"\bpipes\b",
           r"\b\d+(?:st|nd|rd|th) floor\b",
           r"\bbungalow\b", r"\bbuilt in \d{4}\b", r"\bsill\b", r"\bhedges?\b", r"\b\w+ is (?:about |around )?\d+ years old\b"]


def clauses(notes: str) -> list[str]:
    """Sentences split further at commas and semicolons."""
    parts = re.split(r"(?<=[.!?])\s+|[;,]\s*|\.\s*$", notes)
    return [p.strip(" .") for p in parts if p and p.strip(" .")]


def tidy(text: str) -> str:
    return re.sub(r"\s+", " ", ARTICLES.sub("", text)).strip(" .,;").lower()


def _demographic(text: str) -> str | None:
    for pattern, value in DEMOGRAPHICS:
        if re.search(pattern, text, re.I):
            return value
    return None


def _pets(notes: str) -> list[Pet]:
    pets: list[Pet] = []
    for sentence in re.split(r"(?<=[.!?])\s+", notes):
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", sentence)]
        kinds = [ANIMALS[w] for w in words if w in ANIMALS]
        if kinds:
            name = PET_NAME.search(sentence)
            pets.append(Pet(type=kinds[0], name=name.group(1) if name else None))
    return pets


def _vehicles(notes: str) -> list[Vehicle]:
    found: list[Vehicle] = []
    for sentence in re.split(r"(?<=[.!?])\s+", notes):
        for pattern, kind in VEHICLES:
            if re.search(pattern, sentence, 0 if pattern == r"\bEV\b" else re.I):
                where = VEHICLE_NOTE.search(sentence)
                note = None
                if where:
                    verb = (where.group(1) or "").lower().replace("is usually", "").strip()
                    prep = "" if verb == "blocks" else "in"
                    note = " ".join(p for p in (verb, prep, where.group(3).lower()) if p)
                found.append(Vehicle(type=kind, note=note))
                break
    return found


def _access(parts: list[str]) -> list[str]:
    out = []
    for part in parts:
        for pattern in ACCESS:
            match = re.search(pattern, part, re.I)
            if match:
                out.append(tidy(match.group(0)).replace("gate must stay", "keep gate"))
                break
    return out


def _equipment(parts: list[str]) -> list[str]:
    out = []
    for part in parts:
        matches = [m for m in (EQUIPMENT_VERB.search(part), EQUIPMENT_NEEDED.search(part))
                   if m and re.search(EQUIPMENT_NOUNS, m.group(1), re.I)]
        if not matches:
            continue
        match = matches[0]
        phrase = re.split(r"\s+(?:for|to|on|in)\s+", match.group(1))[0]
        out += [tidy(p) for p in re.split(r"\s+and\s+", phrase) if re.search(EQUIPMENT_NOUNS, p, re.I)]
    return out


def _first_match(parts: list[str], patterns: list[str], exclude: set[str] = frozenset()) -> list[str]:
    out = []
    for part in parts:
        if part in exclude:
            continue
        for pattern in patterns:
            match = re.search(pattern, part, re.I)
            if match:
                out.append(tidy(match.group(1) if pattern.startswith(r"\bprefers?") else match.group(0)))
                break
    return out


def _details(parts: list[str], taken: set[str]) -> list[str]:
    out = []
    for part in parts:
        if part in taken or not any(re.search(p, part, re.I) for p in DETAILS):
            continue
        out.append(tidy(re.sub(r"\b(is|are)\s+", "", part)))
    return out


def _joined(values: list[str]) -> str | None:
    unique = list(dict.fromkeys(v for v in values if v))
    return ", ".join(unique) if unique else None


def extract_rules(notes: str) -> ExtractedAttributes:
    """Every category the patterns recognise in the notes."""
    parts = clauses(notes)
    access = _access(parts)
    equipment = _equipment(parts)
    preferences = _first_match(parts, PREFERENCES)
    taken = {p for p in parts if any(re.search(a, p, re.I) for a in ACCESS)
             or EQUIPMENT_VERB.search(p) and re.search(EQUIPMENT_NOUNS, p, re.I)}
    return ExtractedAttributes(
        customer_demographic=_demographic(notes), pet=_pets(notes), vehicle=_vehicles(notes),
        property_notes=_joined(access), equipment_needed=_joined(equipment),
        service_preferences=_joined(preferences), property_details=_joined(_details(parts, taken)))
