"""`fieldbook bench channels` end to end, small: every key is written and each ratio agrees with its parts."""

import json

import pytest

from fieldbook.bench import channels

pytestmark = pytest.mark.slow


def test_channels_bench_writes_consistent_figures(tmp_path, monkeypatch):
    monkeypatch.setattr(channels, "PAUSE_S", (0.1, 0.3))   # open-loop pacing kept, only shorter
    out = tmp_path / "channels.json"
    assert channels.run(out=out, conversations=3, sms_requests=6, open_conversations=3) == 0
    figures = json.loads(out.read_text())
    assert figures["bookings_completed"] == figures["appointments_in_database"] == 3
    assert figures["open_bookings_completed"] == 3
    assert figures["turns"] >= 3 * 4 and figures["open_turns"] >= 3 * 4   # several turns to each booking
    assert figures["turn_vs_echo"] == round(figures["turn_p50_ms"] / figures["echo_p50_ms"], 1)
    assert 0 < figures["turn_cpu_ms"] < 10_000
    assert figures["open_turn_p50_ms"] <= figures["open_turn_p99_ms"]
    assert figures["sms_requests"] == 6 and figures["sms_requests_per_s"] > 0
