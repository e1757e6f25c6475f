"""The SLA review: each ticket's verdicts, compliance per tier against the pack's threshold,
early warnings, availability per month, problem management, and the report's text."""
