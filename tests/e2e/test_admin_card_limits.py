"""The admin card's limits, without a server: every payload fits 64 bytes, every text fits one message."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.filters.callback_data import CallbackData

from bot.ui.admin_callbacks import (
    TRIGGER_CODES,
    TRIGGERS_BY_CODE,
    AbortCb,
    ActionCb,
    AdminMenuCb,
    ChronologyCb,
    ConfirmCb,
    FilesCb,
    HistoryCb,
    OpenCardCb,
    PickPageCb,
    PickTargetCb,
    QueuePageCb,
    ResultDoneCb,
)
from bot.ui.callbacks import MAX_PAGE, MAX_ROW_ID
from bot.ui.cards import allowed_steps, render_card
from bot.ui.display import TEXT_LIMIT, split_plain, utf16_len, visible_length
from bot.ui.texts import TABLES, escape, texts_for
from storage.views import AdminInfo, AttachmentInfo, CardInfo, ComplaintInfo, EventInfo, ReporterInfo
from workflow.actors import ROLE_ORG_KIND, Organisation, OrgKind, Role
from workflow.calendar import WorkingCalendar
from workflow.complaint import MAX_CHRONOLOGY_LENGTH, MAX_SUBJECT_LENGTH
from workflow.definitions import DEFINITIONS, ComplaintKind, S
from workflow.engine import WORKFLOWS

HUGE = MAX_ROW_ID  # ids are 32-bit INTEGERs: a payload with a larger one does not parse
VERSION = MAX_ROW_ID  # so are versions
PAGE = MAX_PAGE
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_every_payload_packs_within_64_bytes_with_the_largest_ids() -> None:
    payloads: list[CallbackData] = [
        AdminMenuCb(action="reporter"),
        QueuePageCb(s=HUGE, page=PAGE),
        OpenCardCb(c=HUGE),
        FilesCb(c=HUGE),
        HistoryCb(c=HUGE),
        ChronologyCb(c=HUGE),
        ConfirmCb(c=HUGE, v=VERSION),
        AbortCb(c=HUGE, v=VERSION),
        ResultDoneCb(c=HUGE, v=VERSION),
    ]
    for code in TRIGGERS_BY_CODE:
        payloads += [
            ActionCb(c=HUGE, v=VERSION, t=code),
            PickPageCb(c=HUGE, v=VERSION, t=code, p=PAGE),
            PickTargetCb(c=HUGE, v=VERSION, t=code, o=HUGE),
        ]
    for payload in payloads:
        packed = payload.pack()
        assert len(packed.encode()) <= 64, packed
        assert type(payload).unpack(packed) == payload


def test_every_trigger_has_its_own_code_and_every_admin_step_a_label() -> None:
    triggers = {step.trigger for definition in DEFINITIONS.values() for step in definition.steps}
    assert triggers <= set(TRIGGER_CODES)
    assert len(set(TRIGGER_CODES.values())) == len(TRIGGER_CODES)
    admin_steps = {
        step.trigger
        for definition in DEFINITIONS.values()
        for step in definition.steps
        if step.roles & set(ROLE_ORG_KIND) and step.source != definition.initial
    }
    for table in TABLES.values():
        assert {trigger for trigger in admin_steps if f"admin.btn.{trigger}" not in table} == set()
        for kind, definition in DEFINITIONS.items():
            assert all(f"admin.state.{kind.value}.{state}" in table for state in definition.states)


PROVINCE = Organisation(1, OrgKind.PROVINCE, "JATENG", "Pemerintah Provinsi Jawa Tengah")
CITY = Organisation(2, OrgKind.CITY, "KOTA-PKL", "Dinkominfo Kota Pekalongan", parent_id=1)
OPD = Organisation(3, OrgKind.OPD, "PKL-DPUPR", "Dinas PUPR " + "<&>" * 60, parent_id=2)


def _admin(role: Role, org: Organisation) -> AdminInfo:
    return AdminInfo(id=7, telegram_id=7007, full_name="Admin", role=role, org=org, active=True)


def _card(state: str, org: Organisation, *, confidential: bool = False, huge: bool = False) -> CardInfo:
    long = "<b>&amp;</b> ☕ " * 1000
    complaint = ComplaintInfo(
        id=HUGE if huge else 5,
        tracking_number="LG-2026-000005",
        kind=ComplaintKind.LAPORGUB,
        state=state,
        version=VERSION if huge else 3,
        reporter_id=11,
        current_org_id=org.id,
        province_org_id=PROVINCE.id,
        city_org_id=CITY.id,
        opd_org_id=OPD.id,
        channel="telegram",
        external_system="sp4n_lapor",
        external_number="9" * 64,
        confidential=confidential,
        subject=("<&>" * 100)[:MAX_SUBJECT_LENGTH],
        chronology=long[:MAX_CHRONOLOGY_LENGTH],
        event_date=date(2026, 11, 20),
        event_place=long[:500],
        latitude=-6.88,
        longitude=109.67,
        received_at=NOW,
        deadline=NOW + timedelta(days=2),
        result_text=long[:4096],
        rating=None,
    )
    reporter = ReporterInfo(
        id=11,
        telegram_id=9001,
        full_name="Rina " + "<&>" * 60,
        nik="3375014507900002",
        phone="+6281234567801",
        address=long[:500],
        language="id",
    )
    history = [
        EventInfo(
            id=index,
            version=index + 1,
            trigger="return_to_city",
            from_state=S.AT_OPD,
            to_state=S.AT_CITY,
            actor_role="opd",
            actor_name="Admin OPD",
            org_id=OPD.id,
            to_org_id=CITY.id,
            reason=long[:4096],
            note=None,
            at=NOW,
        )
        for index in range(12)
    ]
    files = [AttachmentInfo(i, f"file{i}", "photo", None, "image/jpeg", 10, i > 2) for i in range(8)]
    return CardInfo(complaint, reporter, {o.id: o for o in (PROVINCE, CITY, OPD)}, history, files)


@pytest.mark.parametrize("language", sorted(TABLES))
def test_a_card_with_every_text_at_its_longest_fits_one_message(language: str) -> None:
    t = texts_for(language)
    card = _card(S.RESULT_AT_CITY, CITY, huge=True)
    text, markup = render_card(card, viewer=_admin(Role.CITY, CITY), t=t, calendar=WorkingCalendar(), now=NOW)
    assert visible_length(text) <= TEXT_LIMIT
    assert t.plain("shortened", hidden=1).split("1")[0] in text
    assert markup is not None
    assert all(
        len((button.callback_data or "").encode()) <= 64 for row in markup.inline_keyboard for button in row
    )


def test_the_buttons_are_the_workflows_allowed_steps_and_an_opd_sees_no_confidential_identity() -> None:
    t = texts_for("en")
    card = _card(S.AT_OPD, OPD, confidential=True)
    opd = _admin(Role.OPD, OPD)
    text, markup = render_card(card, viewer=opd, t=t, calendar=WorkingCalendar(), now=NOW)
    assert markup is not None
    labels = [button.text for row in markup.inline_keyboard for button in row]
    expected = [t.plain(f"admin.btn.{step.trigger}") for step in allowed_steps(card, opd)]
    # The card's own views: the files, the whole chronology (shortened here), the 11 earlier reasons.
    views = [
        t.plain("admin.btn.files", count=8),
        t.plain("admin.btn.chronology"),
        t.plain("admin.btn.history", count=11),
    ]
    assert labels == [*expected, *views]
    assert [
        step.trigger
        for step in WORKFLOWS[ComplaintKind.LAPORGUB].allowed_triggers(
            opd.as_actor(), card.complaint.snapshot()
        )
    ] == ["accept", "return_to_city"]
    assert "Rina" not in text
    assert t("admin.card.reporter_hidden") in text

    city_text, city_markup = render_card(
        card, viewer=_admin(Role.CITY, CITY), t=t, calendar=WorkingCalendar(), now=NOW
    )
    assert "Rina" in city_text
    assert "3375014507900002" not in city_text
    assert city_markup is not None
    assert [b.text for row in city_markup.inline_keyboard for b in row] == views


@pytest.mark.parametrize("language", sorted(TABLES))
def test_the_latest_reason_of_1000_characters_is_whole_on_a_card_with_every_other_text_at_its_longest(
    language: str,
) -> None:
    t = texts_for(language)
    card = _card(S.AT_CITY, CITY, huge=True)
    reason = ("Bukan wilayah kami <&> " * 50)[:1000]
    latest = replace(card.history[-1], reason=reason)
    card = replace(card, history=[*card.history[:-1], latest])
    text, markup = render_card(card, viewer=_admin(Role.CITY, CITY), t=t, calendar=WorkingCalendar(), now=NOW)
    assert visible_length(text) <= TEXT_LIMIT
    assert escape(reason) in text
    assert markup is not None
    labels = [button.text for row in markup.inline_keyboard for button in row]
    assert t.plain("admin.btn.chronology") in labels
    assert t.plain("admin.btn.history", count=11) in labels


@pytest.mark.parametrize(
    "text",
    [
        "kata " * 3000,
        "x" * 9000,
        "😀" * 5000,  # two UTF-16 units each
        ("baris pendek\n" * 700).strip(),
    ],
)
def test_a_long_text_is_cut_into_pieces_that_fit_and_keep_every_character(text: str) -> None:
    pieces = split_plain(text, 4000)
    assert "".join(pieces) == text
    assert all(utf16_len(piece) <= 4000 for piece in pieces)
    assert all(piece == piece.rstrip() for piece in pieces[:-1])
