"""The pure domain core, one package per capability, lower layers first: common (time, periods,
money, the vocabulary), calendar (business time), policy (packs as data), sla (the SLA clock),
ticket (the aggregate and its routing), and billing and review on top.

No AWS imports, no environment reads, no clock reads: time is always a parameter."""
