"""Inline-button payloads of the admin side: ids and short codes only, within Telegram's 64 bytes.
Declared with bounded types only, as bot/ui/callbacks.py says.

Every payload that acts on a complaint carries the version the admin saw, so a button pressed after the
complaint moved on is refused as stale instead of acting on something the admin never saw.
"""

from __future__ import annotations

from typing import Literal, get_args

from aiogram.filters.callback_data import CallbackData

from bot.ui.callbacks import Page, RowId, Version
from workflow.definitions import ST, T

# Short codes keep payloads small enough for a 19-digit id, a version and an organisation id together.
# A code must never be reused for another trigger: buttons already sent would start meaning something else.
# Every code, so that a payload with any other code does not parse.
TriggerCode = Literal[
    "sb", "dp", "rj", "fw", "rp", "ac", "rc", "sr", "cr", "rv", "ap", "rr", "ak", "au",
    "re", "rs", "cs", "ns", "es", "rl",
]  # fmt: skip
TRIGGER_CODES: dict[str, TriggerCode] = {
    T.SUBMIT: "sb",
    T.DISPOSE: "dp",
    T.REJECT: "rj",
    T.FORWARD: "fw",
    T.RETURN_TO_PROVINCE: "rp",
    T.ACCEPT: "ac",
    T.RETURN_TO_CITY: "rc",
    T.SUBMIT_RESULT: "sr",
    T.CONFIRM_RESULT: "cr",
    T.REQUEST_REVISION: "rv",
    T.APPROVE: "ap",
    T.RETURN_RESULT: "rr",
    T.ACKNOWLEDGE: "ak",
    T.AUTO_CLOSE: "au",
    ST.RECORD: "re",
    ST.RESPOND: "rs",
    ST.CONFIRM_SOLVED: "cs",
    ST.NOT_SOLVED: "ns",
    ST.ESCALATE: "es",
    ST.RESOLVE: "rl",
}
TRIGGERS_BY_CODE: dict[str, str] = {code: str(trigger) for trigger, code in TRIGGER_CODES.items()}
if set(get_args(TriggerCode)) != set(TRIGGERS_BY_CODE):
    raise RuntimeError("TriggerCode and TRIGGER_CODES disagree")
AdminMenuAction = Literal["queue", "report", "invite", "admins", "reporter", "admin"]
# Every prefix below starts with "g" (for "government"), so a payload that looks like ours but does not
# parse can be told apart from a reporter's expired button.
ADMIN_PREFIX_PATTERN = r"^g[a-z](:|$)"


def code_of(trigger: str) -> TriggerCode:
    return TRIGGER_CODES[trigger]


class AdminMenuCb(CallbackData, prefix="gm"):
    action: AdminMenuAction  # "reporter": switch to the reporter menu; "admin": switch back


class QueuePageCb(CallbackData, prefix="gq"):
    s: RowId  # the admin seat whose queue it is (a person may hold several)
    page: Page


class OpenCardCb(CallbackData, prefix="go"):
    c: RowId  # complaint id


class FilesCb(CallbackData, prefix="gf"):
    c: RowId


class ActionCb(CallbackData, prefix="ga"):
    c: RowId  # complaint id
    v: Version  # the complaint's version on the card the admin pressed
    t: TriggerCode


class PickPageCb(CallbackData, prefix="gp"):
    c: RowId
    v: Version
    t: TriggerCode
    p: Page  # page of the target picker


class PickTargetCb(CallbackData, prefix="gt"):
    c: RowId
    v: Version
    t: TriggerCode
    o: RowId  # the chosen organisation's id


# The buttons of a reason or result prompt name the pending action they belong to (complaint and the version
# its card showed), so a prompt's old button can never act on another one written since.
class ConfirmCb(CallbackData, prefix="gy"):
    c: RowId  # the complaint whose reason or result is waiting for confirmation
    v: Version  # the version its card showed when the prompt opened


class AbortCb(CallbackData, prefix="gx"):
    c: RowId
    v: Version


class ResultDoneCb(CallbackData, prefix="gd"):
    c: RowId
    v: Version


class CardCb(CallbackData, prefix="gc"):
    c: RowId  # show this card again in place, with the buttons allowed now


class HistoryCb(CallbackData, prefix="gh"):
    c: RowId  # show this complaint's events, every reason whole


class ChronologyCb(CallbackData, prefix="gk"):
    c: RowId  # show this complaint's whole chronology


class SendToCb(CallbackData, prefix="gs"):
    """The confirmation of a picked target ("✅ Ya"): the only press that moves the complaint."""

    c: RowId
    v: Version
    t: TriggerCode
    o: RowId  # the organisation the admin was shown by its full name and confirmed


# -- a reporter's erasure request, on the handling office's card (storage/data_requests.py) ---------------


class DataRequestCb(CallbackData, prefix="gr"):
    r: RowId  # the request
    erase: bool  # True: erase now; False: refuse (a reason is asked for)


class DataRefusalCb(CallbackData, prefix="gz"):
    """The refusal prompt's buttons: send the reason written, or give up (the request keeps waiting)."""

    r: RowId
    send: bool


# -- similar complaints and duplicates (storage/duplicates.py) ---------------------------------------------
class LinkCb(CallbackData, prefix="gl"):
    """ "🔗 Gabungkan ke …" under a similar complaint: asks once, showing both numbers."""

    c: RowId  # the complaint on the card, to be joined
    v: Version  # its version on the card
    d: RowId  # the earlier complaint it would follow


class LinkYesCb(CallbackData, prefix="gj"):
    """The confirmation: the only press that joins the two."""

    c: RowId
    v: Version
    d: RowId


class UnlinkCb(CallbackData, prefix="gu"):
    """Separate a duplicate again: asks for a reason like a return."""

    c: RowId
    v: Version


# -- seats, invites and relays (bot/handlers/onboarding.py; the relay card: bot/notices/relay.py) ---------


# The roles of an admin's seat: `workflow.actors.Role` but the reporter.
InvitableRole = Literal["province", "city", "opd", "officer", "official"]


class InviteCb(CallbackData, prefix="iv"):
    role: InvitableRole  # may_invite decides
    org_id: RowId


class SeatCb(CallbackData, prefix="sd"):
    admin_id: RowId


class RelayCb(CallbackData, prefix="rd"):
    """ "✅ Sudah disampaikan" under a notice an officer relays to a complainant not on Telegram."""

    relay_id: RowId
