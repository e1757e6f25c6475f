"""The single DynamoDB table: the item layout (models.py), tickets as items (codec.py), stream
batches (stream.py), conditional transactions (transactions.py), the ticket repository with its
outbox and queue, and the stores of filings, contracts, packs, bookings and verdicts."""
