"""The ports the use cases need from the outside world (adapters implement them), and the
errors those ports raise."""
