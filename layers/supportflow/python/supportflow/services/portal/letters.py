"""The portal's one mail: the sign-in link, in the contract's language. It names the organisation
and how long the link works, and says what to do with a mail one did not ask for; it repeats
nothing anyone typed (the address it goes to is the contract's own)."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from supportflow.services.mail.compose import Letter, domain_of, local_time, render

TEXTS = {
    "nl": {
        "subject": "Uw inloglink voor het supportportaal ({customer})",
        "intro": "U vroeg om in te loggen op het supportportaal van {customer}. Hier ziet u de "
        "meldingen van uw organisatie, kunt u antwoorden en een nieuwe melding doen.",
        "ticket": "Na het inloggen opent melding {ticket}.",
        "link": "Inloggen: {link}",
        "once": "De link werkt één keer, tot {until}.",
        "ignore": "Vroeg u hier niet om? Dan kunt u deze e-mail negeren: zonder de link kan "
        "niemand inloggen.",
    },
    "en": {
        "subject": "Your sign-in link for the support portal ({customer})",
        "intro": "You asked to sign in to the support portal of {customer}. There you see your "
        "organisation's tickets, answer the desk and file a new ticket.",
        "ticket": "After signing in, ticket {ticket} opens.",
        "link": "Sign in: {link}",
        "once": "The link works once, until {until}.",
        "ignore": "Did you not ask for this? Then ignore this mail: nobody can sign in without "
        "the link.",
    },
    "de": {
        "subject": "Ihr Anmeldelink für das Supportportal ({customer})",
        "intro": "Sie haben die Anmeldung am Supportportal von {customer} angefordert. Dort "
        "sehen Sie die Tickets Ihrer Organisation, antworten dem Support und melden ein neues "
        "Ticket.",
        "ticket": "Nach der Anmeldung öffnet sich Ticket {ticket}.",
        "link": "Anmelden: {link}",
        "once": "Der Link funktioniert einmal, bis {until}.",
        "ignore": "Haben Sie das nicht angefordert? Dann ignorieren Sie diese E-Mail: ohne den "
        "Link kann sich niemand anmelden.",
    },
}


def sign_in_letter(
    *,
    language: str,
    sender: str,
    recipient: str,
    customer: str,
    link: str,
    until: datetime,
    now: datetime,
    ticket_id: str | None = None,
) -> EmailMessage:
    t = TEXTS.get(language, TEXTS["en"])
    lines = [t["intro"].format(customer=customer)]
    if ticket_id:
        lines.append(t["ticket"].format(ticket=ticket_id))
    lines += [
        t["link"].format(link=link),
        t["once"].format(until=local_time(until, language)),
        t["ignore"],
    ]
    return render(
        Letter(
            sender=sender,
            recipient=recipient,
            subject=t["subject"].format(customer=customer),
            lines=lines,
            link=link,
            message_id=make_msgid("portal", domain=domain_of(sender)),
            date=now,
        )
    )
