"""Mail to the customer, wired (a mixin of the composition root, bootstrap.Container): the
tokens of customer links (the secret read on first use), the links, and the mail for each
public step."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.services.mail.conversation import CustomerMail
    from supportflow.services.mail.tokens import CustomerTokens, Links
    from supportflow.services.ports.provided import Provided
    from supportflow.services.sla.deadlines import Deadlines

    class Needs(Provided, Protocol):
        @property
        def contracts(self) -> ContractDirectory: ...
        @property
        def deadlines(self) -> Deadlines: ...
        @property
        def tokens(self) -> CustomerTokens: ...
        @property
        def links(self) -> Links: ...
        def token_secret(self) -> bytes: ...
        def link_base(self) -> str: ...


class MailServices:
    @cached_property
    def tokens(self: Needs) -> CustomerTokens:
        from supportflow.services.mail.tokens import CustomerTokens

        return CustomerTokens(self.token_secret)  # read on first use

    @cached_property
    def links(self: Needs) -> Links:
        from supportflow.services.mail.tokens import Links

        return Links.under(self.link_base())  # read on first use

    @property
    def customer_mail(self: Needs) -> CustomerMail:
        from supportflow.services.mail.conversation import CustomerMail

        return CustomerMail(self.contracts, self.deadlines, self.tokens, self.links)
