"""Inline-button payloads of the officer's recording and of service complaints (ids and codes only),
declared with bounded types only, as bot/ui/callbacks.py says."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.ui.callbacks import RowId, Version
from workflow.channels import Channel, ExternalSystem
from workflow.definitions import ComplaintKind


class RecordCb(CallbackData, prefix="or"):
    """The officer menu's "record a complaint"."""


class RecordKindCb(CallbackData, prefix="ok"):
    kind: ComplaintKind


class RecordChannelCb(CallbackData, prefix="oc"):
    channel: Channel


class RecordSystemCb(CallbackData, prefix="os"):
    system: ExternalSystem


class ServiceAnswerCb(CallbackData, prefix="sv"):
    """The complainant's answer to an officer's response: solved or not."""

    c: RowId  # complaint id
    v: Version  # the complaint's version when the response was sent
    solved: bool
