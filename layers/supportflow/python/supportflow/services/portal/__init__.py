"""The customer portal: a known contact signs in by a mailed one-time link (sign_in, sessions),
sees the organisation's tickets as the contract lets them (access, tickets), files (filing) and
answers; and how long a customer's ticket link works, and an agent withdrawing it
(revoke_links)."""
