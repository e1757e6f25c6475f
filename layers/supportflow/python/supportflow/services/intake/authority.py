"""Who may ask for what (R000-7): an account transfer, a cancellation or a permission change is
accepted only from the account owner's known address (by mail, where the mail service vouches
for the sender) or the in-app chat (which files with the customer's form key); from anywhere
else it is held for an agent to verify, and by a channel the policy refuses (a cancellation by
phone) it is not valid at all. The categories, their mail keywords and the channels are pack
data (`conversation.authority`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from supportflow.contracts.contract import Contract
from supportflow.domain.policy.policy import Policy
from supportflow.domain.sla.priority import TicketError


@dataclass(frozen=True)
class Verdict:
    decision: Literal["accept", "hold"]
    reason: str = ""


ACCEPT = Verdict("accept")


def classify(policy: Policy, subject: str, text: str) -> str | None:
    """The owner-only request a mail asks for, by the pack's keywords (subject first)."""
    rule = policy.conversation.authority
    for where in (subject, text[:2000]):
        for category, words in rule.keywords.items():
            if any(re.search(rf"\b{re.escape(w)}\b", where, re.IGNORECASE) for w in words):
                return category
    return None


def judge(
    policy: Policy,
    contract: Contract,
    *,
    category: str | None,
    channel: str,
    sender: str,
    sender_verified: bool,
    with_form_key: bool,
) -> Verdict:
    """Accept, hold (with why), or TicketError for a request no channel of this kind can make.
    `sender_verified`: the mail service vouches for the sender (a web form's address is only
    claimed); `with_form_key`: filed with the customer's form key (the in-app chat)."""
    rule = policy.conversation.authority
    if category is None or category not in rule.categories:
        return ACCEPT
    words = category.replace("_", " ")
    if category in rule.refused.get(channel, []):
        raise TicketError(
            f"a {words} by {channel} is not valid ({_rule(policy)}): the account owner sends "
            "it by e-mail from their known address or signs it in the account"
        )
    if channel in rule.proof_channels and with_form_key:
        return ACCEPT
    if sender_verified and contract.is_owner(sender):
        return ACCEPT
    return Verdict(
        "hold",
        f"a {words} is accepted only from the account owner's known address or the in-app "
        f"chat ({_rule(policy)}): verify it with the owner",
    )


def _rule(policy: Policy) -> str:
    return policy.conversation.authority.rule or "the contract's authority rule"
