"""What the desk's mails say, in Dutch and English: every sentence, and the priority names for a
mail whose language is not the pack's own."""

TEXTS = {
    "nl": {
        "confirm_subject": "Uw melding is ontvangen: {subject} [{ticket}]",
        "confirm_subject_plain": "Uw melding is ontvangen [{ticket}]",
        "confirm_intro": "Bedankt voor uw melding. We hebben haar geregistreerd als {ticket}.",
        "confirm_due": "Uiterlijke reactie: {due}.",
        "confirm_link": "Volg uw melding: {link}",
        "reply_hint": "U kunt op deze e-mail antwoorden om iets toe te voegen.",
        "update_subject": "Re: {subject} [{ticket}]",
        "answer_intro": "Er is een reactie op uw melding {ticket}:",
        "question_intro": "Om uw melding {ticket} verder te helpen hebben we informatie van u "
        "nodig:",
        "question_wait": "Beantwoord deze e-mail; zodra we uw antwoord hebben gaan we verder.",
        "resolved_intro": "Uw melding {ticket} is opgelost:",
        "resolved_act": "Klopt de oplossing? Bevestig haar, of heropen de melding als het "
        "probleem blijft: {link}",
        "reopened_intro": "We hebben uw melding {ticket} heropend.",
        "closed_intro": "Uw melding {ticket} is gesloten.",
        "closed_new": "Heeft u een nieuwe vraag? Stuur ons een nieuwe e-mail.",
        "follow": "Volg uw melding: {link}",
        "esc_subject": "[Escalatie {rung}] {ticket}: {metric} {state}",
        "esc_intro": "De {metric} van melding {ticket} ({customer}) is {state}.",
        "esc_due": "Deadline: {due} ({late}).",
        "esc_priority": "Prioriteit: {priority}. Klant: {customer}. Onderwerp: {subject}.",
        "esc_act": "Melding openen: {link}",
        "late": "{late} over tijd",
        "warning": "nog {left} te gaan",
        "metric_response": "reactietijd",
        "metric_resolution": "oplostijd",
        "state_breached": "overschreden",
        "state_warning": "bijna verlopen",
        "warn_subject": "[SLA-waarschuwing] {customer}: {priority} {metric}, {month}",
        "warn_lost": "{priority} {metric} is in {month} al {breached} keer overschreden: de norm "
        "van {threshold}% is voor deze maand niet meer te halen.",
        "warn_at_risk": "{priority} {metric} staat in {month} op {share}%: nog {more} op tijd "
        "nodig om {threshold}% te halen.",
        "warn_cause": "Aanleiding: melding {ticket} ({subject}).",
        "warn_rule": "Deze waarschuwing komt uit de SLA-review ({rule}); het rapport van de "
        "maand: {link}",
        # notices to agents (never to a customer)
        "notice_subject": "[{what}] {ticket}: {subject}",
        "notice_assigned": "Toegewezen aan jou",
        "notice_assigned_line": "{who} heeft melding {ticket} ({customer}) aan jou toegewezen.",
        "notice_taken_over": "Overgenomen",
        "notice_taken_over_line": "{who} heeft melding {ticket} ({customer}) van je overgenomen.",
        "notice_handed": "Tweede lijn: voor jou",
        "notice_handed_line": "{who} heeft melding {ticket} ({customer}) aan jou doorgezet in de "
        "tweede lijn.",
        "notice_new_ticket": "Nieuwe melding",
        "notice_new_ticket_line": "Nieuwe melding {ticket} van {customer} in jouw lijn (geopend "
        "{at}):",
        "notice_customer": "Klant schreef",
        "notice_customer_line": "De klant schreef op melding {ticket} ({customer}):",
        "notice_outage": "Storing",
        "notice_outage_line": "Monitoring van {customer} meldt een storing: melding {ticket}, "
        "geopend {at}. Nu handelen.",
        "notice_standby": "Standby-oproep",
        "notice_standby_line": "Standby-oproep van {customer}: melding {ticket}, geopend {at}. "
        "Nu handelen.",
        "notice_open": "Melding openen: {link}",
    },
    "en": {
        "confirm_subject": "Your ticket was received: {subject} [{ticket}]",
        "confirm_subject_plain": "Your ticket was received [{ticket}]",
        "confirm_intro": "Thank you. We registered your request as ticket {ticket}.",
        "confirm_due": "First response due by: {due}.",
        "confirm_link": "Follow your ticket: {link}",
        "reply_hint": "You can reply to this mail to add anything.",
        "update_subject": "Re: {subject} [{ticket}]",
        "answer_intro": "There is an answer on your ticket {ticket}:",
        "question_intro": "To continue with your ticket {ticket} we need some information:",
        "question_wait": "Please reply to this mail; we continue as soon as we have your answer.",
        "resolved_intro": "Your ticket {ticket} is resolved:",
        "resolved_act": "Does the fix work? Confirm it, or reopen the ticket if the problem "
        "remains: {link}",
        "reopened_intro": "We reopened your ticket {ticket}.",
        "closed_intro": "Your ticket {ticket} is closed.",
        "closed_new": "A new question? Send us a new mail.",
        "follow": "Follow your ticket: {link}",
        "esc_subject": "[Escalation {rung}] {ticket}: {metric} {state}",
        "esc_intro": "The {metric} target of ticket {ticket} ({customer}) is {state}.",
        "esc_due": "Deadline: {due} ({late}).",
        "esc_priority": "Priority: {priority}. Customer: {customer}. Subject: {subject}.",
        "esc_act": "Open the ticket: {link}",
        "late": "{late} late",
        "warning": "{left} left",
        "metric_response": "first response",
        "metric_resolution": "resolution",
        "state_breached": "breached",
        "state_warning": "about to breach",
        "warn_subject": "[SLA warning] {customer}: {priority} {metric}, {month}",
        "warn_lost": "{priority} {metric} already breached {breached} time(s) in {month}: the "
        "{threshold}% target is lost for this month.",
        "warn_at_risk": "{priority} {metric} at {share}% in {month}: {more} more on time needed "
        "to reach {threshold}%.",
        "warn_cause": "Because of ticket {ticket} ({subject}).",
        "warn_rule": "An early warning of the SLA review ({rule}); the month's report: {link}",
        # notices to agents (never to a customer)
        "notice_subject": "[{what}] {ticket}: {subject}",
        "notice_assigned": "Assigned to you",
        "notice_assigned_line": "{who} assigned ticket {ticket} ({customer}) to you.",
        "notice_taken_over": "Taken over",
        "notice_taken_over_line": "{who} took ticket {ticket} ({customer}) over from you.",
        "notice_handed": "Second line: yours",
        "notice_handed_line": "{who} handed ticket {ticket} ({customer}) to you in second line.",
        "notice_new_ticket": "New ticket",
        "notice_new_ticket_line": "A new ticket {ticket} from {customer} in your line (opened "
        "{at}):",
        "notice_customer": "Customer wrote",
        "notice_customer_line": "The customer wrote on ticket {ticket} ({customer}):",
        "notice_outage": "Outage",
        "notice_outage_line": "{customer}'s monitoring reports an outage: ticket {ticket}, opened "
        "{at}. Act now.",
        "notice_standby": "Standby call",
        "notice_standby_line": "A standby call from {customer}: ticket {ticket}, opened {at}. Act "
        "now.",
        "notice_open": "Open the ticket: {link}",
    },
}

# Priority names for a mail in a language other than the pack's own labels (the packs label
# their priorities in the contract's language; an English contract on a Dutch or German pack
# reads these).
PRIORITY_NAMES = {
    "en": {
        "urgent": "Urgent",
        "normal": "Normal",
        "standby": "Standby call",
        "top": "Top (1)",
        "high": "High (2)",
        "medium": "Medium (3)",
        "low": "Low (4)",
        "critical": "Critical",
        "other": "Other",
    },
    "nl": {
        "urgent": "Spoed",
        "normal": "Normaal",
        "standby": "Standby",
        "top": "Top (1)",
        "high": "Hoog",
        "medium": "Middel",
        "low": "Laag",
        "critical": "Kritiek",
        "other": "Overig",
    },
}
