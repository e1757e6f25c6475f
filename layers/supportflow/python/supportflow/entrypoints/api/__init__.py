"""The HTTP API: the intake app (intake.py, functions/intake) and the ticket app (ticket_api.py,
functions/ticket_api) with its routers (admin, bookings, problems), and what they share: the
request checked and served (requests.py), who is asking (callers.py), errors as HTTP
(http_errors.py) and the answers (responses.py)."""
