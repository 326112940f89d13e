"""An officer records a complaint that came by telephone, email, website, Twitter, Instagram, at the counter,
or from another complaint system, on behalf of a citizen who is not on Telegram.

The officer chooses what it is (a LaporGub complaint, or one about the service itself), the channel or the
other system and its number, and how to reach the complainant; then the reporter's own conversation takes
over (`bot.ui.filing_steps`, `bot.handlers.filing`): the same identity and chronology steps, the same
validation, the same summary. Its submit is this module's, marked in the draft by `PURPOSE`: the complainant
is saved without a Telegram account and the complaint is filed with the officer as actor, so it enters the
same workflow and every message meant for the complainant becomes a relay task for the officer.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.filing import draft_of
from bot.handlers.replies import drop_keyboard
from bot.ui import filing_steps as steps
from bot.ui import validation
from bot.ui.callbacks import SubmitCb
from bot.ui.service_callbacks import RecordCb, RecordChannelCb, RecordKindCb, RecordSystemCb
from bot.ui.states import Filing
from bot.ui.texts import Texts
from storage.complaints import ComplaintService
from storage.relays import save_offline_reporter
from storage.views import AdminInfo
from workflow.actors import Role
from workflow.channels import EXTERNAL_SYSTEM_NAMES, Channel, ExternalReference, ExternalSystem
from workflow.definitions import ComplaintKind
from workflow.identity import Identity

# FSM data key of what the officer chose before the filing steps: kind, channel, system, number, contact.
PURPOSE = "recording"
# The officer's forms: each fact once, in the officer's words (text keys "officer.ask.*", "officer.label.*").
# The phone is asked only when the contact typed first is not one (linking needs its last digits); no
# location (the officer is not where it happened); a service complaint asks what service, what went wrong,
# when and where, and nothing an agency would see (no NIK or address, no confidentiality from an OPD).
FORMS: dict[ComplaintKind, tuple[str, ...]] = {
    ComplaintKind.LAPORGUB: (
        "full_name",
        "nik",
        "phone",
        "address",
        "subject",
        "chronology",
        "event_date",
        "event_place",
        "attachments",
        "confidential",
    ),
    ComplaintKind.SERVICE: ("full_name", "subject", "chronology", "event_date", "event_place"),
}
WORDS: dict[ComplaintKind, list[str]] = {
    ComplaintKind.LAPORGUB: ["officer."],
    ComplaintKind.SERVICE: ["officer.service.", "service.", "officer."],
}
CHANNELS: dict[ComplaintKind, tuple[Channel, ...]] = {
    ComplaintKind.LAPORGUB: (
        Channel.TELEPHONE,
        Channel.EMAIL,
        Channel.WEBSITE,
        Channel.TWITTER,
        Channel.INSTAGRAM,
        Channel.DIRECT,
    ),
    # The standard's service complaints come by telephone, email or in person to an officer.
    ComplaintKind.SERVICE: (Channel.TELEPHONE, Channel.EMAIL, Channel.DIRECT),
}


class Recording(StatesGroup):
    kind = State()
    channel = State()
    external_number = State()
    contact = State()


def officer_seat(admins: list[AdminInfo]) -> AdminInfo | None:
    return next((seat for seat in admins if seat.role is Role.OFFICER), None)


async def _recording(state: FSMContext) -> dict[str, Any]:
    return dict((await state.get_data()).get(PURPOSE) or {})


async def is_recording(_: object, state: FSMContext) -> bool:
    """The filing steps in progress are an officer's recording (their submit is this module's)."""
    return bool(await _recording(state))


# -- choosing what, from where, and how to reach the complainant ------------------------------------------


def _kind_keyboard(t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in ComplaintKind:
        builder.button(text=t.plain(f"officer.btn.kind.{kind}"), callback_data=RecordKindCb(kind=kind))
    builder.adjust(1)
    return builder.as_markup()


def _channel_keyboard(kind: ComplaintKind, t: Texts, *, systems: bool = True) -> InlineKeyboardMarkup:
    """The channels; for a LaporGub complaint also the other systems, whose number is asked before the
    channel (a reference is kept beside the channel, never instead of it)."""
    builder = InlineKeyboardBuilder()
    for channel in CHANNELS[kind]:
        builder.button(
            text=t.plain(f"admin.channel.{channel}"), callback_data=RecordChannelCb(channel=channel)
        )
    if kind is ComplaintKind.LAPORGUB and systems:
        for system, name in EXTERNAL_SYSTEM_NAMES.items():
            builder.button(
                text=t.plain("officer.btn.system", system=name), callback_data=RecordSystemCb(system=system)
            )
    builder.adjust(2)
    return builder.as_markup()


async def start(message: Message, state: FSMContext, t: Texts, admins: list[AdminInfo]) -> None:
    if officer_seat(admins) is None:
        await message.answer(t("officer.not_officer"))
        return
    await state.clear()
    await state.set_state(Recording.kind)
    await message.answer(t("officer.kind.ask"), reply_markup=_kind_keyboard(t))


async def start_button(query: CallbackQuery, state: FSMContext, t: Texts, admins: list[AdminInfo]) -> None:
    if officer_seat(admins) is None:
        await query.answer(t.plain("admin.refused.not_admin"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await start(query.message, state, t, admins)


async def kind_chosen(query: CallbackQuery, callback_data: RecordKindCb, state: FSMContext, t: Texts) -> None:
    if callback_data.kind not in set(ComplaintKind):
        await query.answer(t.plain("button.expired"), show_alert=True)
        return
    kind = ComplaintKind(callback_data.kind)
    await query.answer()
    await drop_keyboard(query)
    await state.update_data({PURPOSE: {"kind": kind.value}})
    await state.set_state(Recording.channel)
    if isinstance(query.message, Message):
        await query.message.answer(t("officer.channel.ask"), reply_markup=_channel_keyboard(kind, t))


async def channel_chosen(
    query: CallbackQuery, callback_data: RecordChannelCb, state: FSMContext, t: Texts
) -> None:
    recording = await _recording(state)
    kind = ComplaintKind(recording.get("kind", ComplaintKind.LAPORGUB))
    if callback_data.channel not in CHANNELS[kind]:
        await query.answer(t.plain("button.expired"), show_alert=True)
        return
    await query.answer()
    await drop_keyboard(query)
    await state.update_data({PURPOSE: {**recording, "channel": callback_data.channel}})
    if isinstance(query.message, Message):
        await _ask_contact(query.message, state, t)


async def system_chosen(
    query: CallbackQuery, callback_data: RecordSystemCb, state: FSMContext, t: Texts
) -> None:
    recording = await _recording(state)
    if (
        recording.get("kind") != ComplaintKind.LAPORGUB
        or callback_data.system not in set(ExternalSystem)
        or recording.get("system")
    ):
        await query.answer(t.plain("button.expired"), show_alert=True)
        return
    await query.answer()
    await drop_keyboard(query)
    system = ExternalSystem(callback_data.system)
    await state.update_data({PURPOSE: {**recording, "system": system.value}})
    await state.set_state(Recording.external_number)
    if isinstance(query.message, Message):
        await query.message.answer(t("officer.external.ask", system=EXTERNAL_SYSTEM_NAMES[system]))


async def external_number_typed(message: Message, state: FSMContext, t: Texts) -> None:
    assert message.text is not None
    try:
        number = validation.external_number(message.text)
    except validation.Invalid as refusal:
        await message.answer(t(refusal.key, **refusal.values))
        return
    recording = {**await _recording(state), "number": number}
    await state.update_data({PURPOSE: recording})
    # The reference says where else it is filed; how it reached the office is still to be told.
    await state.set_state(Recording.channel)
    system = EXTERNAL_SYSTEM_NAMES[ExternalSystem(recording["system"])]
    await message.answer(
        t("officer.channel.after_reference", system=system, number=number),
        reply_markup=_channel_keyboard(ComplaintKind.LAPORGUB, t, systems=False),
    )


async def _ask_contact(message: Message, state: FSMContext, t: Texts) -> None:
    await state.set_state(Recording.contact)
    await message.answer(t("officer.contact.ask"))


async def contact_typed(message: Message, state: FSMContext, t: Texts) -> None:
    assert message.text is not None
    recording = await _recording(state)
    try:
        contact, reached_by = validation.contact(message.text, channel=Channel(recording["channel"]))
    except validation.Invalid as refusal:
        await message.answer(t(refusal.key, **refusal.values))
        return
    kind = ComplaintKind(recording["kind"])
    form = list(FORMS[kind])
    updates: dict[str, Any] = {
        PURPOSE: {**recording, "contact": contact, "contact_channel": reached_by.value},
        steps.FIRST_STEP: 0,
        steps.WORDS: WORDS[kind],
    }
    if reached_by is Channel.TELEPHONE:
        # The contact is the phone: typed once.
        updates.update({"phone": contact, steps.FRESH_IDENTITY: ["phone"]})
        if "phone" in form:
            form.remove("phone")
    updates[steps.FORM] = form
    await state.update_data(updates)
    # From here on the filing steps, in the officer's form: identity, what happened, files, summary.
    await steps.ask(steps.BY_NAME["full_name"], message, state, t)


async def text_expected(message: Message, t: Texts) -> None:
    await message.answer(t("hint.text_expected"))


async def buttons_expected(message: Message, t: Texts) -> None:
    await message.answer(t("hint.use_buttons"))


# -- submitting ------------------------------------------------------------------------------------------


def _identity(data: dict[str, Any]) -> Identity:
    """What the officer's form asked of the complainant; a service complaint asks no NIK or address."""
    return Identity(data["full_name"], data.get("nik", ""), data.get("phone", ""), data.get("address", ""))


async def submit(
    query: CallbackQuery,
    state: FSMContext,
    t: Texts,
    admins: list[AdminInfo],
    complaints: ComplaintService,
    session: AsyncSession | None = None,
) -> None:
    officer = officer_seat(admins)
    if officer is None:
        # Deactivated while recording: the draft stays, in case a colleague's seat is given back.
        await query.answer(t.plain("admin.refused.not_admin"), show_alert=True)
        return
    if not isinstance(query.message, Message):
        await query.answer()
        return
    data = await state.get_data()
    recording = dict(data[PURPOSE])
    kind = ComplaintKind(recording["kind"])
    reporter = await save_offline_reporter(
        complaints.sessions,
        identity=_identity(data),
        contact=recording["contact"],
        contact_channel=Channel(recording["contact_channel"]),
        language=t.language,
        session=session,
    )
    external = (
        ExternalReference(ExternalSystem(recording["system"]), recording["number"])
        if recording.get("system")
        else None
    )
    draft = draft_of(
        data, reporter.id, kind=kind, channel=Channel(recording["channel"]), external_ref=external
    )
    complaint = await complaints.submit(
        draft,
        officer.as_actor(),
        # A service complaint is about the officer's own office, and stays with it.
        service_org_id=officer.org.id if kind is ComplaintKind.SERVICE else None,
        submission_key=data.get(steps.SUBMISSION_KEY),
        session=session,
    )
    # Answered once it is filed: the update's work is committed once, before this first reply.
    await query.answer()
    await state.clear()
    await drop_keyboard(query)
    channel = t.plain(f"admin.channel.{complaint.channel}")
    if external is not None:
        channel = f"{channel}, {external}"
    await query.message.answer(
        t(
            "officer.recorded",
            number=complaint.tracking_number,
            channel=channel,
            name=reporter.full_name,
            contact=recording["contact"],
        )
    )


def create_router() -> Router:
    router = Router(name=__name__)
    # The complainant's personal data is typed here: private chats only.
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    is_answer = F.text & ~F.text.startswith("/")
    # Commands (/cancel, /start) pass on to their own handlers.
    no_command = ~F.text.startswith("/")
    router.message.register(start, Command("catat", "record"))
    router.callback_query.register(start_button, RecordCb.filter())
    router.callback_query.register(kind_chosen, Recording.kind, RecordKindCb.filter())
    router.callback_query.register(channel_chosen, Recording.channel, RecordChannelCb.filter())
    router.callback_query.register(system_chosen, Recording.channel, RecordSystemCb.filter())
    router.message.register(external_number_typed, Recording.external_number, is_answer)
    router.message.register(contact_typed, Recording.contact, is_answer)
    router.message.register(
        text_expected, StateFilter(Recording.external_number, Recording.contact), no_command
    )
    router.message.register(buttons_expected, StateFilter(Recording.kind, Recording.channel), no_command)
    router.callback_query.register(submit, Filing.summary, SubmitCb.filter(), is_recording)
    return router
