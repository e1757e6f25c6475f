"""The search index in the ticket table: an entry per word and ticket, kept from the stream.

| item | pk | sk |
|---|---|---|
| a word of a ticket | WORD#<word> | <opened, UTC>#<ticket id> (attribute c: the customer) |
| the words a ticket has in the index | TICKET#<id> | SEARCH |

A search for one word is one Query on its partition, newest first, as far as the page needs; for
several words, their partitions are merged newest first and read only as far as the page needs
(see `intersect`). Neither grows with the table, only with how many tickets hold the word.

Keeping a ticket's words writes only the difference to what its `SEARCH` item lists: most changes
(a timer, an escalation) add no word and write nothing. The new words are written first, then the
list: an interrupted run is finished by the next one (its words are written again, harmlessly).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from supportflow.adapters.dynamodb.codec import ticket_pk
from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.services.ports.search import IndexedTicket, intersect, position_of

FIRST_PAGE = 32  # entries of a word's partition read first (a page of results and a few more)
PAGE = 1000  # the most entries read by one Query (about 70 bytes each: well under 1 MB)


class SearchWordItem(_Base):
    c = UnicodeAttribute()  # the ticket's customer: a customer's search filters on it


class SearchListItem(_Base):
    seq = NumberAttribute()
    position = UnicodeAttribute()
    words = UnicodeAttribute()  # JSON list


MODELS.extend([SearchWordItem, SearchListItem])


class DynamoSearchIndex:
    """`SearchIndex` on DynamoDB."""

    def keep(self, ticket: IndexedTicket, seq: int) -> int:
        listed = self._list(ticket.ticket_id)
        if listed is not None and int(listed.seq) > seq:
            return 0
        position = position_of(ticket)  # by its opening and id: a ticket's never moves
        old = set(json.loads(listed.words)) if listed is not None else set()
        added, removed = ticket.terms - old, old - ticket.terms
        if listed is not None and not (added or removed):
            return 0
        with SearchWordItem.batch_write() as batch:
            for word in sorted(added):
                batch.save(SearchWordItem(pk=f"WORD#{word}", sk=position, c=ticket.customer_id))
            for word in sorted(removed):
                batch.delete(SearchWordItem(pk=f"WORD#{word}", sk=position))
        entry = SearchListItem(
            pk=ticket_pk(ticket.ticket_id),
            sk="SEARCH",
            seq=seq,
            position=position,
            words=json.dumps(sorted(ticket.terms), ensure_ascii=False),
        )
        condition = (
            SearchListItem.pk.does_not_exist()
            if listed is None
            else SearchListItem.seq == listed.seq
        )
        try:
            entry.save(condition=condition)
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return 0  # a newer run kept the list meanwhile: its words stand
            raise
        return len(added) + len(removed)

    def _list(self, ticket_id: str) -> SearchListItem | None:
        try:
            return SearchListItem.get(ticket_pk(ticket_id), "SEARCH", consistent_read=True)
        except SearchListItem.DoesNotExist:
            return None

    def matches(
        self, terms: Sequence[str], customer_id: str | None = None, before: str | None = None
    ) -> Iterator[tuple[str, str]]:
        streams = [self._word(term, before) for term in terms]
        for position, customer in intersect(streams):
            if customer_id is None or customer == customer_id:
                yield position, position.rsplit("#", 1)[1]

    def _word(self, word: str, before: str | None) -> Iterator[tuple[str, str]]:
        """A word's entries newest first, in Query pages that grow (FIRST_PAGE, then twice as
        many each time up to PAGE): a page of results needs a few dozen entries of a rare or
        a common word; a merge with a rarer word, or a filter, may need more."""
        condition = SearchWordItem.sk < before if before else None
        size, last_key = FIRST_PAGE, None
        while True:
            items = SearchWordItem.query(
                f"WORD#{word}",
                condition,
                scan_index_forward=False,
                limit=size,
                page_size=size,
                last_evaluated_key=last_key,
            )
            for item in items:
                yield str(item.sk), str(item.c)
            last_key = items.last_evaluated_key
            if not last_key:
                return
            size = min(size * 2, PAGE)
