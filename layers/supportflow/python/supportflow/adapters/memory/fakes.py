"""Recording fakes for the outside world: timers (EventBridge Scheduler), the mailer (SES) and
the mail store (S3), for unit tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from supportflow.services.ports.agents import Agent


class RecordingTimers:
    def __init__(self) -> None:
        self.pending: dict[str, tuple[datetime, dict[str, Any]]] = {}
        self.cancelled: list[str] = []

    def schedule(self, name: str, at: datetime, payload: Mapping[str, Any]) -> None:
        self.pending.setdefault(name, (at, dict(payload)))  # a name taken already: kept, as AWS

    def cancel(self, name: str) -> None:
        self.cancelled.append(name)
        self.pending.pop(name, None)

    def existing(self, prefix: str) -> set[str]:
        return {name for name in self.pending if name.startswith(prefix)}

    def due(self, now: datetime) -> list[dict[str, Any]]:
        """Payloads of timers due at `now`, removed as a scheduler with DELETE would."""
        fired = [
            (n, p)
            for n, (at, p) in sorted(self.pending.items(), key=lambda kv: kv[1][0])
            if at <= now
        ]
        for name, _ in fired:
            self.pending.pop(name)
        return [p for _, p in fired]


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, raw: bytes) -> str:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        self.sent.append(message)
        return f"message-{len(self.sent)}"

    def forget(self, words: Iterable[str]) -> int:
        """As the local outbox does: drop the kept mails that name any of `words`."""
        from supportflow.adapters.file_outbox import names_any

        kept = [m for m in self.sent if not names_any(m, words)]
        gone, self.sent[:] = len(self.sent) - len(kept), kept
        return gone


class InMemoryMailStore:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.types: dict[str, str] = {}
        self.offered: dict[str, tuple[str, int]] = {}

    def raw(self, key: str) -> bytes:
        return self.objects[key]

    def keep(self, key: str, data: bytes, content_type: str) -> str:
        self.objects[key] = data
        self.types[key] = content_type
        return f"memory://{key}"

    def link(self, reference: str) -> str:
        return reference

    def adopt(self, key: str, to: str) -> str:
        self.objects[to], self.types[to] = self.objects[key], self.types.get(key, "")
        return f"memory://{to}"

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires: int
    ) -> dict[str, Any]:
        self.offered[key] = (content_type, max_bytes)
        return {"url": "memory://uploads", "fields": {"key": key, "Content-Type": content_type}}

    def fetch(self, reference: str) -> bytes | None:
        return self.objects.get(reference.removeprefix("memory://"))

    def delete(self, reference: str) -> bool:
        key = reference.removeprefix("memory://")
        if "://" in key:
            return False
        self.objects.pop(key, None)
        return True

    def delete_under(self, prefix: str) -> int:
        gone = [k for k in self.objects if k.startswith(prefix)]
        for key in gone:
            del self.objects[key]
        return len(gone)

    def stat(self, key: str) -> tuple[int, str] | None:
        if key not in self.objects:
            return None
        return len(self.objects[key]), self.types.get(key, "")


class InMemoryAgents:
    """The agents' accounts in a dict (the user pool's part in the unit tests)."""

    def __init__(self, agents: Iterable[Agent] = ()) -> None:
        self.agents = {a.email: a for a in agents}

    def all(self) -> list[Agent]:
        return list(self.agents.values())

    def get(self, email: str) -> Agent | None:
        return self.agents.get(email)

    def in_role(self, role: str) -> list[Agent]:
        return [a for a in self.agents.values() if role in a.roles]

    def add(self, email: str, name: str, roles: tuple[str, ...]) -> Agent:
        agent = Agent(email, name, roles, True, "FORCE_CHANGE_PASSWORD")
        self.agents[email] = agent
        return agent

    def set_roles(self, email: str, roles: tuple[str, ...]) -> Agent:
        self.agents[email] = replace(self.agents[email], roles=roles)
        return self.agents[email]

    def set_enabled(self, email: str, enabled: bool) -> Agent:
        self.agents[email] = replace(self.agents[email], enabled=enabled)
        return self.agents[email]


class InMemoryNoticePreferences:
    """`NoticePreferences` in a dict."""

    def __init__(self) -> None:
        self.off: dict[str, frozenset[str]] = {}

    def turned_off(self) -> dict[str, frozenset[str]]:
        return dict(self.off)

    def set_off(self, email: str, kinds: frozenset[str]) -> None:
        self.off[email.lower()] = frozenset(kinds)
