"""The embeddable website chat widget: static assets, the demo page and the websocket."""
