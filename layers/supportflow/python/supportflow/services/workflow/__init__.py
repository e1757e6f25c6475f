"""The steps of the ticket's state machine (triage, park, escalate, record_failure), the
timers firing (fire_timer) and the reconciliation that repairs what went missing."""
