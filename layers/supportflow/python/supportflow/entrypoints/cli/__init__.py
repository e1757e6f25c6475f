"""The `supportflow` command line: policies, deadlines, replay and explain, assessments,
contracts and packs through the admin API, statements and the SLA review."""
