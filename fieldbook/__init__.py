"""Fieldbook: conversational booking and field-service CRM for home-services businesses."""

__version__ = "0.1.0"
