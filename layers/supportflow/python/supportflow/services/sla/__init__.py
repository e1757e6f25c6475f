"""A ticket's deadlines as the desk computes them: the policy registry and the timers that
follow from a ticket's SLA state."""
