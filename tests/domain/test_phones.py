import pytest

from domain.errors import Invalid
from domain.phones import normalize_phone


@pytest.mark.parametrize("raw, region, expected", [
    ("4165559876", "CA", "+14165559876"),             # national digits
    ("416-555-9876", "CA", "+14165559876"),           # dashes
    ("(416) 555-9876", "CA", "+14165559876"),         # parentheses
    ("416.555.9876", "CA", "+14165559876"),           # dots
    ("416 555 9876", "CA", "+14165559876"),           # spaces
    ("  416 555 9876  ", "CA", "+14165559876"),       # surrounding blanks
    ("+1 416 555 9876", "CA", "+14165559876"),        # +1
    ("+14165559876", "US", "+14165559876"),           # already E.164, other default region
    ("1-416-555-9876", "CA", "+14165559876"),         # 1- trunk prefix
    ("1 (416) 555-9876", "CA", "+14165559876"),       # 1 and parentheses
    ("(212) 555-0123", "US", "+12125550123"),         # US national
    ("+44 20 7946 0958", "CA", "+442079460958"),      # United Kingdom, international
    ("020 7946 0958", "GB", "+442079460958"),         # United Kingdom, national with its region
    ("+33 1 42 68 53 00", "US", "+33142685300"),      # France
    ("+61 2 9374 4000", "CA", "+61293744000"),        # Australia
])
def test_formats_normalize_to_e164(raw, region, expected):
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["", "   ", "hello", "12345", "555-1234", "+1 416 555 98761234",
                                 "416-555-98", "+999 123 456 789", "1" * 41])
def test_invalid_numbers_are_rejected_with_a_code(raw):
    with pytest.raises(Invalid) as caught:
        normalize_phone(raw, "CA")
    assert caught.value.code == "INVALID_PHONE"
    assert caught.value.status_code == 409   # well-formed text, but no number in service: a refusal, not a 422
    assert caught.value.message
