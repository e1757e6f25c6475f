"""The pynamodb models of the single ticket table, and binding them to a table at runtime.

Keys, for the access patterns:

| item | pk | sk |
|---|---|---|
| ticket | TICKET#<id> | TICKET |
| event | TICKET#<id> | EVENT#<seq, 8 digits> |
| outbox entry | TICKET#<id> | OUTBOX#<version>.<n> |
| sent mail | TICKET#<id> | SENT#<key> |
| intake key | INTAKE#<sha256> | INTAKE |
| revision counter | <set>#REVISION | REVISION |

Indexes: by_customer (CUSTOMER#<cust>, <opened>#<id>) and by_stage_due (STAGE#<stage>,
<due or ~>#<id>) on tickets; pending_effects (OUTBOX, <created UTC>#<id>#<position>) on outbox
entries, sparse: an entry leaves it when it is done.

A ticket, its event log, its outbox and its sent mails are one partition; a customer's tickets,
the desk's queue (a stage, nearest deadline first) and the effects not yet delivered are one GSI
query each. The table name is bound at runtime (`bind_models`), never at import. The stores'
own items (filings, contracts, policies, bookings, verdicts) are defined beside each store and
join `MODELS` when their module is imported.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class ByCustomer(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ByStageDue(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by_stage_due"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class _Base(Model):
    class Meta:
        table_name = "unbound"  # set by bind_models at runtime

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class TicketItem(_Base):
    version = NumberAttribute()
    stage = UnicodeAttribute()
    body = UnicodeAttribute()  # the Ticket (without its events) as JSON
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()
    by_customer = ByCustomer()
    by_stage_due = ByStageDue()


class EventItem(_Base):
    at = UnicodeAttribute()
    type = UnicodeAttribute()
    actor = UnicodeAttribute()
    data = UnicodeAttribute()  # JSON


class PendingEffects(GlobalSecondaryIndex["OutboxItem"]):
    class Meta:
        index_name = "pending_effects"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class OutboxItem(_Base):
    """An effect waiting for the dispatcher (sparse in pending_effects until it is done)."""

    effect = UnicodeAttribute()  # services.effects.encode
    created_at = UnicodeAttribute()
    lease_until = UnicodeAttribute(null=True)  # UTC key; another deliverer waits until then
    gsi3pk = UnicodeAttribute()
    gsi3sk = UnicodeAttribute()
    pending_effects = PendingEffects()


class SentItem(_Base):
    """A mail the mail service accepted: its key and the provider's message id."""

    receipt = UnicodeAttribute()


class IntakeKeyItem(_Base):
    """Which ticket an Idempotency-Key, a content fingerprint or an alert maps to, until when."""

    ticket_id = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    expires = UnicodeAttribute(null=True)  # UTC key; None: while the ticket is open
    ttl = NumberAttribute(null=True)  # epoch seconds: DynamoDB's TTL removes it after expiry


class RevisionItem(_Base):
    """A counter that grows with every version added to a versioned set (the contracts, the
    published policy packs): a reader that sees it unchanged may keep what it loaded."""

    revision = NumberAttribute()


# Every model of the table, for bind_models; the stores' modules add their own items.
MODELS: list[type[_Base]] = [
    TicketItem,
    EventItem,
    OutboxItem,
    SentItem,
    IntakeKeyItem,
    RevisionItem,
]


def bind_models(table_name: str, region: str | None = None, host: str | None = None) -> None:
    """Point every model at the table (and, for a local endpoint, the host). A model already
    pointed there keeps its connection: every function's container binds on first use, and a
    new botocore client per bind would cost each warm function its first calls again."""
    for model in MODELS:
        meta = model.Meta
        if (
            model._connection is not None
            and meta.table_name == table_name
            and getattr(meta, "host", None) == host
            and (not region or getattr(meta, "region", None) == region)
        ):
            continue
        meta.table_name = table_name
        if region:
            setattr(model.Meta, "region", region)  # noqa: B010 (Meta is pynamodb's plain class)
        setattr(model.Meta, "host", host)  # noqa: B010
        model._connection = None  # forget a connection made for another table or host


def open_connections() -> None:
    """Make every model's botocore client now. pynamodb makes one lazily on first use, and
    threads that all use a model at once (a multi-threaded host such as the local stack, when
    its workflows start together) would each make their own, slowly."""
    session = None
    for model in MODELS:
        connection = model._get_connection().connection
        if session is None:
            session = connection.session
        elif getattr(connection._local, "session", None) is None:
            # One botocore session for all: a new one per model loads botocore's endpoint and
            # service data again (about 0.1 s each, 2 s for the stack's models).
            connection._local.session = session
        connection.client  # noqa: B018 (the property makes and keeps it)
