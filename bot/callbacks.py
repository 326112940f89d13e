"""Inline-button payloads: short prefixes, ids and codes only (Telegram allows 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MenuCb(CallbackData, prefix="m"):
    action: str  # one of bot.keyboards.menu.MENU_ACTIONS


class LanguageCb(CallbackData, prefix="l"):
    code: str


class IdentityCb(CallbackData, prefix="i"):
    reuse: bool


class AttachmentsDoneCb(CallbackData, prefix="a"):
    pass


class ConfidentialCb(CallbackData, prefix="c"):
    value: bool


class EditCb(CallbackData, prefix="e"):
    field: str  # a code from bot.routers.filing.steps.FIELD_CODES


class SubmitCb(CallbackData, prefix="s"):
    pass


class CancelCb(CallbackData, prefix="x"):
    pass


class ComplaintCb(CallbackData, prefix="d"):
    id: int


class ResultCb(CallbackData, prefix="r"):
    """The reporter's answer to a result (step 7): received, and a rating 1-5 (0: received, not rated)."""

    c: int  # complaint id
    v: int  # the complaint's version when the result was sent
    n: int


class CommentSkipCb(CallbackData, prefix="k"):
    c: int


# -- citizens: ratings, dates, the summary -------------------------------------------------------------------


class RateCb(CallbackData, prefix="rt"):
    """A star pressed after the reporter confirmed receipt (the complaint is closed, not yet rated)."""

    c: int  # complaint id
    n: int  # 1-5


class DayCb(CallbackData, prefix="dy"):
    """The event date as a button: today (0) or yesterday (1), counted in WIB when pressed."""

    ago: int


class SummaryEditCb(CallbackData, prefix="se"):
    """The summary's "edit" button opens the list of fields (open) and its back button closes it again."""

    open: bool
