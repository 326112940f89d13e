"""Choosing where a complaint goes: the province picks a city (35 of them), a city one of its agencies.

The picker takes the card's place in the same message. Pressing the action opens it on the likely target
already asked about ("❓ Disposisi ke <full name>?" above the buttons): its "✅ Ya" is the one press that
moves the complaint, so the usual target costs two presses from the card. Beside it, the other likely
targets, each of which asks again: after a return, those its reason names (never the office that sent it
back); the complaint's region (for a disposition); the targets similar earlier complaints finally went to
(the office's own decisions, `workflow.suggestions`, or its agencies' duty keywords before it has any); the
office's most used targets. Then "🔎 Lainnya…", the whole list in pages, which the admin narrows by typing a
few letters while it is open. Why a target is suggested ("7 dari 8 laporan serupa → DPUPR") is in the
message, not only on the button (a phone cuts a long label). A matter of the province (SMA/SMK, provincial
roads, vehicle tax) is suggested at a city as a return to it: the card's own return button, asking the reason.

A confirmation rather than an undo: a move is seen at once by the next office (its admins get the card, the
reporter may be told), so taking it back would be a second move everyone sees. Asking once, with the full
name, before anything is written costs one press and leaves nothing to retract.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.admin.desk import PRESS, AdminDesk, Check
from bot.handlers.admin.guard import Forged, NotAnAdmin, Press, toast
from bot.handlers.admin.outcome import pressed_copy, show_done
from bot.ui.admin_callbacks import ActionCb, CardCb, PickPageCb, PickTargetCb, SendToCb, code_of
from bot.ui.cards import card_text, render_card
from bot.ui.texts import Html, Texts
from storage.data_errors import ComplaintNotFound
from storage.directory import Directory
from storage.views import CardInfo
from workflow.actors import Organisation, OrgKind
from workflow.definitions import T
from workflow.errors import InvalidTarget, WorkflowError
from workflow.regions import likely_cities, named_in, narrow
from workflow.suggestions import RETURN_TO_PROVINCE, PastDecision, Suggestion, suggest_targets

PAGE_SIZE = 8
# The steps that send a complaint back up to the office now choosing again.
RETURNS = {T.RETURN_TO_CITY, T.RETURN_TO_PROVINCE}
# The likely targets offered before "Lainnya…": the one asked about and the others beside it.
LIKELY = 4
MOST_USED = 3
# Suggestions from similar earlier complaints offered first, and their whys shown.
SUGGESTED = 3
# Two buttons share a row only when every label on it shows whole on a phone at half width.
HALF_ROW = 14


class AdminPicker(StatesGroup):
    narrowing = State()  # the whole list is open: what the admin types narrows it


# FSM data key of an open list: complaint, version seen, trigger code, the card message it is shown in.
PICKING = "admin_picking"


@dataclass(frozen=True)
class Choices:
    targets: list[Organisation]  # every target allowed, by label
    likely: list[Organisation]  # the ones offered first, most likely first
    # Why the suggested ones are (by organisation id, or RETURN_TO_PROVINCE), best first.
    suggested: dict[int | str, Suggestion] = field(default_factory=dict)


async def suggestions_for(
    office: int,
    kind: OrgKind,
    card: CardInfo,
    targets: list[Organisation],
    directory: Directory,
    session: AsyncSession | None = None,
) -> dict[int | str, Suggestion]:
    """The targets similar earlier complaints of this office finally went to, best first, with why.

    From the office's own final decisions (kept per process, `storage.routing_history`) and, before it has
    alike ones, its targets' duty keywords; at a city, the province's keywords too (a return to it).
    """
    history = await directory.routing.of(office, session=session)
    by_code = {org.code: org for org in targets}
    keywords: dict[str, tuple[str, ...]] = {org.code: org.keywords for org in targets if org.keywords}
    labels = {org.code: org.label for org in targets}
    if kind == OrgKind.OPD:
        province = await directory.province(session=session)
        if province.keywords:
            keywords[RETURN_TO_PROVINCE] = province.keywords
        labels[RETURN_TO_PROVINCE] = province.label
    complaint = card.complaint
    text = f"{complaint.subject}. {complaint.chronology}"
    ranked = suggest_targets(text, complaint.event_place, history, keywords, labels=labels)
    found: dict[int | str, Suggestion] = {}
    for suggestion in ranked:
        if suggestion.score <= 0:
            continue
        if suggestion.org_code == RETURN_TO_PROVINCE and kind == OrgKind.OPD:
            found[RETURN_TO_PROVINCE] = suggestion
        elif suggestion.org_code in by_code:
            found[by_code[suggestion.org_code].id] = suggestion
        if len(found) == SUGGESTED:
            break
    return found


async def choices_for(
    press: Press,
    card: CardInfo,
    directory: Directory,
    *,
    suggest: bool = True,
    session: AsyncSession | None = None,
) -> Choices:
    office = press.complaint.current_org_id
    kind = press.step.target_kind
    if office is None or kind is None:
        raise Forged("a complaint outside any queue, or a step without a target")
    targets = await directory.targets(office, OrgKind(kind), session=session)
    by_id = {org.id: org for org in targets}
    ranked: list[int] = []
    # Sent back just now: the reason often says where it belongs ("… mohon diteruskan ke DPUPR"), and the
    # office that sent it back is not offered again first.
    returned = card.history[-1] if card.history and card.history[-1].trigger in RETURNS else None
    if returned is not None and returned.reason:
        ranked += named_in(returned.reason, targets)
        if kind == OrgKind.CITY:
            ranked += likely_cities(returned.reason, None, targets)
    # A city's place typed or its residents' NIK says more than words alike: those first, then the office's
    # own history; for an agency, what similar complaints went to comes first.
    if kind == OrgKind.CITY:
        ranked += likely_cities(card.complaint.event_place, card.reporter.nik, targets)
    suggested = (
        await suggestions_for(office, OrgKind(kind), card, targets, directory, session) if suggest else {}
    )
    ranked += [key for key in suggested if isinstance(key, int)]
    ranked += await directory.most_used_targets(office, press.step.trigger, limit=MOST_USED, session=session)
    likely: list[Organisation] = []
    for org_id in ranked:
        if (
            org_id in by_id
            and by_id[org_id] not in likely
            and (returned is None or org_id != returned.org_id)
        ):
            likely.append(by_id[org_id])
    shown = likely[:LIKELY]
    # A why only for what is on the screen; the province's return is the card's own button.
    kept = {
        key: why
        for key, why in suggested.items()
        if key == RETURN_TO_PROVINCE or (isinstance(key, int) and by_id.get(key) in shown)
    }
    return Choices(targets=targets, likely=shown, suggested=kept)


async def card_of(press: Press, desk: AdminDesk) -> CardInfo:
    card = await desk.card(press.complaint.id)
    if card is None:
        raise ComplaintNotFound(press.complaint.id)
    return card


def _rows(builder: InlineKeyboardBuilder, buttons: list[InlineKeyboardButton]) -> None:
    width = 2 if all(len(button.text) <= HALF_ROW for button in buttons) else 1
    for start in range(0, len(buttons), width):
        builder.row(*buttons[start : start + width])


def _target_button(press: Press, org: Organisation) -> InlineKeyboardButton:
    data = PickTargetCb(c=press.complaint.id, v=press.seen_version, t=code_of(press.step.trigger), o=org.id)
    return InlineKeyboardButton(text=org.label, callback_data=data.pack())


def _more_and_back(press: Press, t: Texts, *, more: bool) -> list[InlineKeyboardButton]:
    row = []
    if more:
        page = PickPageCb(c=press.complaint.id, v=press.seen_version, t=code_of(press.step.trigger), p=1)
        row.append(InlineKeyboardButton(text=t.plain("admin.btn.more"), callback_data=page.pack()))
    row.append(
        InlineKeyboardButton(
            text=t.plain("admin.btn.back"), callback_data=CardCb(c=press.complaint.id).pack()
        )
    )
    return row


async def _redraw(message: Message, text: Html, markup: InlineKeyboardMarkup) -> None:
    # An unchanged picker pressed again, or a card too old to edit: nothing more to show.
    with suppress(TelegramBadRequest):
        await message.edit_text(text, reply_markup=markup)


def question(press: Press, org: Organisation, t: Texts) -> tuple[Html, str]:
    key = f"admin.pick.ask.{press.step.trigger}"
    return t(key, org=org.name), t.plain(key, org=org.name)


def why_line(suggestion: Suggestion, label: str, t: Texts) -> Html:
    """ "• 7 dari 8 laporan serupa → DPUPR", or the duty words it matched; and how often it was sent back."""
    # Both when both count: "1 of 3" ranked above "2 of 3" reads wrong unless its words are said.
    words = ", ".join(suggestion.words)
    if suggestion.went and words:
        line = t("admin.pick.why.both", went=suggestion.went, alike=suggestion.alike, words=words, org=label)
    elif suggestion.went:
        line = t("admin.pick.why.history", went=suggestion.went, alike=suggestion.alike, org=label)
    elif words:
        line = t("admin.pick.why.words", words=words, org=label)
    else:
        line = t("admin.pick.why.alike", org=label)
    if suggestion.returned:
        line = Html(line + t("admin.pick.why.returned", count=suggestion.returned))
    return line


def suggestions_text(choices: Choices, t: Texts) -> Html | None:
    """The whys of the suggested targets on screen, best first; a province matter says how to return it."""
    if not choices.suggested:
        return None
    labels: dict[int | str, str] = {org.id: org.label for org in choices.targets}
    labels[RETURN_TO_PROVINCE] = t.plain("admin.pick.why.province")
    lines = [t("admin.pick.suggested")]
    lines += [why_line(why, labels[key], t) for key, why in choices.suggested.items()]
    if RETURN_TO_PROVINCE in choices.suggested:
        lines.append(t("admin.pick.province_matter", button=t.plain("admin.btn.return_to_province")))
    return Html("\n".join(lines))


def _return_button(press: Press, t: Texts) -> InlineKeyboardButton:
    """The card's own "return to the province" action: it asks for the reason, as from the card."""
    data = ActionCb(c=press.complaint.id, v=press.seen_version, t=code_of(T.RETURN_TO_PROVINCE))
    return InlineKeyboardButton(text=t.plain("admin.btn.return_to_province"), callback_data=data.pack())


async def ask(
    query: CallbackQuery,
    message: Message,
    press: Press,
    org: Organisation,
    choices: Choices,
    card: CardInfo,
    desk: AdminDesk,
) -> None:
    """The card with "❓ <action> to <full name>?" under it: ✅ moves it, any other target asks anew."""
    t = desk.t
    footer, plain = question(press, org, t)
    why = suggestions_text(choices, t)
    if why is not None:
        footer = Html(f"{why}\n\n{footer}")
    code = code_of(press.step.trigger)
    builder = InlineKeyboardBuilder()
    builder.row(
        InlineKeyboardButton(
            text=t.plain("admin.btn.send_to", org=org.label),
            callback_data=SendToCb(c=press.complaint.id, v=press.seen_version, t=code, o=org.id).pack(),
        )
    )
    _rows(builder, [_target_button(press, other) for other in choices.likely if other.id != org.id])
    if RETURN_TO_PROVINCE in choices.suggested:
        builder.row(_return_button(press, t))
    builder.row(*_more_and_back(press, t, more=len(choices.targets) > 1))
    text = card_text(card, viewer=press.admin, t=t, calendar=desk.calendar, now=desk.clock(), footer=footer)
    await _redraw(message, text, builder.as_markup())
    await query.answer(toast(t.plain("admin.pick.asked", question=plain)))


def list_markup(
    press: Press, targets: list[Organisation], page: int, t: Texts, *, province_return: bool = False
) -> InlineKeyboardMarkup:
    """Page `page` (from 1) of `targets`, with the pages around it and the way back to the card."""
    pages = max(1, -(-len(targets) // PAGE_SIZE))
    code = code_of(press.step.trigger)
    builder = InlineKeyboardBuilder()
    if province_return:
        builder.row(_return_button(press, t))
    _rows(builder, [_target_button(press, org) for org in targets[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]])
    nav: list[InlineKeyboardButton] = []
    for to, key in ((page - 1, "admin.btn.page_prev"), (page + 1, "admin.btn.page_next")):
        if 1 <= to <= pages:
            data = PickPageCb(c=press.complaint.id, v=press.seen_version, t=code, p=to)
            nav.append(
                InlineKeyboardButton(text=t.plain(key, page=to, pages=pages), callback_data=data.pack())
            )
    if nav:
        builder.row(*nav)
    builder.row(*_more_and_back(press, t, more=False))
    return builder.as_markup()


async def show_list(
    query: CallbackQuery,
    message: Message,
    press: Press,
    page: int,
    state: FSMContext,
    desk: AdminDesk,
    *,
    why: Html | None = None,
) -> None:
    t = desk.t
    card = await card_of(press, desk)
    targets = (await choices_for(press, card, desk.directory, suggest=False, session=desk.session)).targets
    pages = max(1, -(-len(targets) // PAGE_SIZE))
    if not 1 <= page <= pages:
        raise Forged(f"picker page {page} of {pages}")
    # Typing narrows the list, unless the admin is in the middle of writing something else.
    narrowing = await state.get_state() in (None, AdminPicker.narrowing.state)
    hint = t("admin.pick.type_hint") if narrowing else None
    footer = Html("\n\n".join(part for part in (why, hint) if part)) or None
    text = card_text(card, viewer=press.admin, t=t, calendar=desk.calendar, now=desk.clock(), footer=footer)
    await _redraw(message, text, list_markup(press, targets, page, t, province_return=why is not None))
    if narrowing:
        await state.set_state(AdminPicker.narrowing)
        await state.update_data(
            {
                PICKING: {
                    "c": press.complaint.id,
                    "v": press.seen_version,
                    "t": code_of(press.step.trigger),
                    "m": message.message_id,
                }
            }
        )
    key = "admin.pick.all" if targets else "admin.pick.none"
    await query.answer(t.plain(key, page=page, pages=pages))


async def open_picker(
    query: CallbackQuery, message: Message, press: Press, state: FSMContext, desk: AdminDesk
) -> None:
    """The action's first screen: the most likely target asked about, or the whole list when none is."""
    card = await card_of(press, desk)
    choices = await choices_for(press, card, desk.directory, session=desk.session)
    if choices.likely:
        await ask(query, message, press, choices.likely[0], choices, card, desk)
    elif choices.suggested:
        # Only the province's return is suggested: the whole list, with why, and the return under it.
        await show_list(query, message, press, 1, state, desk, why=suggestions_text(choices, desk.t))
    else:
        await show_list(query, message, press, 1, state, desk)


async def page_pressed(
    query: CallbackQuery,
    callback_data: PickPageCb,
    press: Press,
    pressed: Message,
    state: FSMContext,
    desk: AdminDesk,
) -> None:
    await show_list(query, pressed, press, callback_data.p, state, desk)


async def target_picked(
    query: CallbackQuery, callback_data: PickTargetCb, press: Press, pressed: Message, desk: AdminDesk
) -> None:
    """A target pressed: asked about by its full name, not yet sent (look-alike names are one press apart)."""
    card = await card_of(press, desk)
    choices = await choices_for(press, card, desk.directory, session=desk.session)
    org = next((org for org in choices.targets if org.id == callback_data.o), None)
    if org is None and await desk.directory.organisation(callback_data.o, session=desk.session) is not None:
        raise InvalidTarget(press.step.trigger, f"organisation {callback_data.o} is not offered here")
    if org is None:
        raise Forged(f"no organisation {callback_data.o}")
    await ask(query, pressed, press, org, choices, card, desk)


async def send_confirmed(
    query: CallbackQuery,
    callback_data: SendToCb,
    press: Press,
    pressed: Message,
    state: FSMContext,
    desk: AdminDesk,
) -> None:
    # The picker took the card's place in the same message: that message is the card pressed.
    card = pressed_copy(pressed)
    moved = await desk.complaints.fire(
        press.complaint.id,
        press.admin.as_actor(),
        press.step.trigger,
        seen_version=press.seen_version,
        target_org_id=callback_data.o,
        pressed_card=card,
        seen=press.complaint,
        session=desk.session,
    )
    # The office's history just grew: its next suggestions count this decision, once it commits.
    target = await desk.directory.organisation(callback_data.o, session=desk.session)
    if target is not None:
        was = moved.complaint
        decision = PastDecision(f"{was.subject}. {was.chronology}", was.event_place, target.code)
        desk.directory.routing.record(
            press.admin.org.id, decision, complaint_id=press.complaint.id, session=desk.session
        )
    await _stop_narrowing(state)
    await show_done(query, desk, moved, press.admin, card)


async def _stop_narrowing(state: FSMContext) -> None:
    if await state.get_state() == AdminPicker.narrowing.state:
        await state.set_state(None)
        await state.update_data({PICKING: None})


async def letters_typed(message: Message, state: FSMContext, desk: AdminDesk) -> None:
    """A few letters while the whole list is open: the list on the card shows only what matches."""
    t = desk.t
    picking: dict[str, Any] = (await state.get_data()).get(PICKING) or {}
    typed = (message.text or "").strip()[:40]
    try:
        press = await desk.check(int(picking["c"]), int(picking["v"]), str(picking["t"]))
        card = await card_of(press, desk)
        targets = (
            await choices_for(press, card, desk.directory, suggest=False, session=desk.session)
        ).targets
    except (KeyError, ValueError, Forged, NotAnAdmin, WorkflowError, ComplaintNotFound):
        # The complaint moved on, or the seat is gone: the list it narrowed no longer applies.
        await _stop_narrowing(state)
        await message.answer(t("admin.pick.closed"))
        return
    found = narrow(typed, targets)
    if not found:
        await message.answer(t("admin.pick.no_match", typed=typed))
        return
    with suppress(TelegramBadRequest):
        await desk.bot.edit_message_reply_markup(
            chat_id=message.chat.id,
            message_id=int(picking["m"]),
            reply_markup=list_markup(press, found[:PAGE_SIZE], 1, t),
        )
    if len(found) > PAGE_SIZE:
        await message.answer(t("admin.pick.matches_more", count=len(found), typed=typed, shown=PAGE_SIZE))
    else:
        await message.answer(t("admin.pick.matches", count=len(found), typed=typed))


async def back_to_card(
    query: CallbackQuery, callback_data: CardCb, state: FSMContext, desk: AdminDesk
) -> None:
    """The card again, as it is now: its buttons are the ones allowed now, not when it was first sent."""
    card, viewer = await desk.viewable_card(callback_data.c)
    await _stop_narrowing(state)
    text, markup = render_card(card, viewer=viewer, t=desk.t, calendar=desk.calendar, now=desk.clock())
    await query.answer()
    if isinstance(query.message, Message):
        with suppress(TelegramBadRequest):
            await query.message.edit_text(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name=__name__)
    target = {PRESS: Check.TARGET}
    router.callback_query.register(page_pressed, PickPageCb.filter(), flags=target)
    router.callback_query.register(target_picked, PickTargetCb.filter(), flags=target)
    router.callback_query.register(send_confirmed, SendToCb.filter(), flags=target)
    router.callback_query.register(back_to_card, CardCb.filter())
    router.message.register(letters_typed, AdminPicker.narrowing, F.text, ~F.text.startswith("/"))
    return router
