"""Mail to and from the customer: composing the desk's mails (texts in the contract's
language), customer links and their tokens, and reading an inbound mail."""
