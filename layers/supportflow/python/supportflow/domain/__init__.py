"""The pure domain core: calendars, policies, the SLA clock, escalation.

No AWS imports, no environment reads, no clock reads: time is always a parameter."""
