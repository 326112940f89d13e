"""An admin's card of one complaint: what it says, and exactly the buttons the workflow allows them now.

The action buttons come from `Workflow.allowed_triggers` and nothing else; a card shown to someone who may
do nothing carries none (only the buttons that show more: attachments, history, the whole chronology).

The card is compact: number and stage, deadline, what, when and where first; the latest reason (a return,
a rejection, a revision request) whole, right under them, for it is what the next office must act on; the
reporter on one line; the chronology last, shortened to `CHRONOLOGY_SHOWN` characters. Earlier reasons are
behind a history button and the whole chronology behind its own button, so the text always fits one
Telegram message and nothing is readable only in the database.
"""

from __future__ import annotations

from datetime import datetime

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ui.admin_callbacks import ActionCb, ChronologyCb, FilesCb, HistoryCb, LinkCb, UnlinkCb, code_of
from bot.ui.display import TEXT_LIMIT, visible_length
from bot.ui.texts import Html, Texts, escape
from storage.duplicates import SIMILAR_STATES, UNLINK, may_unlink
from storage.views import AdminInfo, AttachmentInfo, CardInfo, ComplaintInfo, EventInfo, SimilarInfo
from workflow.actors import ROLE_ORG_KIND, Role
from workflow.calendar import WorkingCalendar, to_wib
from workflow.channels import EXTERNAL_SYSTEM_NAMES, ExternalSystem
from workflow.complaint import AttachmentKind
from workflow.definitions import ST, Step
from workflow.engine import workflow_for
from workflow.sla import working_days_left

# Display bounds for the free texts beside the chronology, so that whatever they hold, the chronology is the
# one text that is shortened to fit and the card stays within Telegram's limit.
PLACE_SHOWN = 200
ADDRESS_SHOWN = 120
RESULT_SHOWN = 600
# A reason typed in the bot has at most 1,000 characters (bot.handlers.admin.inputs.MAX_REASON): shown whole.
# Longer ones (from elsewhere) are cut, and only if the card would not fit otherwise, to the second bound;
# the history button shows every one whole.
REASON_SHOWN = (1000, 300)
# The chronology on a card: enough to recall the complaint; the whole one is a button away.
CHRONOLOGY_SHOWN = 600


def render_card(
    card: CardInfo, *, viewer: AdminInfo, t: Texts, calendar: WorkingCalendar, now: datetime
) -> tuple[Html, InlineKeyboardMarkup | None]:
    text, cut = _card_text(card, viewer=viewer, t=t, calendar=calendar, now=now, footer=None)
    return text, card_keyboard(card, viewer, t, chronology_cut=cut)


def allowed_steps(card: CardInfo, viewer: AdminInfo) -> list[Step]:
    complaint = card.complaint
    if follows_earlier(complaint):
        return []  # a duplicate has no steps of its own at the offices
    return workflow_for(complaint.kind).allowed_triggers(viewer.as_actor(), complaint.snapshot())


def follows_earlier(complaint: ComplaintInfo) -> bool:
    """Joined to an earlier complaint and waiting on an office: it follows that one instead."""
    return complaint.duplicate_of_id is not None and is_waiting_on_admins(complaint)


def may_link(card: CardInfo, viewer: AdminInfo) -> bool:
    """The admin holding the complaint where it has just arrived may join it to a similar one."""
    return (
        card.complaint.state in SIMILAR_STATES
        and card.complaint.duplicate_of_id is None
        and bool(allowed_steps(card, viewer))
    )


def card_keyboard(
    card: CardInfo, viewer: AdminInfo, t: Texts, *, chronology_cut: bool | None = None
) -> InlineKeyboardMarkup | None:
    """The card's buttons. `chronology_cut`: whether its text shortened the chronology (by default, whether
    the chronology is longer than a card shows)."""
    complaint = card.complaint
    builder = InlineKeyboardBuilder()
    for step in allowed_steps(card, viewer):
        builder.button(
            text=action_label(step.trigger, t),
            callback_data=ActionCb(c=complaint.id, v=complaint.version, t=code_of(step.trigger)),
        )
    if may_link(card, viewer):
        for similar in card.similar:
            builder.button(
                text=t.plain("admin.btn.link", number=similar.tracking_number),
                callback_data=LinkCb(c=complaint.id, v=complaint.version, d=similar.id),
            )
    if card.earlier is not None and may_unlink(viewer.as_actor(), complaint):
        builder.button(
            text=t.plain("admin.btn.unlink_duplicate"),
            callback_data=UnlinkCb(c=complaint.id, v=complaint.version),
        )
    if card.attachments:
        builder.button(
            text=t.plain("admin.btn.files", count=len(card.attachments)),
            callback_data=FilesCb(c=complaint.id),
        )
    if chronology_cut is None:
        chronology_cut = len(complaint.chronology) > CHRONOLOGY_SHOWN
    if chronology_cut:
        builder.button(text=t.plain("admin.btn.chronology"), callback_data=ChronologyCb(c=complaint.id))
    earlier = len(_with_reasons(card)) - len(_latest_reason(card))
    if earlier > 0:
        builder.button(
            text=t.plain("admin.btn.history", count=earlier), callback_data=HistoryCb(c=complaint.id)
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
    days = working_days_left(
        calendar, received_at=complaint.received_at, deadline=complaint.deadline, now=now
    )
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
    return _card_text(card, viewer=viewer, t=t, calendar=calendar, now=now, footer=footer)[0]


def _card_text(
    card: CardInfo,
    *,
    viewer: AdminInfo,
    t: Texts,
    calendar: WorkingCalendar,
    now: datetime,
    footer: Html | None,
) -> tuple[Html, bool]:
    """The text, and whether its chronology was shortened."""
    complaint = card.complaint
    head = [
        t("admin.card.title", number=complaint.tracking_number, state=_title_state(card, t)),
        _deadline(complaint, t, calendar, now),
        t("admin.card.subject", subject=complaint.subject),
        t(
            "admin.card.event",
            date=t.date(complaint.event_date),
            place=_clipped(complaint.event_place, PLACE_SHOWN, t),
        ),
        *_location_lines(complaint, t),
        *_duplicate_lines(card, t, now),
    ]
    middle: list[str] = [
        _reporter_line(card, viewer, t),
        t("admin.card.received_via", at=t.moment(complaint.received_at), channel=_channel(complaint, t)),
        *_attachment_lines(card.attachments, t, complaint),
    ]
    if complaint.result_text:
        middle += [
            "",
            t(
                kind_key("admin.card.result", complaint, t),
                result=_clipped(complaint.result_text, RESULT_SHOWN, t),
            ),
        ]
    ending = ["", footer] if footer else []
    latest = _latest_reason(card)
    # The latest reason is shortened only when even the shortest chronology leaves it no room (a reason
    # longer than the bot takes, organisation names at their longest): the history button shows it whole.
    for limit in REASON_SHOWN:
        reason = [_reason_line(event, card, t, limit) for event in latest]
        text, cut = _fitted([*head, *reason, "", *middle, ""], ending, complaint.chronology, t)
        if visible_length(text) <= TEXT_LIMIT:
            return text, cut
    return _fitted([*head, "", *middle, ""], ending, complaint.chronology, t)


def _fitted(head: list[str], tail: list[str], chronology: str, t: Texts) -> tuple[Html, bool]:
    """The card with as much of the chronology as fits, at most `CHRONOLOGY_SHOWN` characters."""

    def render(keep: int) -> Html:
        if keep >= len(chronology):
            shown = escape(chronology)
        else:
            kept = chronology[:keep].rstrip()
            shown = escape(kept) + t("admin.card.chronology_cut", hidden=len(chronology) - len(kept))
        return Html("\n".join([*head, t("admin.card.chronology", chronology=Html(shown)), *tail]))

    keep = min(len(chronology), CHRONOLOGY_SHOWN)
    if visible_length(render(keep)) > TEXT_LIMIT:
        # The longest prefix that fits: escaping and UTF-16 make the length non-linear, so search for it.
        low, high = 0, keep
        while low < high:
            middle = (low + high + 1) // 2
            if visible_length(render(middle)) <= TEXT_LIMIT:
                low = middle
            else:
                high = middle - 1
        keep = low
    return render(keep), keep < len(chronology)


# The duplicates' numbers named on the card they follow; the rest are counted.
JOINED_SHOWN = 5
# A similar complaint's subject, enough to tell whether it is the same problem without opening it.
SIMILAR_SUBJECT_SHOWN = 80


def _title_state(card: CardInfo, t: Texts) -> str:
    """A duplicate waits on no office: its title says whom it follows instead of its stage's task."""
    if card.earlier is not None and follows_earlier(card.complaint):
        return t.plain("admin.card.state_following", number=card.earlier.tracking_number)
    return state_words(card.complaint, t)


def _latest_reason(card: CardInfo) -> list[EventInfo]:
    """The reason the next office acts on; a separation's is no longer one once the complaint is joined
    again."""
    latest = _with_reasons(card)[-1:]
    if latest and latest[0].trigger == UNLINK and card.earlier is not None:
        return []
    return latest


def _duplicate_lines(card: CardInfo, t: Texts, now: datetime) -> list[Html]:
    """The complaint it follows, or up to three that read like the same problem: one short line each; and
    the complaints joined to it, whose reporters hear of its every step."""
    if card.earlier is not None:
        stage = similar_stage(card.earlier.state, t)
        return [t("admin.card.duplicate_of", number=card.earlier.tracking_number, stage=stage)]
    lines: list[Html] = []
    if card.joined:
        shown = ", ".join(card.joined[:JOINED_SHOWN])
        more = len(card.joined) - JOINED_SHOWN
        numbers = shown if more <= 0 else t.plain("admin.card.joined.more", numbers=shown, count=more)
        lines.append(t("admin.card.joined", numbers=numbers))
    if not card.similar:
        return lines
    lines.append(t("admin.similar.title"))
    lines += [
        t(
            "admin.similar.line",
            number=item.tracking_number,
            subject=_short(item.subject, SIMILAR_SUBJECT_SHOWN),
            stage=similar_stage(item.state, t),
            age=_age(item, t, now),
        )
        for item in card.similar
    ]
    return lines


def _short(text: str, limit: int) -> Html:
    """Cut with "…" alone: the whole text is on its own card, a press away."""
    return Html(escape(text if len(text) <= limit else text[:limit].rstrip() + "…"))


def similar_stage(state: str, t: Texts) -> str:
    key = f"admin.similar.stage.{state}"
    return t.plain(key) if key in t.table else t.plain(f"admin.state.laporgub.{state}")


def _age(item: SimilarInfo, t: Texts, now: datetime) -> str:
    days = (to_wib(now).date() - to_wib(item.received_at).date()).days
    return t.plain("admin.similar.age.days", days=days) if days > 0 else t.plain("admin.similar.age.today")


def _channel(complaint: ComplaintInfo, t: Texts) -> str:
    channel = t.plain(f"admin.channel.{complaint.channel}")
    if complaint.external_system and complaint.external_number:
        system = EXTERNAL_SYSTEM_NAMES.get(
            ExternalSystem(complaint.external_system), complaint.external_system
        )
        return f"{channel} ({system} {complaint.external_number})"
    return channel


def _deadline(complaint: ComplaintInfo, t: Texts, calendar: WorkingCalendar, now: datetime) -> Html:
    day = t.wib_day(complaint.deadline)
    if not is_waiting_on_admins(complaint) or follows_earlier(complaint):
        return t("admin.card.deadline", day=day)
    return t("admin.card.deadline_due", day=day, due=due_words(complaint, t, calendar, now))


def _location_lines(complaint: ComplaintInfo, t: Texts) -> list[Html]:
    """The shared location as a map link; no line at all when none was shared (the card stays short)."""
    if complaint.latitude is None or complaint.longitude is None:
        return []
    lat, lon = f"{complaint.latitude:.5f}", f"{complaint.longitude:.5f}"
    link = t("admin.card.location_link", url=f"https://maps.google.com/?q={lat},{lon}", lat=lat, lon=lon)
    return [t("admin.card.location", location=link)]


def kind_key(key: str, complaint: ComplaintInfo, t: Texts) -> str:
    """`key`, or its variant in the words of the complaint's kind ("<key>.service": a response, not a
    follow-up result) where there is one."""
    variant = f"{key}.{complaint.kind.value}"
    return variant if variant in t.table else key


def _attachment_lines(attachments: list[AttachmentInfo], t: Texts, complaint: ComplaintInfo) -> list[Html]:
    """A line per kind of files present (the complaint's, the result's); none when there are none."""
    lines = []
    result_key = kind_key("admin.card.result_attachments", complaint, t)
    for is_result, key in ((False, "admin.card.attachments"), (True, result_key)):
        files = [item for item in attachments if item.is_result is is_result]
        if files:
            photos = sum(1 for item in files if item.kind == AttachmentKind.PHOTO)
            lines.append(t(key, photos=photos, documents=len(files) - photos))
    return lines


def _reporter_line(card: CardInfo, viewer: AdminInfo, t: Texts) -> Html:
    if card.complaint.confidential and viewer.role is Role.OPD:
        return t("admin.card.reporter_hidden")
    reporter = card.reporter
    if reporter.erased:  # after the retention period, or on the reporter's request (/datasaya)
        return t("admin.card.reporter_erased")
    line = t(
        "admin.card.reporter",
        name=reporter.full_name,
        nik=reporter.masked_nik,
        phone=reporter.masked_phone,
        address=_clipped(reporter.address, ADDRESS_SHOWN, t),
    )
    if card.complaint.confidential:
        line = Html(line + "\n" + t("admin.card.confidential_note"))
    return line


def _with_reasons(card: CardInfo) -> list[EventInfo]:
    """The returns, rejections and revision requests (a service complaint's "not solved"), oldest first."""
    return [event for event in card.history if event.reason]


def event_author(event: EventInfo, card: CardInfo, t: Texts) -> str:
    org = card.orgs.get(event.org_id) if event.org_id is not None else None
    if event.trigger == ST.NOT_SOLVED:
        # A service complaint's "not solved" is the complainant's own word, or an officer's for a
        # complainant the bot cannot reach: nothing was sent back by an office.
        return t.plain(
            "admin.card.by_complainant" if event.actor_role == Role.REPORTER else "admin.card.for_complainant"
        )
    return org.name if org else (event.actor_name or t.plain("org.unknown"))


def event_did(event: EventInfo, card: CardInfo, t: Texts) -> str:
    target = card.orgs.get(event.to_org_id) if event.to_org_id is not None else None
    return did_words(event.trigger, t, target.name if target else t.plain("org.unknown"))


def _reason_line(event: EventInfo, card: CardInfo, t: Texts, limit: int) -> Html:
    return t(
        kind_key("admin.card.latest_reason", card.complaint, t),
        at=t.moment(event.at),
        org=event_author(event, card, t),
        what=event_did(event, card, t),
        reason=_clipped(event.reason or "", limit, t),
    )


def _clipped(text: str, limit: int, t: Texts) -> Html:
    if len(text) <= limit:
        return Html(escape(text))
    shown = text[:limit].rstrip()
    return Html(escape(shown) + t("shortened", hidden=len(text) - len(shown)))
