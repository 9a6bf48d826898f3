"""Speaking rates, in words per minute: one place for the plan, the engine and the options."""

DEFAULT_RATE = 160  # unhurried, for someone listening from across the room
MIN_RATE, MAX_RATE = 80, 300
