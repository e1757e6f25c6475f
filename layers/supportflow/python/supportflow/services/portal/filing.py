"""A ticket filed from the portal: the signed-in contact files it for their own customer (both
from the session, never from the form), on channel `portal`. The sign-in proved the contact reads
that address, so the filing is vouched (its receipt may repeat its words, as a mail from the
address itself does) and counts as the contact's own for the authority rules (R000-7: a
cancellation "signed in the account" by the owner is accepted; from another contact it is held
for an agent to verify, as from the web form). R001-4 still lowers a critical case from a
contact who is not authorised (OpenTicket.open)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from supportflow.services.intake.authority import judge
from supportflow.services.intake.filing import Filing, NewTicket
from supportflow.services.intake.open_ticket import Held, Opened, OpenTicket, intake_key
from supportflow.services.portal.access import Viewer
from supportflow.services.ports.stores import Filings, HeldFiling
from supportflow.services.ports.tickets import Clock

CHANNEL = "portal"


@dataclass(frozen=True)
class PortalFiling:
    opener: OpenTicket
    filings: Filings
    clock: Clock

    def __call__(
        self, viewer: Viewer, form: NewTicket, idempotency_key: str | None
    ) -> Opened | Held:
        contract = viewer.contract
        form = form.model_copy(
            update={
                "customer": contract.customer_id,
                "contact_email": viewer.email,
                "channel": CHANNEL,
                "form_key": None,
            }
        )
        now = self.clock()
        verdict = judge(
            self.opener.deadlines.policies.get(contract.policy, now),
            contract,
            category=form.category,
            channel=CHANNEL,
            sender=viewer.email,
            sender_verified=True,  # the sign-in link reached this address
            with_form_key=False,
        )
        if verdict.decision == "hold":
            return self._hold(form, idempotency_key, verdict.reason)
        return self.opener.open(Filing(form, idempotency_key, vouched=True), contract, now)

    def _hold(self, form: NewTicket, idempotency_key: str | None, reason: str) -> Held:
        """Kept for an agent, as the intake keeps a filing it may not open by itself."""
        now = self.clock()
        key = intake_key(form, idempotency_key, now)
        filing_id = "F-" + hashlib.sha256(key.value.encode()).hexdigest()[:10].upper()
        held = {**form.model_dump(exclude={"form_key"}), "held": {"reason": reason}}
        self.filings.hold(HeldFiling(filing_id, now, held, idempotency_key))
        return Held(filing_id)
