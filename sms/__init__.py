"""Two-way SMS through Twilio: the signed webhook, keywords, TwiML replies."""
