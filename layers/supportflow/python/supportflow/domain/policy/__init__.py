"""Policy packs as data: the schema of a pack (calendars, priorities, targets, the escalation
ladder, entitlements and charges, availability, problem management), the checks across its
parts, its loading, and how a ticket gets its priority."""
