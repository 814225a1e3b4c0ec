"""Held-out set D for `fieldbook bench extraction`: written by a later session that had not read the rules
or their vocabulary, before its first run (key recall 0.85, value recall 0.63, and one attribute invented
on a note with nothing to keep); its general misses were then fixed (see docs/benchmarks.md), so it is no
longer held out. Another voice: terse shorthand from plumbers, electricians, a window cleaner and a
landscaper, with notes that carry nothing to keep."""

HELD_OUT_D: list[dict] = [
    {"notes": "Replaced anode rod in the Bradford White water heater, 50 gal, installed 2016, utility room. "
              "Flush the tank again in 12 months.",
     "expected": {"equipment": {"type": "water heater", "make": "Bradford White", "install_year": 2016,
                                "location": "utility room"},
                  "follow_up": {"service": "flush tank", "months": 12}}},
    {"notes": "Pit bull named Rocco in the backyard, owner says he's friendly but keep the side gate shut.",
     "expected": {"pet": {"type": "dog", "name": "Rocco"}, "property_notes": "keep side gate shut"}},
    {"notes": "Cleared main line with the drum machine, roots at 40 ft. Recommend camera inspection in 6 months.",
     "expected": {"equipment_needed": "drum machine",
                  "follow_up": {"service": "camera inspection", "months": 6}}},
    {"notes": "Panel upgrade done. Old Federal Pacific panel removed, new 200A Square D panel in the garage.",
     "expected": {"equipment": {"type": "panel", "make": "Square D", "location": "garage"}}},
    {"notes": "Washed all windows inside and out. Customer works nights, do not arrive before 11am.",
     "expected": {"service_preferences": "do not arrive before 11am"}},
    {"notes": "Two-storey semi with a flat roof over the kitchen; needed the 28 ft ladder for the back.",
     "expected": {"property_details": "two-storey semi with flat roof over kitchen",
                  "equipment_needed": "28 ft ladder"}},
    {"notes": "Reset GFCI in bathroom, all good.",
     "expected": {}},
    {"notes": "Elderly gentleman, hard of hearing, call his daughter Priya before coming.",
     "expected": {"customer_demographic": "elderly, hard of hearing",
                  "service_preferences": "call daughter Priya before coming"}},
    {"notes": "Serviced the Mitsubishi ductless heat pump in the living room, model MSZ-FH12, about 2019. "
              "Clean filters every 3 months.",
     "expected": {"equipment": {"type": "heat pump", "make": "Mitsubishi", "model": "MSZ-FH12",
                                "install_year": 2019, "location": "living room"},
                  "follow_up": {"service": "clean filters", "months": 3}}},
    {"notes": "Lockbox on the front door, code 7719. Cat stays in the bedroom.",
     "expected": {"property_notes": "lockbox on front door, code 7719", "pet": {"type": "cat"}}},
    {"notes": "Aerated and overseeded front and back lawn. Sprinkler heads marked with flags.",
     "expected": {}},
    {"notes": "Customer's pickup truck blocks the garage, ask him to move it before we start.",
     "expected": {"vehicle": {"type": "pickup truck", "note": "blocks garage"}}},
    {"notes": "Sump pump replaced (Zoeller M53) in the basement pit. Test it again before spring thaw, say "
              "in 4 months.",
     "expected": {"equipment": {"type": "sump pump", "make": "Zoeller", "model": "M53", "location": "basement"},
                  "follow_up": {"service": "test sump pump", "months": 4}}},
    {"notes": "Family with three young kids, prefers Saturday mornings.",
     "expected": {"customer_demographic": "family with young kids", "service_preferences": "Saturday mornings"}},
    {"notes": "Knob and tube wiring still in the attic of this 1920s house; quoted a rewire.",
     "expected": {"property_details": "1920s house, knob and tube wiring in attic"}},
    {"notes": "Snaked kitchen sink. Told them no grease down the drain.",
     "expected": {}},
    {"notes": "Had to bring the pipe threader and a 10 ft section of black pipe for the gas line to the new "
              "Weber BBQ.",
     "expected": {"equipment_needed": "pipe threader, 10 ft black pipe"}},
    {"notes": "Their Carrier AC condenser on the side of the house is from 2008 and running on R-22; suggest "
              "replacement within 12 months.",
     "expected": {"equipment": {"type": "air conditioner", "make": "Carrier", "install_year": 2008,
                                "location": "side of house"},
                  "follow_up": {"service": "replacement", "months": 12}}},
    {"notes": "Parrot in the front room screams at strangers, don't mind it. Wife is a nurse on shifts, text "
              "rather than call.",
     "expected": {"pet": {"type": "parrot"}, "service_preferences": "text rather than call"}},
    {"notes": "Tightened the loose connections at the meter base, checked voltage. Nothing else found.",
     "expected": {}},
]
