"""Business calendars: opening hours per weekday in an IANA zone, public holidays, and the
business time between two instants or after one (the arithmetic of every deadline)."""
