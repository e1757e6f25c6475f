"""Charges and statements per customer and month, live-support bookings (R001-6) and the
entitlements ledger (R000-5, R000-6)."""
