"""Inline-button payloads: short prefixes, ids and codes only (Telegram allows 64 bytes).

This is the one edge where button data is parsed. A press is a string anyone can forge, so every family
(every `CallbackData` subclass anywhere in `bot/`) is declared with bounded types only:

* an id of a row: `RowId` (1 .. the largest value of the 32-bit INTEGER id columns); a complaint's
  version: `Version`; a page of a list: `Page`; any other number: an `Annotated[int, Field(ge=..., le=...)]`;
* a code: a `Literal[...]` of the codes issued, or a `StrEnum` of the workflow (`Role`, `Channel`, ...);
  never a bare `str` or `int`;
* `bool` is fine as it is.

`aiogram`'s filters unpack a payload through pydantic: one that is out of range, unknown or does not parse
at all matches no handler, so no handler and no storage call ever sees it. It falls through to the catch-all
at the end of the routers (bot/handlers/fallback.py; admin-shaped payloads to bot/handlers/admin/forged.py),
which answers "Tombol ini tidak berlaku" in the presser's language. No handler splits `query.data` itself.
tests/hardening/test_callback_types.py walks every family in `bot/` and fails on an unbounded field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# The id columns are 32-bit INTEGERs: a larger number names nothing, and PostgreSQL refuses even to look
# it up ("value out of int32 range"); SQLite raises OverflowError past 64 bits.
MAX_ROW_ID = 2**31 - 1
# More pages than any queue or picker could fill; keeps `page * size` an ordinary number.
MAX_PAGE = 100_000

RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
Page = Annotated[int, Field(ge=0, le=MAX_PAGE)]
Rating = Annotated[int, Field(ge=0, le=5)]  # 0: received, not rated

MenuAction = Literal["new", "mine", "track", "service", "contacts", "language"]
LanguageCode = Literal["id", "en"]  # the keys of bot.ui.texts.TABLES (a test checks they agree)
# The codes of bot.ui.filing_steps.FIELDS (a test checks they agree).
FieldCode = Literal["nm", "nk", "ph", "ad", "sj", "ch", "dt", "pl", "lc", "at", "cf"]


class MenuCb(CallbackData, prefix="m"):
    action: MenuAction


class LanguageCb(CallbackData, prefix="l"):
    code: LanguageCode


class IdentityCb(CallbackData, prefix="i"):
    reuse: bool


class AttachmentsDoneCb(CallbackData, prefix="a"):
    pass


class ConfidentialCb(CallbackData, prefix="c"):
    value: bool


class EditCb(CallbackData, prefix="e"):
    field: FieldCode


class SubmitCb(CallbackData, prefix="s"):
    pass


class CancelCb(CallbackData, prefix="x"):
    pass


class ComplaintCb(CallbackData, prefix="d"):
    id: RowId


class ResultCb(CallbackData, prefix="r"):
    """The reporter's answer to a result (step 7): received, and a rating 1-5 (0: received, not rated)."""

    c: RowId  # complaint id
    v: Version  # the complaint's version when the result was sent
    n: Rating


class CommentSkipCb(CallbackData, prefix="k"):
    c: RowId


# -- citizens: ratings, dates, the summary -------------------------------------------------------------------

Stars = Annotated[int, Field(ge=1, le=5)]


class RateCb(CallbackData, prefix="rt"):
    """A star pressed after the reporter confirmed receipt (the complaint is closed, not yet rated)."""

    c: RowId  # complaint id
    n: Stars


class DayCb(CallbackData, prefix="dy"):
    """The event date as a button: today (0) or yesterday (1), counted in WIB when pressed."""

    ago: Annotated[int, Field(ge=0, le=1)]  # (a Literal of ints would not parse the packed "0")


class SummaryEditCb(CallbackData, prefix="se"):
    """The summary's "edit" button opens the list of fields (open) and its back button closes it again."""

    open: bool


# -- citizens: their personal data (/datasaya) ------------------------------------------------------------

DataStep = Literal["ask", "yes", "no"]  # show the erasure's meaning; file the request; keep the data


class MyDataCb(CallbackData, prefix="dq"):
    step: DataStep
