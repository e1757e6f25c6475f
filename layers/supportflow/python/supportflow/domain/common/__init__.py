"""What every part of the domain shares: instants and durations (timeutil), months as
periods, money, texts, and the vocabulary (channels, request types, events, metrics)."""
