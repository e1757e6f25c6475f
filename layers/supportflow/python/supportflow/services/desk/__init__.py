"""What an agent does with a ticket (record_action) and sees of it (views: the queue, a
ticket, its attachments)."""
