"""Tickets coming in, one filing per channel (web form, e-mail, monitoring alert, phone
call, the desk's own), all converging on `OpenTicket`; filings held for an agent; who may ask
what (authority)."""
