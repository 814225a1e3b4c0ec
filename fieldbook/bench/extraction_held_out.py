"""Held-out close-out notes for `fieldbook bench extraction`: written before the issue-16 rules, across
trades and phrasings, and never used to tune them. The honest figure of what the rules generalise to.

Conventions of the expected values are those of `extraction_examples`: short phrases for the text
categories, objects for pets, vehicles, the customer's appliances (`equipment`) and the recommended
next service (`follow_up`).
"""

HELD_OUT: list[dict] = [
    {"notes": "Serviced the Carrier AC condenser out back, model 24ACC636, put in around 2015. Owner is a retired "
              "teacher. Suggest coil cleaning again in 12 months.",
     "expected": {"equipment": {"type": "air conditioner", "make": "Carrier", "model": "24ACC636",
                                "install_year": 2015},
                  "customer_demographic": "retired", "follow_up": {"service": "coil cleaning", "months": 12}}},
    {"notes": "Tankless water heater (Navien NPE-240A) in the garage, serial 7713A0921. Flushed and descaled it. "
              "Customer prefers texts over calls.",
     "expected": {"equipment": {"type": "tankless water heater", "make": "Navien", "model": "NPE-240A",
                                "serial": "7713A0921", "location": "garage"},
                  "service_preferences": "texts over calls"}},
    {"notes": "Big black lab named Bruno in the yard, friendly. Side gate sticks, lift it to open.",
     "expected": {"pet": {"type": "dog", "name": "Bruno"}, "property_notes": "side gate sticks, lift it to open"}},
    {"notes": "Used the 28 ft extension ladder and a roof harness to reach the chimney flashing. Two-storey home "
              "with a walkout basement.",
     "expected": {"equipment_needed": "28 ft extension ladder, roof harness",
                  "property_details": "two-storey home, walkout basement"}},
    {"notes": "Mrs. Patel is in her eighties and uses a walker, so give her time to get to the door. She only wants "
              "appointments on weekday mornings.",
     "expected": {"customer_demographic": "elderly", "service_preferences": "appointments on weekday mornings"}},
    {"notes": "Replaced the sump pump in the basement with a Zoeller M53. Recommend testing the backup float in "
              "3 months.",
     "expected": {"equipment": {"type": "sump pump", "make": "Zoeller", "model": "M53", "location": "basement"},
                  "follow_up": {"service": "testing backup float", "months": 3}}},
    {"notes": "Tenant lets us in; the owner lives overseas and pays by e-transfer. Spare key in the lockbox by the "
              "garage, code 1357.",
     "expected": {"service_preferences": "pays by e-transfer", "property_notes": "spare key in lockbox, code 1357"}},
    {"notes": "Drain was clogged with roots, ran the 100 ft sewer camera and the drum machine. Cast iron drain line "
              "under the slab.",
     "expected": {"equipment_needed": "100 ft sewer camera, drum machine",
                  "property_details": "cast iron drain line under slab"}},
    {"notes": "Nothing unusual, adjusted the damper and checked the filter.",
     "expected": {}},
    {"notes": "Kids' trampoline blocks the path to the AC unit. Family with two toddlers, nap time 1 to 3 so please "
              "don't ring the bell.",
     "expected": {"customer_demographic": "young family", "property_notes": "trampoline blocks path to AC unit",
                  "service_preferences": "don't ring the bell"}},
    {"notes": "Boiler is a Weil-McLain from 1998 in the utility room, still running fine. Cat named Pepper hides "
              "under the bed.",
     "expected": {"equipment": {"type": "boiler", "make": "Weil-McLain", "install_year": 1998,
                                "location": "utility room"},
                  "pet": {"type": "cat", "name": "Pepper"}}},
    {"notes": "Customer drives a Tesla and charges it in the garage overnight; install the EV charger on the "
              "garage's east wall next visit.",
     "expected": {"vehicle": {"type": "electric car", "note": "charges in garage"}}},
    {"notes": "Gate code #2468 at the community entrance, then second house on the left. Large German Shepherd, "
              "keep him in the back.",
     "expected": {"property_notes": "gate code 2468 at community entrance", "pet": {"type": "dog"}}},
    {"notes": "Installed a Honeywell T6 Pro thermostat. Old Goodman furnace, model GMS80805, about 20 years old, "
              "will need replacing soon.",
     "expected": {"equipment": [{"type": "thermostat", "make": "Honeywell", "model": "T6 Pro"},
                                {"type": "furnace", "make": "Goodman", "model": "GMS80805"}]}},
    {"notes": "Driveway is steep and icy in winter, park on the street. Bring the snow blower next visit.",
     "expected": {"property_notes": "driveway steep and icy in winter, park on street",
                  "equipment_needed": "snow blower"}},
    {"notes": "Young couple, just moved in. Asked for an estimate on a new A/C before summer.",
     "expected": {"customer_demographic": "young couple"}},
    {"notes": "Parrot named Kiwi squawks a lot. Attic access is through the bedroom closet hatch; needed the 6 ft "
              "stepladder.",
     "expected": {"pet": {"type": "parrot", "name": "Kiwi"},
                  "property_details": "attic access through bedroom closet hatch",
                  "equipment_needed": "6 ft stepladder"}},
    {"notes": "Hybrid water heater, Rheem ProTerra, installed 2021, still under warranty until 2031. Basement is "
              "finished so work from the laundry room.",
     "expected": {"equipment": {"type": "hybrid water heater", "make": "Rheem", "model": "ProTerra",
                                "install_year": 2021},
                  "property_details": "finished basement"}},
    {"notes": "Pickup truck with a plow parks across the driveway in winter. Customer is a nurse on night shifts, "
              "call after 2 pm.",
     "expected": {"vehicle": {"type": "truck", "note": "parks across driveway"},
                  "service_preferences": "call after 2 pm"}},
    {"notes": "Checked the furnace, all good. Recommend replacing the humidifier pad every year.",
     "expected": {"follow_up": {"service": "replacing humidifier pad", "months": 12}}},
    {"notes": "Elderly gentleman, hard of hearing, knock loudly and wait. Two cats, Milo and Otis.",
     "expected": {"customer_demographic": "elderly", "property_notes": "knock loudly",
                  "pet": [{"type": "cat", "name": "Milo"}, {"type": "cat", "name": "Otis"}]}},
    {"notes": "Condo unit on the 14th floor, buzz 1402 and take the freight elevator. Brought a wet vac for the leak.",
     "expected": {"property_details": "14th floor condo unit", "property_notes": "buzz 1402, take freight elevator",
                  "equipment_needed": "wet vac"}},
    {"notes": "About 200 feet of cedar hedge along the property line. Needed the gas hedge trimmer and the 8 ft "
              "orchard ladder. Come back for trimming in 4 months.",
     "expected": {"property_details": "200 feet of cedar hedge along property line",
                  "equipment_needed": "gas hedge trimmer, 8 ft orchard ladder",
                  "follow_up": {"service": "trimming", "months": 4}}},
    {"notes": "Panel is a 100 amp Federal Pacific, should be replaced. Customer pays cash.",
     "expected": {"property_details": "100 amp Federal Pacific panel", "service_preferences": "pays cash"}},
    {"notes": "Dog (Luna, a husky) barks at the door but is harmless. Keep the front door closed, she runs.",
     "expected": {"pet": {"type": "dog", "name": "Luna"}, "property_notes": "keep front door closed"}},
    {"notes": "Culligan water softener in the basement was low on salt. Recommend a salt refill in 2 months.",
     "expected": {"equipment": {"type": "water softener", "make": "Culligan", "location": "basement"},
                  "follow_up": {"service": "salt refill", "months": 2}}},
    {"notes": "Single mom with three kids, works from home; please text before coming. Motorcycle parked in the "
              "garage, mind the mirrors.",
     "expected": {"customer_demographic": "single parent", "service_preferences": "text before coming",
                  "vehicle": {"type": "motorcycle", "note": "parked in garage"}}},
    {"notes": "Swapped the capacitor on the condenser. No other notes.",
     "expected": {}},
    {"notes": "Crawlspace is only 18 inches high, bring a creeper and a headlamp. Wasp nest by the crawlspace door.",
     "expected": {"property_details": "crawlspace only 18 inches high", "equipment_needed": "creeper, headlamp",
                  "property_notes": "wasp nest by crawlspace door"}},
    {"notes": "Owner asked that we always send Ana; she speaks Portuguese. Bungalow from the 1950s with plaster walls.",
     "expected": {"service_preferences": "always send Ana, speaks Portuguese",
                  "property_details": "1950s bungalow, plaster walls"}},
]
