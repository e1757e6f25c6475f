"""The transactional outbox: each kind of side effect described once (its data, its JSON
form, how it is performed), and the dispatcher that performs them at least once, in order
per ticket."""
