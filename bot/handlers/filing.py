"""Filing a complaint, one answer at a time, ending in a summary the reporter checks and submits."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import date, datetime
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.replies import drop_keyboard
from bot.ui import dates, validation
from bot.ui import filing_steps as steps
from bot.ui.callbacks import (
    AttachmentsDoneCb,
    ConfidentialCb,
    DayCb,
    EditCb,
    IdentityCb,
    MenuCb,
    SubmitCb,
    SummaryEditCb,
)
from bot.ui.keyboards.menu import main_menu
from bot.ui.states import Filing
from bot.ui.texts import Texts, all_texts
from storage.complaints import ComplaintService
from storage.directory import Directory
from workflow.calendar import to_wib
from workflow.complaint import MAX_ATTACHMENTS, AttachmentDraft, AttachmentKind, ComplaintDraft
from workflow.identity import Identity, mask_nik, mask_phone

Clock = Callable[[], datetime]

# Typed answers: field -> parser(text, today in WIB) returning the JSON value kept in the draft.
TEXT_PARSERS: dict[str, Callable[[str, date], object]] = {
    "full_name": lambda text, _today: validation.full_name(text),
    "nik": lambda text, today: validation.nik(text, today=today),
    "phone": lambda text, _today: validation.phone(text),
    "address": lambda text, _today: validation.address(text),
    "subject": lambda text, _today: validation.subject(text),
    "chronology": lambda text, _today: validation.chronology(text),
    "event_date": lambda text, today: dates.event_date(text, today=today).isoformat(),
    "event_place": lambda text, _today: validation.event_place(text),
}
TEXT_STATES = tuple(steps.BY_NAME[name].state for name in TEXT_PARSERS if name != "phone")
BUTTON_STATES = (Filing.identity_choice, Filing.confidential, Filing.summary)
SKIP_TEXTS = all_texts("btn.skip")


def _today(clock: Clock) -> date:
    return to_wib(clock()).date()


def _field_of(state_name: str | None) -> steps.Field:
    return next(field for field in steps.FIELDS if field.state.state == state_name)


async def _store(field: str, value: object, message: Message, state: FSMContext, t: Texts) -> None:
    data = await state.get_data()
    updates: dict[str, Any] = {field: value}
    if field in steps.IDENTITY_FIELDS:
        updates[steps.FRESH_IDENTITY] = sorted({*data.get(steps.FRESH_IDENTITY, []), field})
    await state.update_data(updates)
    await steps.advance(field, message, state, t)


# -- starting --------------------------------------------------------------------------------------------


async def begin(
    message: Message,
    telegram_id: int,
    state: FSMContext,
    t: Texts,
    directory: Directory,
    *,
    intro: str = "filing.intro",
    purpose: dict[str, Any] | None = None,
    session: AsyncSession | None = None,
) -> None:
    """Start the conversation over; `purpose` (kept in the draft) tells another submit handler to take it
    (a complaint about the service, one an officer records), `intro` is the text key that opens it."""
    # Read before the first reply: the update's unit of work is committed then (bot/updates/once.py).
    reporter = await directory.reporter_by_telegram_id(telegram_id, session=session)
    await state.clear()
    await state.update_data({**(purpose or {}), steps.SUBMISSION_KEY: uuid.uuid4().hex})
    # Starting over from a step with a reply keyboard (phone, location) must not leave it on screen.
    await message.answer(t(intro), reply_markup=ReplyKeyboardRemove())
    if reporter is None or reporter.erased:  # an erased identity is asked for anew
        await state.update_data({steps.FIRST_STEP: 0})
        await steps.ask(steps.BY_NAME["full_name"], message, state, t)
        return
    await state.set_state(Filing.identity_choice)
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("btn.identity.use"), callback_data=IdentityCb(reuse=True))
    builder.button(text=t.plain("btn.identity.update"), callback_data=IdentityCb(reuse=False))
    await message.answer(
        t(
            "identity.saved",
            name=reporter.full_name,
            nik=mask_nik(reporter.nik),
            phone=mask_phone(reporter.phone),
            address=reporter.address,
        ),
        reply_markup=builder.as_markup(),
    )


async def new_command(
    message: Message, state: FSMContext, t: Texts, directory: Directory, session: AsyncSession | None = None
) -> None:
    assert message.from_user is not None
    await begin(message, message.from_user.id, state, t, directory, session=session)


async def new_button(
    query: CallbackQuery,
    state: FSMContext,
    t: Texts,
    directory: Directory,
    session: AsyncSession | None = None,
) -> None:
    await begin_pressed(query, state, t, directory, session)


async def begin_pressed(
    query: CallbackQuery,
    state: FSMContext,
    t: Texts,
    directory: Directory,
    session: AsyncSession | None,
    *,
    intro: str = "filing.intro",
    purpose: dict[str, Any] | None = None,
) -> None:
    """`begin` from a menu button."""
    # Answered after `begin`, whose reads come before its first reply: one transaction for the update.
    if isinstance(query.message, Message):
        await begin(
            query.message,
            query.from_user.id,
            state,
            t,
            directory,
            intro=intro,
            purpose=purpose,
            session=session,
        )
    await query.answer()


async def identity_chosen(
    query: CallbackQuery,
    callback_data: IdentityCb,
    state: FSMContext,
    t: Texts,
    directory: Directory,
    session: AsyncSession | None = None,
) -> None:
    reporter = await directory.reporter_by_telegram_id(query.from_user.id, session=session)
    await query.answer()
    await drop_keyboard(query)
    if not isinstance(query.message, Message):
        return
    if callback_data.reuse and reporter is not None and not reporter.erased:
        await state.update_data(
            {
                "full_name": reporter.full_name,
                "nik": reporter.nik,
                "phone": reporter.phone,
                "address": reporter.address,
                steps.FIRST_STEP: steps.FIRST_COMPLAINT_FIELD,
            }
        )
        await steps.ask(steps.BY_NAME["subject"], query.message, state, t)
    else:
        await state.update_data({steps.FIRST_STEP: 0})
        await steps.ask(steps.BY_NAME["full_name"], query.message, state, t)


# -- typed answers ---------------------------------------------------------------------------------------


async def typed_answer(message: Message, state: FSMContext, t: Texts, clock: Clock) -> None:
    assert message.text is not None
    field = _field_of(await state.get_state())
    try:
        if field.name == "phone":
            # Only an officer recording for a complainant abroad may type a foreign number (with its "+").
            recording = bool((await state.get_data()).get(steps.RECORDING))
            value: object = validation.phone(message.text, abroad_allowed=recording)
        else:
            value = TEXT_PARSERS[field.name](message.text, _today(clock))
    except validation.Invalid as refusal:
        values = dict(refusal.values)
        if refusal.key == "bad.event_date.future":
            values["today"] = t.date(_today(clock))
        await message.answer(t(refusal.key, **values))
        return
    await _store(field.name, value, message, state, t)


async def unknown_command(message: Message, t: Texts) -> None:
    # Known commands are routed before the conversation; anything else starting with "/" is no answer.
    await message.answer(t("hint.unknown_command"))


async def not_text(message: Message, t: Texts) -> None:
    await message.answer(t("hint.text_expected"))


async def shared_contact(message: Message, state: FSMContext, t: Texts) -> None:
    assert message.contact is not None
    assert message.from_user is not None
    # A contact card can be anyone's; only the sender's own number proves it reaches them.
    if message.contact.user_id != message.from_user.id:
        await message.answer(t("bad.contact_not_own"))
        return
    try:
        phone = validation.phone(message.contact.phone_number)
    except validation.Invalid as refusal:
        await message.answer(t(refusal.key))
        return
    await _store("phone", phone, message, state, t)


async def not_a_phone(message: Message, t: Texts) -> None:
    await message.answer(t("hint.phone_expected"))


async def day_pressed(
    query: CallbackQuery, callback_data: DayCb, state: FSMContext, t: Texts, clock: Clock
) -> None:
    await query.answer()
    await drop_keyboard(query)
    if isinstance(query.message, Message) and callback_data.ago in (0, 1):
        day = dates.days_ago(_today(clock), callback_data.ago)
        await _store("event_date", day.isoformat(), query.message, state, t)


# -- location --------------------------------------------------------------------------------------------


async def shared_location(message: Message, state: FSMContext, t: Texts) -> None:
    assert message.location is not None
    await state.update_data({"latitude": message.location.latitude, "longitude": message.location.longitude})
    await steps.advance("location", message, state, t)


async def skipped_location(message: Message, state: FSMContext, t: Texts) -> None:
    await state.update_data({"latitude": None, "longitude": None})
    await steps.advance("location", message, state, t)


async def not_a_location(message: Message, t: Texts) -> None:
    await message.answer(t("hint.location_expected"))


# -- attachments -----------------------------------------------------------------------------------------


async def _attach(message: Message, item: dict[str, Any], state: FSMContext, t: Texts) -> None:
    attachments: list[dict[str, Any]] = list((await state.get_data()).get("attachments", []))
    if len(attachments) >= MAX_ATTACHMENTS:
        await message.answer(
            t("attachment.too_many", max=MAX_ATTACHMENTS),
            reply_markup=steps.attachments_keyboard(t, done=True),
        )
        return
    size = item.get("size")
    if size is None:
        await message.answer(t("attachment.unknown_size"))
        return
    if size > validation.MAX_FILE_BYTES:
        await message.answer(
            t(
                "attachment.too_big",
                size_mb=f"{size / 1024 / 1024:.1f}",
                limit_mb=validation.MAX_FILE_BYTES // 1024 // 1024,
            )
        )
        return
    attachments.append(item)
    await state.update_data({"attachments": attachments})
    key = "attachment.full" if len(attachments) == MAX_ATTACHMENTS else "attachment.added"
    await message.answer(
        t(key, count=len(attachments), max=MAX_ATTACHMENTS),
        reply_markup=steps.attachments_keyboard(t, done=True),
    )


async def photo(message: Message, state: FSMContext, t: Texts) -> None:
    assert message.photo
    largest = message.photo[-1]
    item = {
        "file_id": largest.file_id,
        "file_unique_id": largest.file_unique_id,
        "kind": AttachmentKind.PHOTO.value,
        "file_name": None,
        "mime_type": "image/jpeg",
        "size": largest.file_size,
    }
    await _attach(message, item, state, t)


async def document(message: Message, state: FSMContext, t: Texts) -> None:
    assert message.document is not None
    doc = message.document
    item = {
        "file_id": doc.file_id,
        "file_unique_id": doc.file_unique_id,
        "kind": AttachmentKind.DOCUMENT.value,
        "file_name": doc.file_name,
        "mime_type": doc.mime_type,
        "size": doc.file_size,
    }
    await _attach(message, item, state, t)


async def attachments_done(query: CallbackQuery, state: FSMContext, t: Texts) -> None:
    await query.answer()
    await drop_keyboard(query)
    if isinstance(query.message, Message):
        await steps.advance("attachments", query.message, state, t)


async def attachments_skipped(message: Message, state: FSMContext, t: Texts) -> None:
    await steps.advance("attachments", message, state, t)


async def not_an_attachment(message: Message, t: Texts) -> None:
    await message.answer(t("hint.attachment_expected"), reply_markup=steps.attachments_keyboard(t, done=True))


# -- confidentiality, summary, submit --------------------------------------------------------------------


async def confidential_chosen(
    query: CallbackQuery, callback_data: ConfidentialCb, state: FSMContext, t: Texts
) -> None:
    await query.answer()
    await drop_keyboard(query)
    await state.update_data({"confidential": callback_data.value})
    if isinstance(query.message, Message):
        await steps.advance("confidential", query.message, state, t)


async def summary_edit(
    query: CallbackQuery, callback_data: SummaryEditCb, state: FSMContext, t: Texts
) -> None:
    """Open the list of answers to change, or go back from it: the summary's own message, edited."""
    await query.answer()
    if isinstance(query.message, Message):
        data = await state.get_data()
        markup = steps.fields_keyboard(t, data) if callback_data.open else steps.summary_keyboard(t, data)
        with suppress(TelegramBadRequest):  # pressed twice: the buttons are already these
            await query.message.edit_reply_markup(reply_markup=markup)


async def edit_field(query: CallbackQuery, callback_data: EditCb, state: FSMContext, t: Texts) -> None:
    await query.answer()
    await drop_keyboard(query)
    if isinstance(query.message, Message):
        await steps.ask(steps.BY_CODE[callback_data.field], query.message, state, t)


async def submit(
    query: CallbackQuery,
    state: FSMContext,
    t: Texts,
    directory: Directory,
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    if not isinstance(query.message, Message):
        await query.answer()
        return
    data = await state.get_data()
    # Filed before the press is answered: the reporter and the complaint are committed with the update's
    # other work, once, before the first reply.
    reporter = await directory.save_reporter(
        telegram_id=query.from_user.id, identity=identity_of(data), language=t.language, session=session
    )
    complaint = await complaints.submit(
        draft_of(data, reporter.id),
        reporter.as_actor(),
        submission_key=data.get(steps.SUBMISSION_KEY),
        session=session,
    )
    await state.clear()
    await query.answer()
    await drop_keyboard(query)
    await query.message.answer(
        t("submitted", number=complaint.tracking_number, deadline=t.wib_day(complaint.deadline)),
        reply_markup=main_menu(t),
    )


def identity_of(data: dict[str, Any]) -> Identity:
    return Identity(data["full_name"], data["nik"], data["phone"], data["address"])


def draft_of(data: dict[str, Any], reporter_id: int, **channel: Any) -> ComplaintDraft:
    """The filed answers as a draft; `channel` sets kind, channel and external reference when not defaults."""
    return ComplaintDraft(
        reporter_id=reporter_id,
        subject=data["subject"],
        chronology=data["chronology"],
        event_date=date.fromisoformat(data["event_date"]),
        event_place=data["event_place"],
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        confidential=bool(data.get("confidential")),
        attachments=tuple(
            AttachmentDraft(
                telegram_file_id=item["file_id"],
                kind=AttachmentKind(item["kind"]),
                file_unique_id=item.get("file_unique_id"),
                file_name=item.get("file_name"),
                mime_type=item.get("mime_type"),
                size=item.get("size"),
            )
            for item in data.get("attachments", [])
        ),
        **channel,
    )


async def buttons_expected(message: Message, t: Texts) -> None:
    await message.answer(t("hint.use_buttons"))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(new_command, Command("new"))
    router.callback_query.register(new_button, MenuCb.filter(F.action == "new"))
    router.callback_query.register(identity_chosen, Filing.identity_choice, IdentityCb.filter())
    router.message.register(unknown_command, StateFilter(*TEXT_STATES, Filing.phone), F.text.startswith("/"))
    router.message.register(typed_answer, StateFilter(*TEXT_STATES, Filing.phone), F.text)
    router.message.register(not_text, StateFilter(*TEXT_STATES))
    router.message.register(shared_contact, Filing.phone, F.contact)
    router.message.register(not_a_phone, Filing.phone)
    router.message.register(shared_location, Filing.location, F.location)
    router.message.register(skipped_location, Filing.location, F.text.in_(SKIP_TEXTS))
    router.message.register(skipped_location, Filing.location, Command("skip"))
    router.message.register(not_a_location, Filing.location)
    router.message.register(photo, Filing.attachments, F.photo)
    router.message.register(document, Filing.attachments, F.document)
    router.callback_query.register(attachments_done, Filing.attachments, AttachmentsDoneCb.filter())
    router.message.register(attachments_skipped, Filing.attachments, Command("skip"))
    router.message.register(not_an_attachment, Filing.attachments)
    router.callback_query.register(confidential_chosen, Filing.confidential, ConfidentialCb.filter())
    router.callback_query.register(day_pressed, Filing.event_date, DayCb.filter())
    router.callback_query.register(summary_edit, Filing.summary, SummaryEditCb.filter())
    router.callback_query.register(edit_field, Filing.summary, EditCb.filter(F.field.in_(steps.BY_CODE)))
    router.callback_query.register(submit, Filing.summary, SubmitCb.filter())
    router.message.register(buttons_expected, StateFilter(*BUTTON_STATES))
    return router
