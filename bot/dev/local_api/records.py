"""The journal of every Bot API request a bot made, for assertions and chaos checks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class RequestRecord:
    seq: int
    time: float
    bot_id: int | None
    method: str
    params: dict[str, Any]
    chat_id: int | None
    status: int
    ok: bool
    description: str | None
    result: Any
    fault: str | None
    duration: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """Keeps the newest ``limit`` records so a long-running sandbox does not grow without bound."""

    def __init__(self, limit: int = 100_000) -> None:
        self.records: list[RequestRecord] = []
        self.limit = limit
        self._last_seq = 0

    def add(self, **fields: Any) -> RequestRecord:
        self._last_seq += 1
        record = RequestRecord(seq=self._last_seq, **fields)
        self.records.append(record)
        if len(self.records) > self.limit:
            del self.records[: len(self.records) - self.limit]
        return record

    def select(
        self,
        method: str | None = None,
        chat_id: int | None = None,
        ok: bool | None = None,
        bot_id: int | None = None,
        since: int = 0,
    ) -> list[RequestRecord]:
        return [
            record
            for record in self.records
            if record.seq > since
            and (method is None or record.method.lower() == method.lower())
            and (chat_id is None or record.chat_id == chat_id)
            and (ok is None or record.ok == ok)
            and (bot_id is None or record.bot_id == bot_id)
        ]

    def clear(self) -> None:
        self.records.clear()
