"""The SLA review's use cases wired (a mixin of the composition root, bootstrap.Container): each
streamed ticket reviewed, the month's compliance, and problem management (with the part it
plays in an action)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.policies.registry import PolicyRegistry
    from supportflow.services.billing.statements import Statements
    from supportflow.services.desk.audit import KeepAgentActions
    from supportflow.services.desk.search import KeepSearchWords
    from supportflow.services.intake.open_ticket import OpenTicket
    from supportflow.services.mail.tokens import Links
    from supportflow.services.ports.provided import Provided
    from supportflow.services.review.compliance_review import ComplianceReview
    from supportflow.services.review.early_warnings import EarlyWarnings
    from supportflow.services.review.keep_verdicts import KeepVerdicts
    from supportflow.services.review.problem_links import ProblemLinks
    from supportflow.services.review.problems import Problems
    from supportflow.services.review.review_tickets import ReviewTickets
    from supportflow.services.sla.deadlines import Deadlines

    class Needs(Provided, Protocol):
        @property
        def contracts(self) -> ContractDirectory: ...
        @property
        def policies(self) -> PolicyRegistry: ...
        @property
        def deadlines(self) -> Deadlines: ...
        @property
        def links(self) -> Links: ...
        def open_ticket(self) -> OpenTicket: ...
        def keep_verdicts(self) -> KeepVerdicts: ...
        def early_warnings(self) -> EarlyWarnings: ...
        def compliance_review(self) -> ComplianceReview: ...
        def statements(self) -> Statements: ...
        def problems(self) -> Problems: ...
        def keep_search_words(self) -> KeepSearchWords: ...
        def keep_agent_actions(self) -> KeepAgentActions: ...


class ReviewUseCases:
    def review_tickets(self: Needs) -> ReviewTickets:
        from supportflow.services.review.review_tickets import ReviewTickets

        return ReviewTickets(
            self.keep_verdicts(),
            self.early_warnings(),
            self.problems(),
            self.tickets,
            self.keep_search_words(),
            self.keep_agent_actions(),
        )

    def keep_verdicts(self: Needs) -> KeepVerdicts:
        from supportflow.services.review.keep_verdicts import KeepVerdicts

        return KeepVerdicts(self.policies, self.tickets, self.verdicts, self.clock)

    def early_warnings(self: Needs) -> EarlyWarnings:
        from supportflow.services.review.early_warnings import EarlyWarnings

        review = self.compliance_review()
        return EarlyWarnings(review, self.tickets, self.policies, self.links, self.clock)

    def compliance_review(self: Needs) -> ComplianceReview:
        from supportflow.services.review.compliance_review import ComplianceReview

        return ComplianceReview(
            lambda: self.contracts,
            self.policies,
            self.verdicts,
            self.clock,
            lambda customer, period: self.statements().standby(customer, period),
        )

    def problems(self: Needs) -> Problems:
        from supportflow.services.review.problems import Problems

        return Problems(
            self.tickets,
            self.queue,
            self.open_ticket(),
            lambda: self.contracts,
            self.deadlines,
            self.clock,
        )

    def problem_links(self: Needs) -> ProblemLinks:
        from supportflow.services.review.problem_links import ProblemLinks

        return ProblemLinks(self.tickets)
