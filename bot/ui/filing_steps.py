"""The steps of filing a complaint: their order, their prompts and the summary before submitting.

The draft lives in the FSM data (JSON only, so it survives a restart in `fsm_states`), under the keys below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ui.callbacks import (
    AttachmentsDoneCb,
    CancelCb,
    ConfidentialCb,
    DayCb,
    EditCb,
    FieldCode,
    SubmitCb,
    SummaryEditCb,
)
from bot.ui.display import fit
from bot.ui.states import Filing
from bot.ui.texts import Html, Texts, as_html
from bot.ui.validation import MAX_FILE_BYTES, is_abroad
from workflow.complaint import MAX_ATTACHMENTS, MAX_CHRONOLOGY_LENGTH, MAX_SUBJECT_LENGTH, AttachmentKind
from workflow.identity import mask_nik, mask_phone


@dataclass(frozen=True)
class Field:
    name: str  # the FSM data key and the text-key suffix (ask.<name>, label.<name>)
    code: FieldCode  # in EditCb: callback data stays short
    state: State


FIELDS: tuple[Field, ...] = (
    Field("full_name", "nm", Filing.full_name),
    Field("nik", "nk", Filing.nik),
    Field("phone", "ph", Filing.phone),
    Field("address", "ad", Filing.address),
    Field("subject", "sj", Filing.subject),
    Field("chronology", "ch", Filing.chronology),
    Field("event_date", "dt", Filing.event_date),
    Field("event_place", "pl", Filing.event_place),
    Field("location", "lc", Filing.location),
    Field("attachments", "at", Filing.attachments),
    Field("confidential", "cf", Filing.confidential),
)
BY_NAME = {field.name: field for field in FIELDS}
BY_CODE = {field.code: field for field in FIELDS}
IDENTITY_FIELDS = ("full_name", "nik", "phone", "address")
FIRST_COMPLAINT_FIELD = FIELDS.index(BY_NAME["subject"])

# FSM data keys besides the fields' own.
EDITING = "editing"  # the summary was shown: after an answer, go back to it instead of to the next step
FIRST_STEP = "first_step"  # 0, or the subject's index when a saved identity is reused (for "Step n/m")
# The conversation's own key: its confirmation, however often handled (a replay after a crash), files once.
SUBMISSION_KEY = "submission_key"
FRESH_IDENTITY = "fresh_identity"  # identity fields typed in this conversation (shown in full on the summary)
# An officer's recording is on: bot.handlers.officer_recording keeps its choices under this key.
RECORDING = "recording"
REPLY_KEYBOARD = "reply_keyboard"  # a reply keyboard is up and must be taken down before the next prompt
# A form of its own (an officer's recording, a service complaint): the names of the fields it asks, in order
# (absent: every field), and the text-key prefixes its prompts and labels are looked up under first (say
# "officer." for "officer.ask.full_name"), falling back to the reporter's own words.
FORM = "form"
WORDS = "words"


def form_of(data: dict[str, Any]) -> tuple[Field, ...]:
    names = data.get(FORM)
    return tuple(BY_NAME[name] for name in names) if names else FIELDS


def words(data: dict[str, Any], t: Texts, kind: str, name: str) -> str:
    """The text key of a field's prompt (`kind` "ask") or label ("label") in this conversation's words."""
    for prefix in (*data.get(WORDS, ()), ""):
        key = f"{prefix}{kind}.{name}"
        if key in t.table:
            return key
    return f"{kind}.{name}"


def next_field(name: str, form: tuple[Field, ...] = FIELDS) -> Field | None:
    if BY_NAME[name] not in form:
        return None
    index = form.index(BY_NAME[name]) + 1
    return form[index] if index < len(form) else None


def _first_complaint_step(form: tuple[Field, ...]) -> int:
    return next((i for i, field in enumerate(form) if field.name not in IDENTITY_FIELDS), 0)


async def ask(field: Field, message: Message, state: FSMContext, t: Texts) -> None:
    """Put the conversation on `field` and ask for it."""
    data = await state.get_data()
    form = form_of(data)
    # FIRST_STEP is non-zero when a saved identity is reused: the steps count from the complaint's first.
    first = _first_complaint_step(form) if int(data.get(FIRST_STEP, 0)) else 0
    position = form.index(field) if field in form else FIELDS.index(field)
    if position < first:
        # A reused identity is being edited from the summary: it is part of this conversation now.
        first = 0
        await state.update_data({FIRST_STEP: 0})
    step = position - first + 1
    total = len(form) - first
    text = t(
        words(data, t, "ask", field.name),
        step=step,
        total=total,
        limit={"subject": MAX_SUBJECT_LENGTH, "chronology": MAX_CHRONOLOGY_LENGTH}.get(field.name, ""),
        max=MAX_ATTACHMENTS,
        size_mb=MAX_FILE_BYTES // (1024 * 1024),
    )
    updates: dict[str, Any] = {}
    if field.name == "attachments":
        updates["attachments"] = []
    # Someone recording for another person types their number: "share my contact" would share their own.
    markup: ReplyKeyboardMarkup | InlineKeyboardMarkup | ReplyKeyboardRemove | None = _markup(
        field, t, share_contact=not data.get(WORDS)
    )
    if isinstance(markup, InlineKeyboardMarkup):
        await take_down_reply_keyboard(message, state, t)
    elif markup is None and data.get(REPLY_KEYBOARD):
        markup = ReplyKeyboardRemove()
    updates[REPLY_KEYBOARD] = isinstance(markup, ReplyKeyboardMarkup)
    await state.update_data(updates)
    await state.set_state(field.state)
    await message.answer(text, reply_markup=markup)


async def take_down_reply_keyboard(message: Message, state: FSMContext, t: Texts) -> None:
    """An inline keyboard cannot share a message with a reply-keyboard removal, so a short note carries it."""
    if (await state.get_data()).get(REPLY_KEYBOARD):
        await message.answer(t("ack.saved"), reply_markup=ReplyKeyboardRemove())
        await state.update_data({REPLY_KEYBOARD: False})


def _markup(
    field: Field, t: Texts, *, share_contact: bool = True
) -> ReplyKeyboardMarkup | InlineKeyboardMarkup | None:
    if field.name == "phone" and share_contact:
        return ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text=t.plain("btn.share_contact"), request_contact=True)]],
            resize_keyboard=True,
        )
    if field.name == "location":
        return ReplyKeyboardMarkup(
            keyboard=[
                [KeyboardButton(text=t.plain("btn.share_location"), request_location=True)],
                [KeyboardButton(text=t.plain("btn.skip"))],
            ],
            resize_keyboard=True,
        )
    if field.name == "event_date":
        # The usual answers as buttons; any other date is typed.
        builder = InlineKeyboardBuilder()
        builder.button(text=t.plain("btn.date.today"), callback_data=DayCb(ago=0))
        builder.button(text=t.plain("btn.date.yesterday"), callback_data=DayCb(ago=1))
        return builder.as_markup()
    if field.name == "attachments":
        return attachments_keyboard(t, done=False)
    if field.name == "confidential":
        builder = InlineKeyboardBuilder()
        builder.button(text=t.plain("btn.yes_confidential"), callback_data=ConfidentialCb(value=True))
        builder.button(text=t.plain("btn.no_confidential"), callback_data=ConfidentialCb(value=False))
        return builder.as_markup()
    return None


def attachments_keyboard(t: Texts, *, done: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    label = "btn.attachments.done" if done else "btn.attachments.skip"
    builder.button(text=t.plain(label), callback_data=AttachmentsDoneCb())
    return builder.as_markup()


async def advance(after: str, message: Message, state: FSMContext, t: Texts) -> None:
    """The answer to `after` is stored: ask the next step, or show the summary again when editing."""
    data = await state.get_data()
    following = next_field(after, form_of(data))
    if data.get(EDITING) or following is None:
        await show_summary(message, state, t)
    else:
        await ask(following, message, state, t)


# -- the summary -----------------------------------------------------------------------------------------


def attachment_counts(attachments: list[dict[str, Any]]) -> tuple[int, int]:
    photos = sum(1 for item in attachments if item["kind"] == AttachmentKind.PHOTO)
    return photos, len(attachments) - photos


def summary_text(data: dict[str, Any], t: Texts) -> Html:
    # A NIK or phone typed moments ago is shown in full so the person can catch a typo before it reaches the
    # government; one that came from storage was checked before and stays masked, like everywhere else.
    fresh = set(data.get(FRESH_IDENTITY, []))
    asked = {field.name for field in form_of(data)}
    nik = data.get("nik", "") if "nik" in fresh else mask_nik(data.get("nik", ""))
    phone = data.get("phone", "") if "phone" in fresh else mask_phone(data.get("phone", ""))
    if is_abroad(data.get("phone", "")):
        phone = t.plain("value.phone_abroad", phone=phone)
    location = (
        t("value.location", lat=f"{data['latitude']:.5f}", lon=f"{data['longitude']:.5f}")
        if data.get("latitude") is not None
        else t("value.none")
    )
    photos, documents = attachment_counts(data.get("attachments", []))
    rows = [
        ("full_name", data["full_name"]),
        ("nik", nik),
        ("phone", phone),
        ("address", data.get("address", "")),
        ("subject", data["subject"]),
        ("event_date", t.date(date.fromisoformat(data["event_date"]))),
        ("event_place", data["event_place"]),
        ("location", location),
        ("attachments", t("value.attachments", photos=photos, documents=documents)),
        ("confidential", t("value.yes") if data.get("confidential") else t("value.no")),
    ]
    # A form of its own shows what it asked, and the phone it was given with the contact.
    rows = [(name, value) for name, value in rows if name in asked or (name == "phone" and data.get(name))]

    def render(chronology: Html) -> Html:
        lines = [t("summary.title"), ""]
        lines += [f"<b>{t(words(data, t, 'label', name))}</b>: {as_html(value)}" for name, value in rows]
        label = t(words(data, t, "label", "chronology"))
        lines += ["", f"<b>{label}</b>:", chronology, "", t("summary.footer")]
        return Html("\n".join(lines))

    return fit(render, data["chronology"], t)


def summary_keyboard(t: Texts, data: dict[str, Any] | None = None) -> InlineKeyboardMarkup:
    """The one thing to do, alone on the first row; changing an answer is one button that opens the list
    (`data`: the conversation, whose form decides that list; the keyboard itself is the same for all)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("btn.submit"), callback_data=SubmitCb())
    builder.button(text=t.plain("btn.summary.edit"), callback_data=SummaryEditCb(open=True))
    builder.button(text=t.plain("btn.cancel"), callback_data=CancelCb())
    builder.adjust(1, 2)
    return builder.as_markup()


def fields_keyboard(t: Texts, data: dict[str, Any] | None = None) -> InlineKeyboardMarkup:
    """The summary's "edit" list: a button per answer of the conversation's form, two a row, and the way back
    to the summary's own."""
    data = data or {}
    form = form_of(data)
    builder = InlineKeyboardBuilder()
    for field in form:
        builder.button(
            text=t.plain("btn.edit", label=t.plain(words(data, t, "label", field.name))),
            callback_data=EditCb(field=field.code),
        )
    builder.button(text=t.plain("btn.summary.back"), callback_data=SummaryEditCb(open=False))
    builder.adjust(*([2] * (len(form) // 2)), *([1] * (len(form) % 2)), 1)
    return builder.as_markup()


async def show_summary(message: Message, state: FSMContext, t: Texts) -> None:
    await take_down_reply_keyboard(message, state, t)
    await state.update_data({EDITING: True})
    await state.set_state(Filing.summary)
    data = await state.get_data()
    await message.answer(summary_text(data, t), reply_markup=summary_keyboard(t, data))
