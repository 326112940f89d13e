"""A reporter's own complaints: the list, one complaint's detail and history, tracking by number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.replies import answer_long
from bot.ui.callbacks import ComplaintCb, MenuCb
from bot.ui.display import fit
from bot.ui.states import is_filing
from bot.ui.texts import Html, Texts
from bot.ui.validation import looks_like_tracking_number, tracking_number
from storage.complaints import ComplaintService
from storage.directory import Directory
from storage.duplicates import LINK, UNLINK
from storage.views import ComplaintInfo, EventInfo
from workflow.actors import Role
from workflow.definitions import T
from workflow.sla import WAITING_STAGES

Clock = Callable[[], datetime]

# Events that name where the complaint went; the reporter may know which office holds it, never who.
_NAMES_ORGANISATION = frozenset({T.DISPOSE, T.FORWARD})


async def _reporter_id(directory: Directory, telegram_id: int, session: AsyncSession | None) -> int | None:
    reporter = await directory.reporter_by_telegram_id(telegram_id, session=session)
    return reporter.id if reporter else None


async def _list(
    message: Message,
    telegram_id: int,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    session: AsyncSession | None,
) -> None:
    reporter_id = await _reporter_id(directory, telegram_id, session)
    items = (
        await complaints.reporter_complaints(reporter_id, session=session) if reporter_id is not None else []
    )
    if not items:
        await message.answer(t("mine.empty"))
        return
    lines = [t("mine.title"), ""]
    lines += [
        t("mine.item", number=item.tracking_number, subject=item.subject, state=state_words(item, t))
        for item in items
    ]
    await answer_long(message, "\n".join(lines), reply_markup=_list_keyboard(items, t))


def _list_keyboard(items: list[ComplaintInfo], t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        builder.button(
            text=t.plain("btn.complaint", number=item.tracking_number), callback_data=ComplaintCb(id=item.id)
        )
    builder.adjust(2)
    return builder.as_markup()


def state_words(complaint: ComplaintInfo, t: Texts) -> str:
    return t.plain(f"state.{complaint.kind.value}.{complaint.state}")


async def my_complaints(
    message: Message,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    assert message.from_user is not None
    await _list(message, message.from_user.id, t, directory, complaints, session)


async def my_complaints_button(
    query: CallbackQuery,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    # Answered after the list's reads, which come before its first reply: one transaction for the update.
    if isinstance(query.message, Message):
        await _list(query.message, query.from_user.id, t, directory, complaints, session)
    await query.answer()


async def complaint_button(
    query: CallbackQuery,
    callback_data: ComplaintCb,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    clock: Clock,
    session: AsyncSession | None = None,
) -> None:
    if not isinstance(query.message, Message):
        await query.answer()
        return
    # Callback data can be forged by a modified client: the id proves nothing about ownership.
    reporter_id = await _reporter_id(directory, query.from_user.id, session)
    complaint = await complaints.get(callback_data.id, session=session)
    if complaint is None or reporter_id is None or complaint.reporter_id != reporter_id:
        await query.answer()
        await query.message.answer(t("track.not_found"))
        return
    # Answered after the detail's reads (which come before its first reply): one transaction for the update.
    await _detail(query.message, complaint, t, directory, complaints, clock(), session)
    await query.answer()


async def track_command(
    message: Message,
    command: CommandObject,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    clock: Clock,
    session: AsyncSession | None = None,
) -> None:
    if not command.args:
        await message.answer(t("track.ask"))
        return
    assert message.from_user is not None
    await _track(message, message.from_user.id, command.args, t, directory, complaints, clock(), session)


async def track_button(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        # While filing, a typed number would be taken as the answer to the current step.
        await query.message.answer(t("busy.filing") if await is_filing(state) else t("track.ask"))


async def track_typed(
    message: Message,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    clock: Clock,
    session: AsyncSession | None = None,
) -> None:
    assert message.from_user is not None
    assert message.text is not None
    await _track(message, message.from_user.id, message.text, t, directory, complaints, clock(), session)


async def _track(
    message: Message,
    telegram_id: int,
    text: str,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    now: datetime,
    session: AsyncSession | None,
) -> None:
    number = tracking_number(text)
    reporter_id = await _reporter_id(directory, telegram_id, session)
    complaint = (
        await complaints.reporters_own(reporter_id, number, session=session)
        if number is not None and reporter_id is not None
        else None
    )
    if complaint is None:
        # One answer for "someone else's" and "does not exist": a number must not confirm it is in use.
        await message.answer(t("track.not_found"))
        return
    await _detail(message, complaint, t, directory, complaints, now, session)


async def _detail(
    message: Message,
    complaint: ComplaintInfo,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    now: datetime,
    session: AsyncSession | None,
) -> None:
    """The complaint and its timeline: every step in the reporter's words, a move to another office than the
    one named before shown as such, and an apology while it is past its deadline."""
    history = []
    named: dict[str, set[int | None]] = {}
    for event in await complaints.history(complaint.id, session=session):
        earlier = named.setdefault(event.trigger, set())
        moved = event.trigger in _NAMES_ORGANISATION and bool(earlier) and event.to_org_id not in earlier
        earlier.add(event.to_org_id)
        history.append(await _event_words(event, complaint, t, directory, session, moved=moved))
    tail = ""
    if complaint.state in WAITING_STAGES and now > complaint.deadline:
        tail += t("detail.overdue")
    if complaint.result_text and complaint.state in ("resolved", "closed"):
        tail += t("detail.result", result=complaint.result_text)
    if history:
        tail += t("detail.history", lines=Html("\n".join(history)))

    def render(chronology: Html) -> Html:
        head = t(
            "detail",
            number=complaint.tracking_number,
            subject=complaint.subject,
            state=state_words(complaint, t),
            received=t.moment(complaint.received_at),
            deadline=t.wib_day(complaint.deadline),
            event_date=t.date(complaint.event_date),
            place=complaint.event_place,
            confidential=t.plain("value.yes") if complaint.confidential else t.plain("value.no"),
            chronology=chronology,
        )
        return Html(head + tail)

    await answer_long(message, fit(render, complaint.chronology, t))


async def _event_words(
    event: EventInfo,
    complaint: ComplaintInfo,
    t: Texts,
    directory: Directory,
    session: AsyncSession | None,
    *,
    moved: bool = False,
) -> str:
    key = f"event.{complaint.kind.value}.{event.trigger}" + ("_moved" if moved else "")
    values: dict[str, object] = {"reason": event.reason or ""}
    if event.trigger in (LINK, UNLINK):
        values["earlier"] = event.note or ""  # the earlier complaint's number
    if event.trigger in _NAMES_ORGANISATION:
        org = None
        if event.to_org_id is not None:
            org = await directory.organisation(event.to_org_id, session=session)
        values["org"] = org.name if org else t.plain("org.unknown")
    if event.actor_role == Role.OFFICER and f"{key}.by_officer" in t.table:
        # An answer an officer gave for the complainant (before they linked it) is not called theirs.
        key = f"{key}.by_officer"
    what = t(key, **values) if key in t.table else t("event.other")
    return t("history.line", at=t.moment(event.at), what=what)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(my_complaints, Command("my"))
    router.callback_query.register(my_complaints_button, MenuCb.filter(F.action == "mine"))
    router.callback_query.register(complaint_button, ComplaintCb.filter())
    router.message.register(track_command, Command("track"))
    router.callback_query.register(track_button, MenuCb.filter(F.action == "track"))
    router.message.register(track_typed, StateFilter(None), F.text.func(looks_like_tracking_number))
    return router
