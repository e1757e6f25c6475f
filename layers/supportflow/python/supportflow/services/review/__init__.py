"""The SLA review at the desk: each changed ticket reviewed (verdicts kept, early warnings
mailed, problem management), the month's compliance report, problem records and RCA tasks."""
