"""Entitlements and charges: what a contract includes (emergencies, fair use, consultancy,
live-support sessions), what a ticket costs, and a ticket assessed as a whole."""
