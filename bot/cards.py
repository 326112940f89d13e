"""An admin's card of one complaint: what it says, and exactly the buttons the workflow allows them now.

The buttons come from `Workflow.allowed_triggers` and nothing else; a card shown to someone who may do
nothing carries no buttons (apart from opening the attachments). The text always fits one Telegram message:
long free texts are shortened for display (the stored complaint keeps every character).
"""

from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.admin_callbacks import ActionCb, FilesCb, code_of
from bot.display import TEXT_LIMIT, fit, visible_length
from bot.texts import Html, Texts, escape
from storage.views import AdminInfo, AttachmentInfo, CardInfo, ComplaintInfo, EventInfo
from workflow.actors import ROLE_ORG_KIND, Role
from workflow.calendar import WorkingCalendar
from workflow.channels import EXTERNAL_SYSTEM_NAMES, ExternalSystem
from workflow.complaint import AttachmentKind
from workflow.definitions import ST, Step
from workflow.engine import workflow_for

# Display bounds for the free texts beside the chronology, so that whatever they hold, the chronology is the
# one text that is shortened to fit and the card stays within Telegram's limit.
PLACE_SHOWN = 200
ADDRESS_SHOWN = 200
RESULT_SHOWN = 600
REASON_SHOWN = 150
HISTORY_SHOWN = 3


def render_card(
    card: CardInfo, *, viewer: AdminInfo, t: Texts, calendar: WorkingCalendar, now: datetime
) -> tuple[Html, InlineKeyboardMarkup | None]:
    return card_text(card, viewer=viewer, t=t, calendar=calendar, now=now), card_keyboard(card, viewer, t)


def allowed_steps(card: CardInfo, viewer: AdminInfo) -> list[Step]:
    complaint = card.complaint
    return workflow_for(complaint.kind).allowed_triggers(viewer.as_actor(), complaint.snapshot())


def card_keyboard(card: CardInfo, viewer: AdminInfo, t: Texts) -> InlineKeyboardMarkup | None:
    complaint = card.complaint
    builder = InlineKeyboardBuilder()
    for step in allowed_steps(card, viewer):
        builder.button(
            text=action_label(step.trigger, t),
            callback_data=ActionCb(c=complaint.id, v=complaint.version, t=code_of(step.trigger)),
        )
    if card.attachments:
        builder.button(
            text=t.plain("admin.btn.files", count=len(card.attachments)),
            callback_data=FilesCb(c=complaint.id),
        )
    builder.adjust(1)
    markup = builder.as_markup()
    return markup if markup.inline_keyboard else None


def action_label(trigger: str, t: Texts) -> str:
    key = f"admin.btn.{trigger}"
    return t.plain(key) if key in t.table else trigger


def state_words(complaint: ComplaintInfo, t: Texts) -> str:
    return t.plain(f"admin.state.{complaint.kind.value}.{complaint.state}")


def due_words(complaint: ComplaintInfo, t: Texts, calendar: WorkingCalendar, now: datetime) -> str:
    """Working days left, due today, or overdue: the urgency an admin sorts their work by."""
    days = calendar.working_days_left(now, complaint.deadline)
    if days > 0:
        return t.plain("admin.due.left", days=days)
    if days == 0:
        return t.plain("admin.due.today")
    return t.plain("admin.due.overdue", days=-days)


def is_waiting_on_admins(complaint: ComplaintInfo) -> bool:
    return workflow_for(complaint.kind).holder(complaint.state) in ROLE_ORG_KIND


def did_words(trigger: str, t: Texts, org_name: str = "") -> str:
    key = f"admin.did.{trigger}"
    return t.plain(key, org=org_name) if key in t.table else t.plain("admin.did.other")


def card_text(
    card: CardInfo,
    *,
    viewer: AdminInfo,
    t: Texts,
    calendar: WorkingCalendar,
    now: datetime,
    footer: Html | None = None,
) -> Html:
    """The card's text; `footer` (what was just done with it) is kept whole, the chronology gives way."""
    complaint = card.complaint
    head = [
        t("admin.card.title", number=complaint.tracking_number, state=state_words(complaint, t)),
        _channel(complaint, t),
        t("admin.card.received", at=t.moment(complaint.received_at)),
        _deadline(complaint, t, calendar, now),
        t("admin.card.subject", subject=complaint.subject),
        t(
            "admin.card.event",
            date=t.date(complaint.event_date),
            place=_clipped(complaint.event_place, PLACE_SHOWN, t),
        ),
        t("admin.card.location", location=_location(complaint, t)),
        *_attachment_lines(card.attachments, t, complaint),
        "",
        *_reporter_lines(card, viewer, t),
    ]
    result: list[str] = []
    if complaint.result_text:
        result = [
            "",
            t(
                kind_key("admin.card.result", complaint, t),
                result=_clipped(complaint.result_text, RESULT_SHOWN, t),
            ),
        ]
    ending = ["", footer] if footer else []
    # Fewer history entries only when even the shortest chronology leaves no room (organisation names and
    # reasons at their longest): the newest entries are the ones the next step depends on.
    for shown in (HISTORY_SHOWN, 1):
        text = _fitted(head, [*result, *_history_lines(card, t, shown), *ending], complaint.chronology, t)
        if visible_length(text) <= TEXT_LIMIT:
            return text
    return _fitted(head, [*result, *ending], complaint.chronology, t)


def _fitted(head: list[str], tail: list[str], chronology: str, t: Texts) -> Html:
    def render(shown: Html) -> Html:
        return Html("\n".join([*head, "", t("admin.card.chronology", chronology=shown), *tail]))

    return fit(render, chronology, t, TEXT_LIMIT)


def _channel(complaint: ComplaintInfo, t: Texts) -> Html:
    channel = t.plain(f"admin.channel.{complaint.channel}")
    if complaint.external_system and complaint.external_number:
        system = EXTERNAL_SYSTEM_NAMES.get(
            ExternalSystem(complaint.external_system), complaint.external_system
        )
        return t("admin.card.channel_ref", channel=channel, reference=f"{system} {complaint.external_number}")
    return t("admin.card.channel", channel=channel)


def _deadline(complaint: ComplaintInfo, t: Texts, calendar: WorkingCalendar, now: datetime) -> Html:
    day = t.wib_day(complaint.deadline)
    if not is_waiting_on_admins(complaint):
        return t("admin.card.deadline", day=day)
    return t("admin.card.deadline_due", day=day, due=due_words(complaint, t, calendar, now))


def _location(complaint: ComplaintInfo, t: Texts) -> Html:
    if complaint.latitude is None or complaint.longitude is None:
        return t("value.none")
    lat, lon = f"{complaint.latitude:.5f}", f"{complaint.longitude:.5f}"
    return t("admin.card.location_link", url=f"https://maps.google.com/?q={lat},{lon}", lat=lat, lon=lon)


def kind_key(key: str, complaint: ComplaintInfo, t: Texts) -> str:
    """`key`, or its variant in the words of the complaint's kind ("<key>.service": a response, not a
    follow-up result) where there is one."""
    variant = f"{key}.{complaint.kind.value}"
    return variant if variant in t.table else key


def _attachment_lines(attachments: list[AttachmentInfo], t: Texts, complaint: ComplaintInfo) -> list[Html]:
    lines = []
    result_key = kind_key("admin.card.result_attachments", complaint, t)
    for is_result, key in ((False, "admin.card.attachments"), (True, result_key)):
        files = [item for item in attachments if item.is_result is is_result]
        if files or not is_result:
            photos = sum(1 for item in files if item.kind == AttachmentKind.PHOTO)
            lines.append(t(key, photos=photos, documents=len(files) - photos))
    return lines


def _reporter_lines(card: CardInfo, viewer: AdminInfo, t: Texts) -> list[Html]:
    if card.complaint.confidential and viewer.role is Role.OPD:
        return [t("admin.card.reporter_hidden")]
    reporter = card.reporter
    lines = [
        t(
            "admin.card.reporter",
            name=reporter.full_name,
            nik=reporter.masked_nik,
            phone=reporter.masked_phone,
            address=_clipped(reporter.address, ADDRESS_SHOWN, t),
        )
    ]
    if card.complaint.confidential:
        lines.append(t("admin.card.confidential_note"))
    return lines


def _history_lines(card: CardInfo, t: Texts, shown: int) -> list[str]:
    """The returns, rejections and revision requests, newest last, each with why and from which office."""
    with_reasons = [event for event in card.history if event.reason]
    if not with_reasons:
        return []
    # A service complaint's reasons are the complainant's "not solved" and the officer's escalation, under
    # their own heading: nothing there was sent back.
    lines: list[str] = ["", t(kind_key("admin.card.history", card.complaint, t))]
    shown = min(shown, len(with_reasons))
    hidden = len(with_reasons) - shown
    if hidden > 0:
        lines.append(t("admin.card.history_more", count=hidden))
    lines += [_history_line(event, card, t) for event in with_reasons[len(with_reasons) - shown :]]
    return lines


def _history_line(event: EventInfo, card: CardInfo, t: Texts) -> Html:
    org = card.orgs.get(event.org_id) if event.org_id is not None else None
    who = org.name if org else (event.actor_name or t.plain("org.unknown"))
    if event.trigger == ST.NOT_SOLVED:
        # The complainant's own word, or an officer's for a complainant the bot cannot reach.
        who = t.plain(
            "admin.card.by_complainant" if event.actor_role == Role.REPORTER else "admin.card.for_complainant"
        )
    return t(
        "admin.card.history_line",
        at=t.moment(event.at),
        org=who,
        what=did_words(event.trigger, t),
        reason=_clipped(event.reason or "", REASON_SHOWN, t),
    )


def _clipped(text: str, limit: int, t: Texts) -> Html:
    if len(text) <= limit:
        return Html(escape(text))
    shown = text[:limit].rstrip()
    return Html(escape(shown) + t("shortened", hidden=len(text) - len(shown)))
