"""The smaller sections of a policy pack: its lifecycle, how the desk talks with the customer
(and who may ask what, R000-7, R001-4), who hears the review's early warnings, and the gaps the
pack admits to."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from supportflow.domain.common.vocabulary import DurationText, Ident, PolicyModel


class KnownGap(PolicyModel):
    rule: str
    text: str


class Lifecycle(PolicyModel):
    auto_close_after: DurationText | None = Field(
        default=None, description="a resolved ticket closes itself after this much business time"
    )
    calendar: str | None = None


class Authority(PolicyModel):
    """Requests only the account owner may make (R000-7), and how the desk knows it is them."""

    categories: list[str] = Field(
        default_factory=list, description="request categories only the account owner may file"
    )
    keywords: dict[str, list[str]] = Field(
        default_factory=dict,
        description="category -> words that mark a mail as that request (mail has no form)",
    )
    proof_channels: list[str] = Field(
        default_factory=list,
        description="channels that prove the owner (an in-app chat that files with the form key)",
    )
    refused: dict[str, list[str]] = Field(
        default_factory=dict, description="channel -> categories never valid by that channel"
    )
    rule: str | None = None


class Conversation(PolicyModel):
    """How the desk talks with the customer about a ticket."""

    reopen_on_reply: bool = Field(
        default=True, description="a customer's message on a resolved ticket reopens it"
    )
    copy_to_authorised: bool = Field(
        default=False,
        description="answers to a contact who is not authorised are copied to an authorised one",
    )
    authority: Authority = Field(default_factory=Authority)
    authorised_only: list[str] = Field(
        default_factory=list,
        description="priorities only an authorised contact may file; from anyone else the "
        "ticket gets the default priority, with the reason logged",
    )
    contacts_rule: str | None = Field(
        default=None, description="the contract rule on authorised contacts (R001-4)"
    )
    max_authorised: int | None = Field(
        default=None, ge=1, description="at most this many authorised contacts at a time"
    )


class Review(PolicyModel):
    """Who hears of the SLA review's early warnings while a month runs (a role of the
    escalation section, whose address the contract gives)."""

    warn: str | None = None
    rule: str | None = None


Language = Literal["nl", "en", "de"]
Words = dict[Language, str]  # one text in each language the pack speaks to customers in


class FormSpec(PolicyModel):
    """What the customer's web form says about choosing a priority, in the customer's language
    (nl, en, de): a paragraph of help, words for each choice (an urgency, an impact, a priority,
    a category), and the request categories the form offers (saas-basic's critical ones,
    best-effort's security emergencies). Published with the pack, so a new version of the pack
    changes the form."""

    help: Words = Field(default_factory=dict)
    choices: dict[Literal["urgency", "impact", "priority", "category"], dict[str, Words]] = Field(
        default_factory=dict
    )
    categories: list[str] = Field(default_factory=list, description="offered on the form")
    rule: str | None = None


class CannedReply(PolicyModel):
    """A text an agent starts a message from (editable as data: a new version of the pack).
    `action` is the tab it belongs to: a reply, a question to the customer, or a note."""

    id: Ident
    title: str = Field(min_length=1, max_length=120)
    language: Literal["nl", "en", "de"]
    action: Literal["respond", "ask_customer", "note"] = "respond"
    text: str = Field(min_length=1, max_length=5000)
    rule: str | None = None
