import pytest

from sms.keywords import classify
from sms.segments import fit_two_segments, segments


@pytest.mark.parametrize("body,expected", [
    ("STOP", "stop"), ("stop", "stop"), (" Stop. ", "stop"), ("STOPALL", "stop"), ("UNSUBSCRIBE", "stop"),
    ("CANCEL", "stop"), ("end", "stop"), ("QUIT", "stop"), ("START", "start"), ("unstop", "start"),
    ("HELP", "help"), ("info", "help"),
    ("cancel my appointment", None), ("please stop by tomorrow", None), ("", None), ("I need help with my AC", None),
])
def test_keywords_are_whole_messages(body, expected):
    assert classify(body) == expected


def test_short_text_unchanged():
    assert fit_two_segments("Booked: Mike Chen, Wed Nov 12 at 2:00 PM.") == "Booked: Mike Chen, Wed Nov 12 at 2:00 PM."


def test_typographic_quotes_keep_gsm_encoding():
    out = fit_two_segments("You’re booked — see you then…")
    assert out == "You're booked - see you then..."
    assert segments(out) == 1


def test_long_text_cut_to_two_segments_at_a_boundary():
    text = "Sentence number one is here. " * 20
    out = fit_two_segments(text)
    assert segments(out) <= 2 and len(out) <= 306
    assert out.endswith("...") and " one is here." in out


def test_unicode_text_limited_to_134():
    text = "Réservé 🙂 " * 40
    out = fit_two_segments(text)
    assert segments(out) <= 2
