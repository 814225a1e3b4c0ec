"""The rule extractor's vocabulary: what customers own, what technicians bring, who lives there.

Kept apart from the rules so a business (or a test) can see at a glance what the offline extractor
knows. Multi-word entries are matched before their last word ("heat pump" before "pump").
"""

from __future__ import annotations

# The customer's appliances: phrase -> the type recorded ("ac" is an air conditioner).
APPLIANCES: dict[str, str] = {
    "furnace": "furnace", "boiler": "boiler", "heat pump": "heat pump", "air handler": "air handler",
    "air conditioner": "air conditioner", "air conditioning unit": "air conditioner", "ac unit": "air conditioner",
    "a/c unit": "air conditioner", "ac condenser": "air conditioner", "ac": "air conditioner",
    "a/c": "air conditioner", "central air": "air conditioner", "condenser": "air conditioner",
    "condensing unit": "air conditioner", "mini-split": "mini-split", "mini split": "mini-split",
    "mini-split heads": "mini-split", "minisplit": "mini-split", "water heater": "water heater",
    "hot water tank": "water heater", "hot water heater": "water heater", "water tank": "water heater",
    "water softener": "water softener", "softener": "water softener", "sump pump": "sump pump",
    "well pump": "well pump", "pool pump": "pool pump", "pool heater": "pool heater", "hrv": "hrv", "erv": "erv",
    "humidifier": "humidifier", "dehumidifier": "dehumidifier", "thermostat": "thermostat",
    "dishwasher": "dishwasher", "washer": "washer", "washing machine": "washer", "dryer": "dryer",
    "range": "range", "stove": "stove", "oven": "oven", "fridge": "fridge", "refrigerator": "fridge",
    "garbage disposal": "garbage disposal", "disposal": "garbage disposal", "ev charger": "ev charger",
    "electrical panel": "electrical panel", "breaker panel": "electrical panel", "fireplace": "fireplace",
    "standby generator": "standby generator", "generator": "generator", "irrigation controller":
    "irrigation controller", "sprinkler controller": "irrigation controller", "garage door opener":
    "garage door opener", "tankless": "tankless water heater", "ev charger": "ev charger", "charger": "ev charger",
    "range hood": "range hood", "toilet": "toilet", "water filter": "water filter",
    "uv system": "uv system", "backflow preventer": "backflow preventer", "boiler system": "boiler",
}
# Words that stay in front of the type: a tankless water heater is not just a water heater.
APPLIANCE_QUALIFIERS = {"tankless", "hybrid", "gas", "electric", "ductless", "smart", "standby", "combi",
                        "condensing", "high-efficiency", "oil", "propane", "wifi", "wi-fi", "heat-pump", "solar",
                        "whole-home", "whole-house", "indirect", "variable-speed", "two-stage"}

BRANDS = ["A.O. Smith", "AO Smith", "American Standard", "Amana", "Aprilaire", "Armstrong", "Bosch",
          "Bradford White", "Broan", "Bryant", "Burnham", "Carrier", "ChargePoint", "Coleman", "Culligan",
          "Daikin", "Eaton", "ecobee", "Emerson", "Federal Pacific", "Frigidaire", "Fujitsu", "GE", "Generac",
          "Giant", "Goodman", "Grundfos", "Hayward", "Heil", "Honeywell", "IBC", "InSinkErator", "Jandy",
          "John Wood", "KeepRite", "Kenmore", "Kinetico", "Kohler", "Lennox", "LG", "Lochinvar", "Maytag",
          "Mitsubishi", "Moen", "Napoleon", "Navien", "Nest", "Noritz", "Payne", "Pentair", "Rheem", "Rinnai",
          "Ruud", "Samsung", "Schneider", "Siemens", "Square D", "State", "Tempstar", "Tesla", "Trane", "Uponor",
          "Venmar", "Viessmann", "Wayne", "Weil-McLain", "Whirlpool", "York", "Zoeller", "Lifebreath",
          "Fantech", "Rheem-Ruud", "Carrier Infinity", "Mitsubishi Electric", "Fujitsu General", "Sub-Zero",
          "Miele", "Electrolux", "Liberty", "Hubbell", "Cutler-Hammer", "Westinghouse", "Dettson", "Olsen",
          "Thermo Pride", "Crown", "Slant/Fin", "Buderus", "Triangle Tube", "HTP", "Laars", "Raypak",
          "Sta-Rite", "Rachio", "Hunter", "Rain Bird", "Chamberlain", "LiftMaster", "Genie"]

# What a technician brings: the head noun of the phrase ("28 ft extension ladder" ends in "ladder").
TOOLS = {"ladder", "ladders", "anchor kit", "fall arrest kit", "stepladder", "step ladder", "scaffold", "scaffolding", "harness", "boom lift",
         "scissor lift", "bucket truck", "submersible pump", "vacuum pump", "transfer pump", "utility pump",
         "trash pump", "shop vac", "shop-vac", "wet vac", "wet-vac", "wet/dry vac", "inspection camera",
         "sewer camera", "drain camera", "snake", "drain snake", "auger", "jetter", "hydro jetter",
         "drum machine", "rodder", "torch", "press tool", "crimper", "wrench", "pipe wrench", "torque wrench",
         "multimeter", "moisture meter", "gauges", "gauge set", "manifold", "recovery machine",
         "leak detector", "thermal camera", "thermal imager", "fish tape", "drill", "hammer drill",
         "core drill", "sawzall", "chainsaw", "pole saw", "trimmer", "hedge trimmer", "string trimmer",
         "mower", "aerator", "dethatcher", "tiller", "leaf blower", "snow blower", "snowblower",
         "stump grinder", "chipper", "tarp", "tarps", "drop cloth", "drop cloths", "dolly", "appliance dolly",
         "hand truck", "portable generator", "generator", "circular saw", "reciprocating saw", "hole saw",
         "pipe camera", "respirator", "tyvek suit", "knee pads", "kneepads", "creeper", "headlamp",
         "extension cord", "jackhammer", "compressor", "nail gun", "heat gun", "torpedo heater", "air mover",
         "air movers", "pressure washer", "power washer", "sprayer", "spreader", "loppers", "pruner", "rake",
         "shovel", "ladder jacks", "roof jacks", "safety rope", "pry bar", "plunger", "closet auger",
         "water vacuum", "borescope", "refrigerant gauges", "nitrogen tank", "crowbar", "lopper",
         "hedge shears", "ladder stabilizer", "stabilizer", "chimney brush", "duct brush", "pipe cutter",
         "tubing cutter", "pipe threader", "cable puller", "voltage tester", "circuit tracer"}
# "Brought the generator" is a tool; a Generac or a standby generator is the customer's.
TOOL_OR_APPLIANCE = {"generator", "dehumidifier", "humidifier"}

# animal or breed -> the pet's type
ANIMALS = {"dog": "dog", "dogs": "dog", "puppy": "dog", "puppies": "dog", "pup": "dog", "retriever": "dog",
           "retrievers": "dog", "labrador": "dog", "lab": "dog", "shepherd": "dog", "poodle": "dog",
           "terrier": "dog", "beagle": "dog", "husky": "dog", "bulldog": "dog", "doodle": "dog",
           "goldendoodle": "dog", "labradoodle": "dog", "dachshund": "dog", "chihuahua": "dog", "pug": "dog",
           "boxer": "dog", "rottweiler": "dog", "pitbull": "dog", "pit bull": "dog", "spaniel": "dog",
           "collie": "dog", "corgi": "dog", "shih tzu": "dog", "schnauzer": "dog", "doberman": "dog",
           "greyhound": "dog", "mastiff": "dog", "malamute": "dog", "sheepdog": "dog", "pomeranian": "dog",
           "yorkie": "dog", "maltese": "dog", "great dane": "dog", "bernese": "dog", "akita": "dog",
           "cat": "cat", "cats": "cat", "kitten": "cat", "kittens": "cat", "kitty": "cat", "tabby": "cat",
           "siamese": "cat", "parrot": "parrot", "parakeet": "bird", "budgie": "bird", "cockatiel": "bird",
           "bird": "bird", "birds": "bird", "rabbit": "rabbit", "bunny": "rabbit", "hamster": "hamster",
           "guinea pig": "guinea pig", "ferret": "ferret", "snake": "snake", "lizard": "lizard",
           "iguana": "lizard", "tortoise": "tortoise", "turtle": "turtle", "chickens": "chickens",
           "hens": "chickens", "horse": "horse", "goat": "goat", "fish tank": "fish", "aquarium": "fish"}
# Only pets when something says so ("black lab", "lab named"): otherwise a lab is a laboratory, a snake a tool.
AMBIGUOUS_ANIMALS = {"lab", "snake", "boxer", "bird", "birds", "jack"}

DEMOGRAPHICS: list[tuple[str, str]] = [
    (r"\bsingle (?:mom|mother|dad|father|parent)\b", "single parent"),
    (r"\bretired couple\b|\bboth retired\b", "retired couple"),
    (r"\byoung family\b|\bfamily with\b.*\b(?:kids|children|newborn|baby|toddlers?|infant)\b|\bnew parents\b"
     r"|\b(?:newborn|new baby|toddlers?|infant)\b|\bwith (?:a )?baby\b|\byoung (?:kids|children)\b", "young family"),
    (r"\byoung couple\b|\bnewlyweds?\b", "young couple"),
    (r"\belderly\b|\bolder (?:lady|man|woman|gentleman|couple|customer|homeowner|gent)\b|\bin (?:her|his|their) "
     r"(?:late )?(?:seventies|eighties|nineties|70s|80s|90s)\b|\b(?:7|8|9)\d[- ]years?[- ]old (?:lady|man|woman|"
     r"gentleman|customer|homeowner)\b", "elderly"),
    (r"\bseniors?\b", "senior"),
    (r"\bretired\b|\bretirees?\b", "retired"),
    (r"\bwheelchair\b", "wheelchair user"),
    (r"\b(?:college|university) students?\b|\bstudent rental\b", "students"),
    (r"\blives? (?:alone|on (?:her|his) own)\b", "lives alone"),
    (r"\bhard of hearing\b|\bdeaf\b", "hard of hearing"),
]

LANGUAGES = ("Spanish|Portuguese|Mandarin|Cantonese|French|Punjabi|Hindi|Italian|Polish|Tagalog|Korean|Vietnamese|"
             "Arabic|Farsi|Persian|Russian|Ukrainian|Greek|Tamil|Urdu|German|Japanese|Gujarati|Somali|Turkish")
PLACES = ("driveway|drive|garage|street|side yard|backyard|back yard|front yard|front lawn|lawn|carport|meter|road|"
          "laneway|lane|alley|curb|parking pad|visitor parking|side of the house")
