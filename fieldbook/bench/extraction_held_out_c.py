"""Held-out set C for `fieldbook bench extraction`: written after the rules' fixes for set B were committed,
and run once. Another voice again: longer sentences, the way an owner-operator writes for themselves."""

HELD_OUT_C: list[dict] = [
    {"notes": "Went over the whole system for Mr. and Mrs. Okafor, both retired. Their American Standard furnace "
              "in the basement was installed back in 2009 and the igniter is getting weak, so I'd recommend "
              "replacing it within 3 months.",
     "expected": {"customer_demographic": "retired couple",
                  "equipment": {"type": "furnace", "make": "American Standard", "install_year": 2009,
                                "location": "basement"},
                  "follow_up": {"service": "replacing igniter", "months": 3}}},
    {"notes": "Their golden doodle Teddy will try to follow you into the crawlspace, shut the laundry room door "
              "behind you.",
     "expected": {"pet": {"type": "dog", "name": "Teddy"}, "property_notes": "shut laundry room door behind you"}},
    {"notes": "Had to haul the 40 ft extension ladder and the ladder stabilizer up the side yard; the back of the "
              "house is three storeys with a walkout.",
     "expected": {"equipment_needed": "40 ft extension ladder, ladder stabilizer",
                  "property_details": "three storeys with walkout"}},
    {"notes": "She asked that we only come on Tuesdays or Thursdays because she has dialysis the other days.",
     "expected": {"service_preferences": "only Tuesdays or Thursdays"}},
    {"notes": "Swapped the fill valve in the upstairs toilet. That's it.",
     "expected": {}},
    {"notes": "There's a yellow lab called Sunny and an old cat that sleeps by the furnace; neither bothers you.",
     "expected": {"pet": [{"type": "dog", "name": "Sunny"}, {"type": "cat"}]}},
    {"notes": "Condo on the 22nd floor; the building requires a certificate of insurance and you must book the "
              "elevator through the property manager.",
     "expected": {"property_details": "22nd floor condo",
                  "property_notes": "book elevator through property manager, certificate of insurance required"}},
    {"notes": "Installed a Rinnai RU199iN tankless in the garage for them today, serial 21.08.0123456.",
     "expected": {"equipment": {"type": "tankless water heater", "make": "Rinnai", "model": "RU199iN",
                                "location": "garage"}}},
    {"notes": "They park two cars in the driveway and the boat trailer sits on the lawn all summer.",
     "expected": {"vehicle": [{"type": "car", "note": "park in driveway"}, {"type": "boat", "note": "on lawn"}]}},
    {"notes": "Young couple with a newborn, please knock instead of ringing the bell.",
     "expected": {"customer_demographic": "young family", "service_preferences": "knock instead of ringing bell"}},
    {"notes": "Cleaned out the dryer vent, it runs 25 feet through the attic to the roof. Recommend cleaning it "
              "again every year.",
     "expected": {"property_details": "dryer vent runs 25 feet through attic to roof",
                  "follow_up": {"service": "cleaning", "months": 12}}},
    {"notes": "Customer only pays by e-transfer and wants the invoice emailed, not texted.",
     "expected": {"service_preferences": "pays by e-transfer, invoice emailed not texted"}},
    {"notes": "Back gate is padlocked, combination 4-1-9-6, and the hose bib is on the north wall.",
     "expected": {"property_notes": "back gate padlocked, combination 4-1-9-6"}},
    {"notes": "Fixed the zone valve on their Buderus boiler (model GB142, 2014) in the mechanical room. Bring a "
              "spare zone valve next time.",
     "expected": {"equipment": {"type": "boiler", "make": "Buderus", "model": "GB142", "install_year": 2014,
                                "location": "mechanical room"},
                  "equipment_needed": "spare zone valve"}},
    {"notes": "Hedge along the driveway is about 60 feet of boxwood; needed the cordless hedge trimmer and a tarp.",
     "expected": {"property_details": "about 60 feet of boxwood hedge along driveway",
                  "equipment_needed": "cordless hedge trimmer, tarp"}},
    {"notes": "Lady of the house is in her 70s and lives alone; her nephew Mark pays the bills.",
     "expected": {"customer_demographic": "elderly", "service_preferences": "nephew Mark pays bills"}},
    {"notes": "The EV in the garage is plugged into a ChargePoint Home Flex charger we put in last year.",
     "expected": {"vehicle": {"type": "electric car", "note": "in garage"},
                  "equipment": {"type": "ev charger", "make": "ChargePoint", "model": "Home Flex"}}},
    {"notes": "Old farmhouse on a well with a septic system, stone foundation is damp in the spring.",
     "expected": {"property_details": "old farmhouse on well with septic system, damp stone foundation"}},
    {"notes": "Tested all the smoke alarms, replaced two batteries. Suggest a full electrical safety inspection "
              "next year.",
     "expected": {"follow_up": {"service": "full electrical safety inspection", "months": 12}}},
    {"notes": "Hornets' nest under the eaves by the front door, be careful; customer is allergic.",
     "expected": {"property_notes": "hornets' nest under eaves by front door"}},
]
