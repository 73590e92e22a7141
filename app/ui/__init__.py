"""The Qt user interface: widgets show state and emit intents; rules live in app.core."""
