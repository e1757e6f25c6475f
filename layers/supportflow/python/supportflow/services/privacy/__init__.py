"""Privacy under the AVG/GDPR: a person's data exported or erased, a ticket's personal data
erased when its contract's retention period is over, legal holds (domain/privacy)."""
