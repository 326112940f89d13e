"""Inline-button payloads of the officer's recording and of service complaints (ids and codes only)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class RecordCb(CallbackData, prefix="or"):
    """The officer menu's "record a complaint"."""


class RecordKindCb(CallbackData, prefix="ok"):
    kind: str  # a workflow.definitions.ComplaintKind value


class RecordChannelCb(CallbackData, prefix="oc"):
    channel: str  # a workflow.channels.Channel value


class RecordSystemCb(CallbackData, prefix="os"):
    system: str  # a workflow.channels.ExternalSystem value


class ServiceAnswerCb(CallbackData, prefix="sv"):
    """The complainant's answer to an officer's response: solved or not."""

    c: int  # complaint id
    v: int  # the complaint's version when the response was sent
    solved: bool
