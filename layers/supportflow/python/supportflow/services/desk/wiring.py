"""The desk's use cases wired (a mixin of the composition root, bootstrap.Container): an
action on a ticket with the hooks other capabilities registered, and the agent's views."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.services.desk.agents import ManageAgents
    from supportflow.services.desk.audit import AgentActions, KeepAgentActions
    from supportflow.services.desk.notices import AgentNotices, Recipients
    from supportflow.services.desk.record_action import ActionHook, RecordAction
    from supportflow.services.desk.search import KeepSearchWords, SearchTickets
    from supportflow.services.desk.views import Attachments, TicketViews
    from supportflow.services.mail.conversation import CustomerMail
    from supportflow.services.mail.tokens import Links
    from supportflow.services.ports.provided import Provided
    from supportflow.services.sla.deadlines import Deadlines

    class Needs(Provided, Protocol):
        @property
        def contracts(self) -> ContractDirectory: ...
        @property
        def deadlines(self) -> Deadlines: ...
        @property
        def customer_mail(self) -> CustomerMail: ...
        @property
        def links(self) -> Links: ...
        def action_hooks(self) -> Sequence[ActionHook]: ...
        @property
        def notice_recipients(self) -> Recipients | None: ...


class DeskUseCases:
    def agent_notices(self: Needs) -> AgentNotices:
        from supportflow.services.desk.notices import AgentNotices

        return AgentNotices(
            self.contracts,
            self.deadlines,
            self.links,
            self.notice_recipients,
            self.settings.desk_language or None,
        )

    @cached_property
    def notice_recipients(self: Needs) -> Recipients | None:
        """Who is in a line, and who turned which notice off (None: no pool configured, so no
        line is known; a notice to one named agent still goes). Kept for the function's life:
        it remembers a line for a minute."""
        from supportflow.services.desk.notices import Recipients

        if not (self.settings.agent_pool_id or "agents" in self.__dict__):
            return None
        return Recipients(lambda: self.agents, lambda: self.notice_preferences)

    def manage_agents(self: Needs) -> ManageAgents:
        from supportflow.services.desk.agents import ManageAgents

        return ManageAgents(self.agents)

    def record_action(self: Needs) -> RecordAction:
        from supportflow.services.desk.record_action import RecordAction

        hooks = tuple(self.action_hooks())
        return RecordAction(self.deadlines, self.tickets, self.clock, self.customer_mail, hooks)

    def views(self: Needs) -> TicketViews:
        from supportflow.services.desk.views import TicketViews

        return TicketViews(
            self.tickets, self.outbox, self.queue, self.contracts, self.deadlines, self.clock
        )

    def attachments(self: Needs) -> Attachments:
        from supportflow.services.desk.views import Attachments

        return Attachments(self.tickets, lambda: self.mail_store)

    def keep_agent_actions(self: Needs) -> KeepAgentActions:
        from supportflow.services.desk.audit import KeepAgentActions

        return KeepAgentActions(self.actions_index, lambda: self.contracts)

    def agent_actions(self: Needs) -> AgentActions:
        from supportflow.services.desk.audit import AgentActions

        return AgentActions(self.actions_index)

    def keep_search_words(self: Needs) -> KeepSearchWords:
        from supportflow.services.desk.search import KeepSearchWords

        return KeepSearchWords(self.search_index)

    def search_tickets(self: Needs) -> SearchTickets:
        from supportflow.services.desk.search import SearchTickets

        return SearchTickets(
            self.search_index, self.queue, self.contracts, self.deadlines, self.clock
        )
