"""Rules for what the notes say about things: the customer's appliances (make, model, serial, year,
where), the tools the technician had to bring, and the next service recommended in N months.

A thing is the customer's appliance or the technician's tool by its name ("sump pump" vs "submersible
pump"); the ambiguous ones ("generator") are the customer's when a brand or a model is named with them.
"""

from __future__ import annotations

import re

from agent.extraction_lexicon import APPLIANCE_QUALIFIERS, APPLIANCES, BRANDS, TOOL_OR_APPLIANCE, TOOLS
from agent.extraction_text import Mention, clauses, mentions, number, tidy, vocabulary_pattern
from agent.extractor import Appliance, FollowUp

THINGS = vocabulary_pattern(set(APPLIANCES) | TOOLS)
BRAND = vocabulary_pattern(BRANDS)
CANONICAL_BRAND = {b.lower(): b for b in BRANDS}
MODEL = re.compile(r"\bmodel(?:\s+(?:number|no\.?|#))?\s*[:#]?\s*(?P<m>[A-Z0-9][\w./-]*\d[\w./-]*|[A-Z][\w-]+)",
                   re.I)
SERIAL = re.compile(r"\b(?:serial(?:\s+(?:number|no\.?|#))?|s/n|sn)\s*[:#]?\s*(?P<s>[A-Z0-9][A-Z0-9-]{3,})", re.I)
YEAR = re.compile(r"\b(?:installed|put in|new|built|replaced|from|dated|date|since|manufactured|bought|purchased|"
                  r"made)\s+(?:in\s+|around\s+|about\s+|circa\s+|back in\s+)*(?P<y>(?:19|20)\d\d)\b(?!s)", re.I)
BARE_YEAR = re.compile(r"(?:^|,\s*)(?:(?:about|around|circa|approx\.?|roughly|~)\s*)?(?P<y>(?:19|20)\d\d)(?=\s*(?:[,.)]|$))",
                       re.I)
LEADING_YEAR = re.compile(r"\b(?P<y>(?:19|20)\d\d)\s+(?=[A-Z]|\w+\s+(?:furnace|boiler|water heater|heat pump))")
AGE = re.compile(r"\b(?:about |around |roughly |approximately |over |nearly |almost )?\d+\s*(?:\+\s*)?years? old\b",
                 re.I)
PLACES = (r"basement|attic|garage|crawl ?space|utility room|laundry room|furnace room|mechanical room|boiler room|"
          r"living room|family room|dining room|front room|rec room|storage room|master bedroom|bedroom|"
          r"kitchen|bathroom|ensuite|closet|back ?yard|side yard|roof|side of (?:the )?house|"
          r"main floor|upstairs hallway|hallway|pool shed|shed|yard")
LOCATION = re.compile(rf"\b(?:in|on|at|under|behind|beside|by|outside|off)\s+(?:the\s+)?(?P<loc>{PLACES})\b", re.I)
# "..., installed 2016, utility room.": a place on its own between commas
BARE_LOCATION = re.compile(rf"(?:^|[,;(]\s*)(?P<loc>{PLACES})(?=\s*(?:[,.;)]|$))", re.I)
UNITS = re.compile(r"^(?:gal|gallons?|ft|feet|foot|inch|inches|amps?|tons?|btu|kw|l|litres?|liters?|%)$", re.I)
REPLACED_ONE = re.compile(r"\b(?:old|previous|former|original) (?:one|unit)\b", re.I)
TOOL_CUE = re.compile(r"\b(?:brought|bring|used|use|using|needed|need|needs|required|requires?|took|take|ran|run|"
                      r"had to|grab|rent(?:ed)?|borrowed|with (?:the|a|an|our|my)|get|got|pack|load)\b", re.I)
# "Bring a spare zone valve next time": a part to bring, whatever its name.
BRING_PART = re.compile(r"\bbring\s+(?:a|an|the|some|extra)?\s*(?P<part>(?:spare|extra|replacement|new)\s+[\w -]+?)"
                        r"(?:\s+(?:next time|next visit|for|to|when)\b|[,.;]|$)", re.I)
STOP_MODEL = {"from", "in", "on", "at", "is", "was", "with", "and", "unit", "the", "a", "an", "still", "that",
              "which", "under", "by", "outside", "out", "for", "to", "installed", "model", "serial"}

FOLLOW_CUE = (r"(?:recommend(?:ed|s)?|suggest(?:ed|s)?|advised?|advise[sd]|should (?:have|get|do|book|schedule|"
              r"plan)|needs?|will need|due for|schedule|book|come back for|return for|plan(?: for)?|"
              r"customer wants|wants)")
WHEN = (r"(?:(?:again\s+)?(?:in|within|after|every|each|once (?:a|every))\s+(?:about\s+|around\s+|another\s+)?"
        r"(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty-four|"
        r"couple of|few)?\s*(?P<unit>months?|years?|weeks?|yrs?|mos?|wks?)\b|next\s+(?P<unit2>year|month|spring|fall)\b)")
FOLLOW_UP = [
    re.compile(FOLLOW_CUE + r"\s+(?:(?:that\s+)?(?:we|they|you|the customer)\s+)?(?:to\s+)?(?:(?:a|an|the|another|"
               r"their|his|her)\s+)?(?P<service>[a-z][\w\s/-]*?)\s+" + WHEN, re.I),
    re.compile(r"\b(?:should|needs? to|will need to|must)\s+be\s+(?P<service>[a-z][\w\s-]*?)\s+" + WHEN, re.I),
    re.compile(r"\b(?:next|another)\s+(?P<service>[a-z][\w\s-]*?)\s+" + WHEN, re.I),
    re.compile(r"^(?P<service>[a-z][\w\s-]*?)\s+" + WHEN + r"\s*$", re.I),
]
ANNUAL = re.compile(FOLLOW_CUE + r"\s+(?:an?\s+)?(?:annual|yearly)\s+(?P<service>[\w\s-]+)", re.I)


def _type(sentence: str, found: Mention) -> str:
    """The appliance's type with the qualifiers written before it ("tankless water heater")."""
    if found.start < 0:
        return found.phrase
    words = re.findall(r"[\w/-]+", sentence[:found.start])[-2:]
    qualifiers = [w.lower() for w in words if w.lower() in APPLIANCE_QUALIFIERS]
    if qualifiers and qualifiers[-1] != (words[-1].lower() if words else ""):
        qualifiers = []
    kind = APPLIANCES.get(found.phrase, found.phrase)
    if kind == "mini-split" and "ductless" not in qualifiers:
        qualifiers.insert(0, "ductless")
    return " ".join(dict.fromkeys(qualifiers + [kind]))


def _model_after_brand(sentence: str, brand: re.Match) -> str | None:
    """"Trane XR14 heat pump", "Rheem ProTerra," "Viessmann Vitodens 100": the words after the brand that
    look like a model name (a digit in them, or capitalised), up to the appliance or a stop word."""
    tokens = re.findall(r"[\w./-]+|[,;]", sentence[brand.end():])
    model: list[str] = []
    for i, token in enumerate(tokens[:3]):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        thing = THINGS.fullmatch(token) or THINGS.match(f"{token} {nxt}") or token.lower() in APPLIANCE_QUALIFIERS
        if token in ",;" or token.lower() in STOP_MODEL or thing or UNITS.match(nxt) or UNITS.match(token):
            break
        if not (re.search(r"\d", token) or token[:1].isupper()) or re.fullmatch(r"(?:19|20)\d\d", token):
            break
        model.append(token.strip("."))
    return " ".join(model) or None


def _brand_near(sentence: str, found: Mention, segment_end: int) -> re.Match | None:
    """A brand written just before the appliance ("Lennox furnace") or after it before the next one
    ("fridge making noise, it's a Samsung")."""
    return BRAND.search(sentence, max(0, found.start - 30), found.start) or BRAND.search(sentence, found.end,
                                                                                         segment_end)


def _appliance(sentence: str, found: Mention, segment: str, segment_end: int = 0) -> Appliance | None:
    brand = _brand_near(sentence, found, segment_end) if found.start >= 0 else BRAND.search(segment)
    explicit = MODEL.search(segment)
    model = explicit.group("m").rstrip(".,") if explicit else (_model_after_brand(segment, brand) if brand else None)
    serial = SERIAL.search(segment)
    year = YEAR.search(segment) or LEADING_YEAR.search(segment)
    if not (brand or model or serial or year):
        return None   # "swapped the capacitor on the condenser": nothing to record
    year = year or BARE_YEAR.search(segment)   # "(model GB142, 2014)": a year beside a named appliance
    where = LOCATION.search(segment) or BARE_LOCATION.search(segment)
    location = where.group("loc").lower() if where else None
    return Appliance(type=_type(sentence, found), make=CANONICAL_BRAND[brand.group(0).lower()] if brand else None,
                     model=model, serial=serial.group("s") if serial else None,
                     install_year=int(year.group("y")) if year else None,
                     location=location.replace("back yard", "backyard") if location else None)


def _things(sentence: str) -> list[Mention]:
    """Appliance and tool names in a sentence, adjacent ones merged ("AC condenser" is one thing)."""
    found: list[Mention] = []
    for m in mentions(THINGS, sentence):
        if found and sentence[found[-1].end:m.start].strip() == "" and m.phrase in APPLIANCES \
                and found[-1].phrase in APPLIANCES:
            found[-1] = Mention(found[-1].start, m.end, found[-1].phrase)
        else:
            found.append(m)
    return found


def _is_appliance(sentence: str, found: Mention) -> bool:
    if found.phrase in TOOL_OR_APPLIANCE:
        before = sentence[max(0, found.start - 40):found.start]
        return bool(BRAND.search(before) or re.search(r"\b(?:standby|whole[- ]home|customer'?s?|their)\s+$",
                                                         before, re.I))
    return found.phrase in APPLIANCES


def appliances(sentence: str, *, after: str | None = None) -> list[Appliance]:
    """The customer's appliances a sentence names with a make, model, serial or year. A sentence naming a
    brand but no appliance ("Viessmann Vitodens 100 in the mechanical room") speaks of the one before it."""
    if REPLACED_ONE.search(sentence):
        return []   # "the old one was a Honeywell": not what the customer has now
    found = [m for m in _things(sentence) if _is_appliance(sentence, m)]
    if not found and after and (brand := BRAND.search(sentence)):
        appliance = _appliance(sentence, Mention(-1, -1, after), sentence[brand.start():])
        return [appliance] if appliance else []
    out = []
    for i, thing in enumerate(found):
        if _taken_out(sentence, thing):
            continue
        # each appliance owns its stretch of the sentence: from the previous one's end to the next one's start
        start = found[i - 1].end if i else 0
        end = found[i + 1].start if i + 1 < len(found) else len(sentence)
        appliance = _appliance(sentence, thing, sentence[start:end], end)
        if appliance and all(a.type != appliance.type or a.make != appliance.make for a in out):
            out.append(appliance)
    return out


def _taken_out(sentence: str, found: Mention) -> bool:
    """"Old Federal Pacific panel removed": what the customer had, not what they have."""
    before = sentence[max(0, found.start - 30):found.start]
    return bool(re.search(r"\b(?:old|previous|former|original)\b", before, re.I)
                and re.search(r"\b(?:removed|hauled away|disposed of|taken out|ripped out)\b", sentence, re.I))


def last_appliance(sentence: str) -> str | None:
    """The type of the last appliance a sentence mentions, if any."""
    found = [m for m in _things(sentence) if _is_appliance(sentence, m)]
    return _type(sentence, found[-1]) if found else None


def appliance_ages(sentence: str) -> list[str]:
    """"furnace about 12 years old", "heat pump installed 2019" (property details, seed 000)."""
    found = [m for m in _things(sentence) if _is_appliance(sentence, m)]
    if not found:
        return []
    kind = _type(sentence, found[0])
    age = AGE.search(sentence)
    if age:
        return [f"{kind} {tidy(age.group(0))}"]
    year = YEAR.search(sentence)
    if year and not BRAND.search(sentence) and not MODEL.search(sentence):
        return [f"{kind} installed {year.group('y')}"]
    return []


TOOL_EDGE = {"the", "a", "an", "our", "my", "his", "her", "their", "some", "and", "or", "with", "of", "to",
             "for", "brought", "bring", "used", "use", "using", "needed", "need", "needs", "ran", "run", "had",
             "took", "take", "required", "requires", "get", "got", "was", "is", "were", "also", "plus", "on", "in",
             "at", "by", "from", "next", "time", "visit", "both", "two", "will", "be", "we", "i", "it"}


def _tool_phrase(text: str, found: Mention) -> str:
    """The tool with what is written right before it: "28 ft extension ladder", "gas hedge trimmer"."""
    before = re.findall(r"[\w/'-]+", text[:found.start])
    kept: list[str] = []
    for word in reversed(before[-4:]):
        if word.lower() in TOOL_EDGE or word.lower() in APPLIANCES or re.fullmatch(r"\d{3,}[a-z]*", word, re.I):
            break
        kept.insert(0, word)
    return tidy(" ".join(kept + [text[found.start:found.end]]))


def tools(sentence: str) -> list[str]:
    """What the technician had to bring (never the customer's appliances)."""
    if re.search(r"\b(?:no|didn't|did not|don't) need\b", sentence, re.I) or not TOOL_CUE.search(sentence):
        return []   # a tool named without being brought or used is a part of something ("compressor sounds ok")
    named = [_tool_phrase(sentence, m) for m in _things(sentence)
             if m.phrase in TOOLS and not (m.phrase in TOOL_OR_APPLIANCE and _is_appliance(sentence, m))
             and not _pet_snake(sentence, m)]
    spare = BRING_PART.search(sentence)
    return named + ([tidy(spare.group("part"))] if spare and not named else [])


def _pet_snake(sentence: str, found: Mention) -> bool:
    return found.phrase == "snake" and bool(re.search(r"\bpet snake\b|\bsnake (?:named|called)\b", sentence, re.I))


def _months(n: str | None, unit: str) -> int:
    if unit in ("spring", "fall"):
        return 6
    count = number(n) if n else 1
    count = count or 1
    unit = unit.lower()
    if unit.startswith("y"):
        return min(60, 12 * count)
    if unit.startswith("w"):
        return max(1, round(count / 4.345))
    return min(60, count)


def _service(text: str) -> str:
    text = re.sub(r"^(?:come back|return|go back)\s+(?:to|for)\s+", "", text.strip(), flags=re.I)
    text = re.sub(r"^(?:to|we|they|them|it|that|a|an|the|another|getting|get|having|have|do|doing)\s+", "",
                  text, flags=re.I)
    text = re.sub(r"\s+(?:again|done|it|them|due|is due|are due)$", "", text, flags=re.I)
    return tidy(text)


# "Test it before the thaw, say in 4 months": the service is in the clause before the hedge
HEDGES = {"say", "maybe", "perhaps", "roughly", "probably", "ideally", "approximately", "or so"}


def follow_up(sentence: str) -> FollowUp | None:
    """"Recommend a full tune-up in 6 months": the service and the months (a year is 12, a week ~1/4)."""
    parts = clauses(sentence)
    for i, part in enumerate([sentence] + parts):
        for pattern in FOLLOW_UP:
            match = pattern.search(part)
            service = _service(match.group("service")) if match else ""
            if service in HEDGES:
                service = _service(re.split(r"\s+(?:again|before|by|after|once)\b", parts[i - 2], maxsplit=1,
                                            flags=re.I)[0]) if i >= 2 else ""
            if match and service:
                return FollowUp(service=service,
                                months=_months(match.group("n"), match.group("unit") or match.group("unit2")))
    annual = ANNUAL.search(sentence)
    if annual:
        return FollowUp(service=_service(annual.group("service")), months=12)
    return None
