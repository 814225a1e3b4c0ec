"""The rule-based extractor: what serves when no model is configured.

Notes are cut into sentences and clauses; each category is a small set of cues over them, with a
vocabulary (`extraction_lexicon`) rather than the phrasings of particular notes, so that notes never
seen read as well as the examples. Things (appliances, tools, the follow-up) are `extraction_equipment`'s.
It is deliberately predictable: it proposes, and the technician confirms. `fieldbook bench extraction`
measures it on examples it was tuned on and on held-out notes it never saw.
"""

from __future__ import annotations

import re

from agent.extraction_equipment import appliance_ages, appliances, follow_up, last_appliance, tools
from agent.extraction_lexicon import AMBIGUOUS_ANIMALS, ANIMALS, DEMOGRAPHICS, LANGUAGES, PLACES
from agent.extraction_text import clauses, joined, mentions, sentences, tidy, vocabulary_pattern
from agent.extractor import Appliance, ExtractedAttributes, FollowUp, Pet, Vehicle

ANIMAL = vocabulary_pattern(ANIMALS)
NAME = r"[A-Z][a-z]+(?:[-'][A-Za-z]+)?"
NOT_NAMES = {"He", "She", "They", "It", "The", "A", "An", "And", "But", "Very", "Both", "Keep", "Beware", "Please",
             "Customer", "Owner", "Two", "Three", "Big", "Small", "Large", "Old", "Friendly", "Loves", "Don", "Mr",
             "Mrs", "Ms", "Dr", "Tenant", "Landlord", "Used", "Needed", "Had", "Note", "Mind", "Watch", "Dog",
             "Cat", "Also", "Just", "Be", "Let", "Nice", "No", "Yes", "Lab"}
PET_NAMES = [re.compile(rf"\b(?:named|called|name is|name's)\s+({NAME})"),
             re.compile(rf"(?:,|\bis)\s+({NAME})(?:\s+(?:and|&|\+)\s+({NAME}))?(?=\s*(?:,|\.|$|\s+(?:is|are|who|"
                        rf"they|barks?|hides?|likes?|loves?|runs?|bites?|nips?)\b))"),
             re.compile(rf"^({NAME}),\s+(?:a|an|the|our)\b"),
             re.compile(rf"(?i:\b(?:{'|'.join(sorted((re.escape(a) for a in ANIMALS), key=len, reverse=True))}))"
                        rf"\s+({NAME})\b(?!\s+(?:[A-Z]|and\s+[A-Z]))")]

VEHICLES = [(r"\b(?i:electric car|tesla|electric vehicle|hybrid car)\b|\bEV\b(?!\s+charger)", "electric car"),
            (r"(?i:\b(?:pickup(?: truck)?|truck|F-?150|F-?250|silverado|tacoma|tundra|sierra)\b)(?<!bucket truck)"
             r"(?<!boom truck)|\bRam\b", "truck"), (r"(?i:\bvan\b)", "van"),
            (r"(?i:\bboat\b)", "boat"), (r"\bRV\b|(?i:\b(?:camper|motorhome)\b)(?!\s+van)", "rv"),
            (r"(?i:\bmotorcycles?\b|\bmotorbike\b)", "motorcycle"), (r"(?i:\b(?:cars?|SUVs?|sedan)\b)", "car")]
VEHICLE_PLACE = re.compile(rf"\b(?P<prep>in|on|across|behind|beside|by|at|into)?\s*(?:the\s+)?(?P<place>{PLACES})\b",
                           re.I)
VEHICLE_VERB = re.compile(r"\b(?P<verb>parks?|parked|charges?|charged|sits?|stays?|kept|stored|blocks?|blocking)\b"
                          r"(?:\s+(?:it|them|there))?\s*$", re.I)

ACCESS = [r"\b(?:side |front |back |main |garage |community |building )?(?:gate|garage|door|alarm|lock ?box|keypad|"
          r"building|entry|entrance|house) code\b[^,;]*", r"^(?:the )?code\b[^,;]*\d{3,}", r"\bbuzz(?:er)?\s*#?\d+",
          r"\bunit\s*#?\d+\b.*\bbuzz", r"\b(?:lock ?box|key ?box|key safe)\b[^,;]*", r"\bkey (?:is )?(?:under|in|"
          r"behind|on|with|at)\b[^,;]*", r"\b(?:keep|close|latch|lock|shut)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}(?:gate|door|"
          r"doors|fence|garage)s?\b[^,;]*", r"\bgate (?:must|should|needs to) (?:stay|be|remain) \w+",
          r"\b(?:side |front |back )?gate (?:sticks|is stiff|is broken|latch|is locked|opens)\b[^,;]*",
          r"\b(?:use|enter (?:through|via|by|from)|access (?:is )?(?:through|via|from)|come (?:in )?(?:through|to)|"
          r"go (?:through|around))\s+(?:the\s+)?[^,;]*\b(?:door|entrance|gate|garage|side|back|front)\b[^,;]*",
          r"\bknock loudly\b", r"\bring (?:the )?(?:door)?bell (?:twice|loudly)\b", r"\bpark (?:on|in|at|behind|"
          r"across|beside|by)\b[^,;]*", r"\b(?:visitor|street) (?:parking|spots?)\b[^,;]*", r"\bno parking\b[^,;]*",
          r"\b(?:(?:service|freight) elevator|(?:book|reserve|use) the elevator)\b[^,;]*",
          r"\b(?:certificate of insurance|coi)\b[^,;]*", r"\b(?:padlock(?:ed)?|combination|combo)\b[^,;]*", r"\bconcierge\b[^,;]*", r"\bfront desk\b[^,;]*",
          r"\bsign in\b[^,;]*", r"\b(?:wasp|hornet|bee|yellow ?jacket)s?'?s? nests?\b[^,;]*", r"\b(?:loose|broken|"
          r"rotten|icy|slippery|uneven|steep|narrow) (?:step|steps|stairs?|railing|deck|walkway|path|driveway|"
          r"stairway)\b[^,;]*", r"\bdriveway is (?:steep|icy|slippery|narrow)\b[^,;]*", r"\basbestos\b[^,;]*",
          r"\bmou?ld\b[^,;]*", r"\blow (?:clearance|ceiling|beam|doorway)s?\b[^,;]*", r"\bblocks? (?:the )?"
          r"(?:path|access|way|door|gate|entrance|walkway)\b[^,;]*", r"\bramp\b[^,;]*", r"\bwatch (?:out )?for\b"
          r"[^,;]*", r"\bwatch (?:the|your) (?:door|step|gate|head|stairs)\b", r"\bbeware of (?!(?:the |a )?dogs?\b)[^,;]*", r"\balarm (?:panel|system)\b[^,;]*",
          r"\bdisarm\b[^,;]*", r"\bpoison ivy\b[^,;]*", r"\belectric fence\b[^,;]*"]
# A clause about a way in is an access note even in words no pattern has ("gate is on a timer").
ACCESS_WORDS = re.compile(r"\b(?:gate|entrance|lockbox|lock box|buzzer|concierge|intercom|doorman|back lane|laneway)\b",
                          re.I)
CONTINUES = re.compile(r"^(?:lift|push|pull|jiggle|turn|enter|use|ring|knock|take|wait|go|park|code\b|then|call)\b",
                       re.I)

PREFERENCES = [r"\bprefers?\s+(?:that\s+)?(?:we\s+|us\s+|to\s+)?(?P<v>.+)", r"\b(?:would like|likes|wants|"
               r"asked (?:us )?(?:to|that we)|requests?|requested|asks)\s+(?:us\s+|that we\s+|to\s+)?"
               r"(?P<v>(?!.*\b(?:estimate|quote|price)\b).+)", r"\basked for\s+(?P<v>(?-i:[A-Z]\w+))",
               r"\b(?:call|text|phone|email|message)s?\s+(?:us\s+)?(?:\d+\s*(?:min(?:ute)?s?|hours?)\s+)?(?:ahead|"
               r"before|first|in advance|when on the way)\b[^,;]*", r"\b(?:text|call|email),\s*(?:don'?t|not)\s+"
               r"\w+", r"\bcall (?:after|before|between) \d+[^,;]*", r"\b(?:only )?available\b[^,;]*",
               r"\bonly (?:wants|books|does|on|after|before|in the)\b[^,;]*", r"\b(?:weekday |weekend )?"
               r"(?:mornings?|afternoons?|evenings?) only\b", r"\bno (?:visits|appointments|calls|work|texts|"
               r"weekends|mornings|evenings)\b[^,;]*", r"\bnot (?:before|after) \d+[^,;]*", r"\bappointments? "
               r"(?:after|before|between) \d+[^,;]*", r"\bpays? (?:by |with |in |via )?(?:cash|cheques?|checks?|"
               r"e-?transfers?|credit card|card|debit|etransfer|interac|visa|mastercard|amex)\b[^,;]*", r"\b(?:cash|cheque|e-?transfer) "
               r"(?:payment|only)\b", r"\b(?:daughter|son|wife|husband|partner|neighbou?r|landlord|property "
               r"manager|caretaker|super|nephew|niece|grandson|granddaughter|brother|sister|mother|father|mom|dad|"
               r"caregiver|roommate)\b[^,;]*\b(?:handles?|books?|approves?|will be|must be|lets us in|"
               r"deals with|arranges?|pays)\b[^,;]*", r"\bcall (?:the )?(?:landlord|owner|property manager) first\b",
               rf"\bspeaks? (?:only )?(?:{LANGUAGES})\b", r"\bsame (?:technician|tech|person)\b[^,;]*",
               r"\balways (?:send|ask for|book) \w+", r"\bshoes off\b[^,;]*", r"\b(?:booties|shoe covers)\b[^,;]*",
               r"\b(?:please )?(?:don'?t|do not) (?:ring|knock|call|use|park|come|arrive|book|text)\b[^,;]*", r"\b(?:before|after) noon\b", r"\b\w+ (?:instead of|rather than) \w+(?: \w+)?",
               r"\b(?:call|text|phone)\s+(?:his|her|their|the)\s+(?:daughter|son|wife|husband|partner|neighbou?r|"
               r"landlord|nephew|niece|mother|father|mom|dad|caregiver|tenant)\b[^,;]*\b(?:before|first|ahead)\b[^,;]*", r"\bemail (?:for )?invoices\b",
               r"\b(?:invoices?|receipts?) by email\b", r"\bno weekends\b", r"\bcall (?:the )?\w+ first\b"]

DETAILS = [r"\b(?:one|two|three|single|1|2|3|split)[- ](?:stor(?:e)?y|level)\b", r"\bstor(?:e)?ys?\b",
           r"\bsplit[- ]level\b", r"\bbasement\b", r"\battic\b", r"\bcrawl ?space\b", r"\broof\b", r"\bskylights?\b",
           r"\bpool\b", r"\bhot tub\b", r"\bdeck\b", r"\b\d+ ?amp\b", r"\bwiring\b", r"\bknob and tube\b",
           r"\bpipes?\b", r"\bsupply lines?\b", r"\bdrain line\b", r"\bstack\b", r"\b(?:cast iron|galvani[sz]ed|"
           r"polybutylene|copper|pex|abs|clay)\b", r"\b\d+(?:st|nd|rd|th) floor\b", r"\bbungalow\b",
           r"\btownhouse\b", r"\bsemi(?:-detached)?\b", r"\bcondo\b", r"\bduplex\b", r"\bdetached\b",
           r"\bcentury home\b", r"\bfarmhouse\b", r"\bcottage\b", r"\bbuilt in \d{4}\b", r"\bfrom the \d{4}s\b",
           r"\b\d{4}s? (?:house|home|bungalow)\b", r"\binsulation\b", r"\bhedges?\b", r"\blawn\b", r"\bacres?\b",
           r"\bplaster\b", r"\bhardwood\b", r"\bradiant\b", r"\bbaseboard heat", r"\bseptic\b", r"\bwell water\b", r"\bhard water\b", r"\b(?:low|high) water pressure\b",
           r"\bslab\b", r"\bsill\b", r"\bchimney\b", r"\bfireplace\b", r"\bwalkout\b", r"\bsquare feet\b|\bsq ?ft\b",
           r"\b(?:old|new|original) (?:house|home|windows|plumbing|electrical)\b", r"\bunit\b"]
# A clause that starts with the work done describes the job, not the property ("aerated the back lawn").
NOT_DETAILS = re.compile(r"^(?:replaced|installed|swapped|fixed|cleaned|cleared|serviced|flushed|checked|repaired|"
                         r"adjusted|tightened|inspected|unclogged|snaked|ran|tested|aerated|overseeded|seeded|"
                         r"mowed|trimmed|pruned|raked|weeded|mulched|edged|planted|dethatched|washed|power washed|"
                         r"pressure washed|reset|removed|upgraded|mounted|sealed|caulked|painted|patched|rewired|"
                         r"wired|vacuumed|scoped|jetted|descaled|drained|rebuilt)\b", re.I)


def _demographic(notes: str) -> str | None:
    """One label, the first the notes support (the list runs from the most telling); else the language
    spoken at home ("Spanish-speaking family")."""
    for pattern, value in DEMOGRAPHICS:
        if re.search(pattern, notes, re.I):
            return value
    speaking = re.search(rf"\b({LANGUAGES})[- ]speaking\b", notes, re.I)
    return f"{speaking.group(1).capitalize()}-speaking" if speaking else None


def _is_pet(sentence: str, found, *, animals: list) -> bool:
    if found.phrase not in AMBIGUOUS_ANIMALS:
        return True
    around = sentence[max(0, found.start - 25):found.end + 25]
    return bool(re.search(r"\b(?:black|yellow|chocolate|golden|friendly|named|called|pet|our|old|rescue)\b", around,
                          re.I)) and len(animals) >= 1


def _pet_names(sentence: str) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = []
    for pattern in PET_NAMES:
        for match in pattern.finditer(sentence):
            names += [(match.start(g), match.group(g)) for g in range(1, (pattern.groups or 0) + 1)
                      if match.group(g) and match.group(g) not in NOT_NAMES
                      and not ANIMAL.fullmatch(match.group(g))]
    return sorted(set(names))


def _pets(notes: str) -> list[Pet]:
    """One pet per name (or per kind when unnamed); a name goes to the nearest animal before it."""
    pets: list[Pet] = []
    for sentence in sentences(notes):
        found = mentions(ANIMAL, sentence)
        found = [m for m in found if _is_pet(sentence, m, animals=found)]
        if not found:
            continue
        named: dict[int, list[str]] = {}
        for at, name in _pet_names(sentence):
            owner = max((i for i, m in enumerate(found) if m.start < at), default=0)
            named.setdefault(owner, []).append(name)
        for i, m in enumerate(found):
            kind = ANIMALS[m.phrase]
            pets += [Pet(type=kind, name=n) for n in named.get(i, [])] or [Pet(type=kind)]
    named_kinds = {p.type for p in pets if p.name}
    unique: list[Pet] = []
    for pet in pets:
        if (pet.name or pet.type not in named_kinds) and pet not in unique:
            unique.append(pet)
    return unique


OURS = re.compile(r"\b(?:our|my)\s+(?:work\s+|service\s+|company\s+)?$", re.I)


def _vehicles(notes: str) -> list[Vehicle]:
    """One vehicle per kind a sentence names; with two, each reads the part of the sentence about it."""
    found: list[Vehicle] = []
    for sentence in sentences(notes):
        kinds: list[tuple[int, str]] = []
        spans: list[tuple[int, int]] = []
        for pattern, kind in VEHICLES:
            match = re.search(pattern, sentence)
            if match and OURS.search(sentence[:match.start()]):
                continue    # "our van had to park on the street": ours, not the customer's
            if match and not any(a <= match.start() < b or a < match.end() <= b for a, b in spans) \
                    and not (kind == "rv" and any(k == "boat" for _, k in kinds)):   # a boat trailer is the boat's
                kinds.append((match.start(), kind))
                spans.append(match.span())
        order = sorted(range(len(kinds)), key=lambda i: kinds[i][0])
        for n, i in enumerate(order):
            start = spans[order[n - 1]][1] if n else 0
            end = kinds[order[n + 1]][0] if n + 1 < len(order) else len(sentence)
            found.append(Vehicle(type=kinds[i][1], note=_vehicle_note(sentence[start:end])))
    return found


def _vehicle_note(sentence: str) -> str | None:
    """Where it stands, or what it blocks: "parks in driveway", "blocks gas meter", "charges in garage"."""
    blocks = re.search(r"\bblock(?:s|ing)\s+(?:the\s+)?(?P<what>[\w ]{2,25}?)\s*(?:[,.;]|$|\s+(?:in|when|during|"
                       r"at|on|for)\b)", sentence, re.I)
    if blocks:
        return f"blocks {blocks.group('what').lower()}"
    where = VEHICLE_PLACE.search(sentence)
    if not where:
        return None
    before = sentence[:where.start()]
    verb_match = VEHICLE_VERB.search(re.sub(r"\s+(?:a|an|the|big|small|work|old|white|black|red)?\s*$", "", before))
    verb_match = verb_match or re.search(r"\b(?P<verb>parks?|parked|charges?|charged|blocks?|kept|stored)\b[^,;]*$",
                                         before, re.I)
    verb = verb_match.group("verb").lower() if verb_match else ""
    prep = (where.group("prep") or ("" if verb.startswith("block") else "in")).lower()
    place = where.group("place").lower()
    return " ".join(p for p in (verb, prep, "driveway" if place == "drive" else place) if p)


def _first(parts: list[str], patterns: list[str]) -> list[tuple[str, str]]:
    """(clause, what matched) for the clauses a pattern matches, first pattern wins."""
    out = []
    for part in parts:
        for pattern in patterns:
            match = re.search(pattern, part, re.I)
            if match:
                out.append((part, match.group("v") if "(?P<v>" in pattern else match.group(0)))
                break
    return out


def _preferences(parts: list[str]) -> list[tuple[str, str]]:
    """A clause's preference (what "prefers"/"wants" governs), else every preference cue it holds."""
    out = []
    for part, value in _first(parts, PREFERENCES):
        governed = re.search(r"\b(?:prefers?|would like|likes|wants|asked|requests?|requested|asks)\b", part, re.I)
        others = _every(part[:governed.start()] if governed else part, PREFERENCES[2:])
        out.append((part, ", ".join(v for v in (others, value if governed else None) if v) or value))
    return out


def _without_reason(text: str) -> str:
    """"only come on Tuesdays because she has dialysis" -> the preference without its reason."""
    return re.split(r"\s+(?:because|since|as she|as he|as they|due to)\b", text, maxsplit=1, flags=re.I)[0]


def _every(part: str, patterns: list[str]) -> str | None:
    """Everything the patterns find in a clause, in order ("buzz 1402 and take the freight elevator")."""
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        for match in re.finditer(pattern, part, re.I):
            if all(match.end() <= a or match.start() >= b for a, b in spans):
                spans.append((match.start(), match.end()))
    found = [re.sub(r"^and\s+|\s+and$", "", part[a:b].strip()) for a, b in sorted(spans)]
    return ", ".join(found) if found else None


def _access(sentence_parts: list[list[str]]) -> list[tuple[str, str]]:
    """Access notes and hazards; a clause that only continues one ("lift it to open") joins it."""
    out: list[tuple[str, str]] = []
    for parts in sentence_parts:
        previous = None
        for part in parts:
            hit = _every(part, ACCESS) or (part if ACCESS_WORDS.search(part) and not NOT_DETAILS.match(part) else None)
            if hit:
                out.append((part, re.sub(r"\bgate (?:must|should|needs to) (?:stay|be|remain)\b", "keep gate", hit)))
                previous = len(out) - 1
            elif previous is not None and CONTINUES.match(part):
                clause, text = out[previous]
                out[previous] = (clause, f"{text}, {part}")
                out.append((part, ""))
            else:
                previous = None
    return out


def _details(parts: list[str], taken: set[str]) -> list[str]:
    out = []
    for part in parts:
        if part in taken or NOT_DETAILS.match(part) or not any(re.search(p, part, re.I) for p in DETAILS):
            continue
        text = re.sub(r"\s+(?:will|should|needs?|must|may|might)\b.*$", "", part, flags=re.I)
        text = re.sub(r"\b(?:is|are|was|has|have|there is|there are|customer has)\s+", "", text, flags=re.I)
        out.append(tidy(text))
    return out


def _things(per_sentence: list[tuple[str, list[str]]]) -> tuple[list[Appliance], list[str], list[str],
                                                                  FollowUp | None, set[str]]:
    """Appliances, their ages, tools and the follow-up, and the clauses they account for."""
    owned: list[Appliance] = []
    tools_found: list[str] = []
    ages: list[str] = []
    taken: set[str] = set()
    next_service: FollowUp | None = None
    mentioned: str | None = None
    for sentence, parts in per_sentence:
        found = appliances(sentence, after=mentioned)
        mentioned = last_appliance(sentence) or mentioned
        owned += [a for a in found if a not in owned]
        ages += appliance_ages(sentence)
        sentence_tools = tools(sentence)
        tools_found += sentence_tools
        next_service = next_service or follow_up(sentence)
        taken.update(p for p in parts if found or follow_up(p) or any(t.split()[-1] in p.lower() for t in sentence_tools)
                     or any(re.search(v, p) for v, _ in VEHICLES) or ANIMAL.search(p))
    return owned, ages, tools_found, next_service, taken


def extract_rules(notes: str) -> ExtractedAttributes:
    """Every category the rules recognise in the notes."""
    per_sentence = [(s, clauses(s)) for s in sentences(notes)]
    owned, ages, tools_found, next_service, taken = _things(per_sentence)
    all_parts = [p for _, parts in per_sentence for p in parts]
    access = _access([parts for _, parts in per_sentence])
    preferences = [(c, _without_reason(v)) for c, v in _preferences(all_parts) if c not in {a for a, _ in access}]
    taken |= {c for c, _ in access} | {c for c, _ in preferences}
    return ExtractedAttributes(
        customer_demographic=_demographic(notes), pet=_pets(notes), vehicle=_vehicles(notes),
        property_notes=joined([tidy(t) for _, t in access if t]), equipment_needed=joined(tools_found),
        service_preferences=joined([tidy(v) for _, v in preferences]),
        property_details=joined(ages + _details(all_parts, taken)), equipment=owned, follow_up=next_service)
