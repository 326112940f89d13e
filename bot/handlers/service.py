"""Complaints about the service itself (Pengaduan Layanan), from the reporter's side, and /kontak.

The reporter files one from the main menu through the same conversation as a LaporGub complaint
(`bot.handlers.filing`), marked by `PURPOSE`; this module's submit sends it to the service office
(`ServiceDesk.office_code`). An officer's response reaches the reporter with "solved" / "not solved"
buttons (`bot.notices.service_response`); "not solved" asks what is still wrong and passes the complaint to
the complaints official. The officers and the official act from their cards like every admin.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.filing import begin_pressed, draft_of, identity_of
from bot.handlers.ownership import own_complaint
from bot.handlers.replies import drop_keyboard
from bot.ui import filing_steps as steps
from bot.ui import validation
from bot.ui.callbacks import MenuCb, SubmitCb
from bot.ui.filing_steps import SUBMISSION_KEY
from bot.ui.keyboards.menu import main_menu
from bot.ui.service_callbacks import ServiceAnswerCb
from bot.ui.service_desk import ServiceDesk
from bot.ui.states import Filing, is_filing
from bot.ui.texts import Html, Texts
from storage.complaints import ComplaintService
from storage.directory import Directory
from workflow.actors import OrgKind
from workflow.definitions import SS, ST, ComplaintKind
from workflow.errors import WorkflowError

log = logging.getLogger(__name__)

# FSM data key marking the filing steps in progress as a complaint about the service.
PURPOSE = "service_complaint"
# A service complaint's own form, in its own words ("service.ask.*"): who complains, what service, what went
# wrong, when, where, and any files; no location and no confidentiality step (no agency ever sees it).
FORM = (
    "full_name",
    "nik",
    "phone",
    "address",
    "subject",
    "chronology",
    "event_date",
    "event_place",
    "attachments",
)
MAX_REASON = 1000
# FSM data key of a "not solved" waiting for its reason: complaint, version, the response message.
PENDING = "service_pending"


class ServiceAnswer(StatesGroup):
    reason = State()


def contacts_text(desk: ServiceDesk, t: Texts) -> Html:
    """The office's service-complaint channels, as configured (settings SERVICE_*)."""
    lines = [t("contacts.title", office=desk.office_name, address=desk.address), "", t("contacts.intro")]
    if desk.phones:
        lines.append(t("contacts.phones", phones=" / ".join(desk.phones)))
    for key, value in (
        ("email", desk.email),
        ("website", desk.website),
        ("twitter", desk.twitter),
        ("instagram", desk.instagram),
    ):
        if value:
            lines.append(t(f"contacts.{key}", value=value))
    if desk.official:
        lines.append(t("contacts.official", official=desk.official, phone=desk.official_phone))
    lines += ["", t("contacts.counter"), t("contacts.in_bot")]
    return Html("\n".join(lines))


async def contacts(message: Message, t: Texts, service_desk: ServiceDesk) -> None:
    await message.answer(contacts_text(service_desk, t))


async def contacts_button(query: CallbackQuery, t: Texts, service_desk: ServiceDesk) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(contacts_text(service_desk, t))


# -- filing ----------------------------------------------------------------------------------------------


async def is_service_complaint(_: object, state: FSMContext) -> bool:
    return bool((await state.get_data()).get(PURPOSE))


async def start(
    query: CallbackQuery,
    state: FSMContext,
    t: Texts,
    directory: Directory,
    session: AsyncSession | None = None,
) -> None:
    purpose = {PURPOSE: True, steps.FORM: list(FORM), steps.WORDS: ["service."]}
    await begin_pressed(query, state, t, directory, session, intro="service.intro", purpose=purpose)


async def submit(
    query: CallbackQuery,
    state: FSMContext,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    service_desk: ServiceDesk,
    session: AsyncSession | None = None,
) -> None:
    if not isinstance(query.message, Message):
        await query.answer()
        return
    office = await directory.organisation_by_code(service_desk.office_code, session=session)
    if office is None or office.kind is not OrgKind.CITY or not office.active:
        log.error("SERVICE_OFFICE_CODE %s names no active Dinkominfo office", service_desk.office_code)
        await query.answer()
        await query.message.answer(t("service.unavailable"))
        return
    data = await state.get_data()
    reporter = await directory.save_reporter(
        telegram_id=query.from_user.id, identity=identity_of(data), language=t.language, session=session
    )
    complaint = await complaints.submit(
        draft_of(data, reporter.id, kind=ComplaintKind.SERVICE),
        reporter.as_actor(),
        service_org_id=office.id,
        submission_key=data.get(SUBMISSION_KEY),
        session=session,
    )
    # Answered once it is filed: the update's work is committed once, before this first reply.
    await query.answer()
    await state.clear()
    await drop_keyboard(query)
    await query.message.answer(
        t("service.submitted", number=complaint.tracking_number, office=office.name),
        reply_markup=main_menu(t),
    )


# -- the complainant's answer to a response --------------------------------------------------------------


async def answer_pressed(
    query: CallbackQuery,
    callback_data: ServiceAnswerCb,
    state: FSMContext,
    bot: Bot,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    owned = await own_complaint(directory, complaints, query.from_user.id, callback_data.c, session=session)
    if owned is None:
        await query.answer(t.plain("result.foreign"), show_alert=True)
        return
    reporter, complaint = owned
    if complaint.state != SS.RESPONDED or complaint.version != callback_data.v:
        await query.answer(t.plain("service.answer.stale"), show_alert=True)
        await drop_keyboard(query)
        return
    if callback_data.solved:
        try:
            await complaints.fire(
                complaint.id,
                reporter.as_actor(),
                ST.CONFIRM_SOLVED,
                seen_version=callback_data.v,
                session=session,
            )
        except WorkflowError:
            await query.answer(t.plain("service.answer.stale"), show_alert=True)
            await drop_keyboard(query)
            return
        await query.answer()
        await drop_keyboard(query)
        await bot.send_message(query.from_user.id, t("service.solved", number=complaint.tracking_number))
        return
    if await is_filing(state):
        # Asking for a reason would take over the complaint being filed.
        await query.answer(t.plain("service.answer.busy"), show_alert=True)
        return
    await query.answer()
    message_id = query.message.message_id if query.message is not None else None
    await state.set_state(ServiceAnswer.reason)
    await state.update_data({PENDING: {"c": complaint.id, "v": callback_data.v, "m": message_id}})
    await bot.send_message(query.from_user.id, t("service.not_solved.ask", max=MAX_REASON))


async def reason_typed(
    message: Message,
    state: FSMContext,
    bot: Bot,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    assert message.text is not None
    assert message.from_user is not None
    reason = validation.visible(message.text, multiline=True)
    if not reason or len(reason) > MAX_REASON:
        await message.answer(t("service.not_solved.bad", max=MAX_REASON))
        return
    pending = (await state.get_data()).get(PENDING) or {}
    await state.clear()
    reporter = await directory.reporter_by_telegram_id(message.from_user.id, session=session)
    complaint = await complaints.get(pending["c"], session=session) if pending else None
    if reporter is None or complaint is None or complaint.reporter_id != reporter.id:
        await message.answer(t("service.answer.stale"))
        return
    try:
        await complaints.fire(
            complaint.id,
            reporter.as_actor(),
            ST.NOT_SOLVED,
            seen_version=pending["v"],
            reason=reason,
            session=session,
        )
    except WorkflowError:
        await message.answer(t("service.answer.stale"))
        return
    if pending.get("m") is not None:
        with suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=pending["m"], reply_markup=None
            )
    await message.answer(t("service.escalated", number=complaint.tracking_number))


async def reason_expected(message: Message, t: Texts) -> None:
    await message.answer(t("service.not_solved.bad", max=MAX_REASON))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(contacts, Command("kontak", "contacts"))
    router.callback_query.register(contacts_button, MenuCb.filter(F.action == "contacts"))
    router.callback_query.register(start, MenuCb.filter(F.action == "service"))
    router.callback_query.register(submit, Filing.summary, SubmitCb.filter(), is_service_complaint)
    router.callback_query.register(answer_pressed, ServiceAnswerCb.filter())
    router.message.register(reason_typed, StateFilter(ServiceAnswer.reason), F.text, ~F.text.startswith("/"))
    router.message.register(reason_expected, StateFilter(ServiceAnswer.reason), ~F.text.startswith("/"))
    return router
