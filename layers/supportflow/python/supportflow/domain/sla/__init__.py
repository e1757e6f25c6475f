"""The SLA clock: a ticket's metrics (response, resolution) computed from its event log and
its policy, when each escalation rung falls due, and every deadline explained."""
