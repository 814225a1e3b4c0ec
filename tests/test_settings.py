import pytest

from fieldbook.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("FIELDBOOK_CLOCK", "SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL", "SMTP_PORT"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("variable, value", [
    ("FIELDBOOK_CLOCK", "next thursday"),
    ("FIELDBOOK_CLOCK", "2025-11-06T09:30:00"),       # no offset: ambiguous
    ("SECRET_KEY", "too-short"),
    ("PUBLIC_BASE_URL", "not a url"),
    ("SMTP_PORT", "twenty-five"),
])
def test_bad_value_names_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert variable in str(caught.value)
    assert value not in str(caught.value) or variable == "FIELDBOOK_CLOCK"   # never echo a secret


def test_good_values(monkeypatch):
    monkeypatch.setenv("FIELDBOOK_CLOCK", "2025-11-06T09:30:00-05:00")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    settings = load_settings()
    assert settings.fieldbook_clock.isoformat() == "2025-11-06T09:30:00-05:00"
    assert settings.secret_key.get_secret_value() == "k" * 40 and settings.embedded


def test_require_names_missing_variables():
    settings = load_settings()
    with pytest.raises(SettingsError) as caught:
        settings.require("secret_key", "twilio_account_sid")
    assert "SECRET_KEY" in str(caught.value) and "TWILIO_ACCOUNT_SID" in str(caught.value)
