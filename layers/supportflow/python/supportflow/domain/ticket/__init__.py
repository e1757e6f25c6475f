"""The ticket: its aggregate (stages, actions, the event log), the routing between stages,
the conversation with the customer, and the timers its SLA state asks for."""
