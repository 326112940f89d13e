"""A delivered row reads its recipient (language and admin seats) once, in one statement, and still speaks
the language it spoke when the two were read separately: the recipient's own, else (for the reporter) the
reporter's, else the default."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.notices.delivery import Delivery
from bot.notices.sender import RateGate
from bot.ui.texts import texts_for
from storage.directory import Caller, Directory
from storage.outbox.claims import Outbox, OutboxEntry
from storage.outbox.notifications import NoticeKind
from storage.outbox.parts import OutboxParts
from tests.conftest import World, draft_for
from workflow.calendar import WorkingCalendar
from workflow.definitions import T
from workflow.identity import Identity

SENDER = "sender-recipient-test"


class CountingDirectory(Directory):
    """Counts the look-ups of a person: the ones a delivered row may make, and the ones it must not."""

    def __init__(self, directory: Directory) -> None:
        super().__init__(directory.sessions)
        self.calls: Counter[str] = Counter()

    async def caller(self, telegram_id: int, *, session: AsyncSession | None = None) -> Caller:
        self.calls["caller"] += 1
        return await super().caller(telegram_id, session=session)

    async def language_of(self, telegram_id: int) -> str | None:
        self.calls["language_of"] += 1
        return await super().language_of(telegram_id)

    async def admins_of_user(self, telegram_id: int) -> list[Any]:
        self.calls["admins_of_user"] += 1
        return await super().admins_of_user(telegram_id)


@dataclass
class Sent:
    message_id: int


@dataclass
class RecordingBot:
    """Answers sends and edits like Telegram would, and keeps what each chat was shown."""

    shown: dict[int, list[str]] = field(default_factory=dict)
    next_id: int = 500

    async def send_message(self, chat_id: int, text: str, **_: Any) -> Sent:
        self.shown.setdefault(chat_id, []).append(text)
        self.next_id += 1
        return Sent(self.next_id)

    async def edit_message_text(self, text: str, *, chat_id: int, message_id: int, **_: Any) -> bool:
        self.shown.setdefault(chat_id, []).append(text)
        return True


@dataclass
class Delivered:
    entry: OutboxEntry
    lookups: Counter[str]


async def deliver_everything(
    world: World, delivery: Delivery, directory: CountingDirectory
) -> list[Delivered]:
    """One row at a time, so each row's look-ups are its own."""
    outbox = delivery.outbox
    delivered = []
    while entries := await outbox.claim(SENDER, limit=50):
        for entry in entries:
            before = directory.calls.copy()
            message_id = await delivery(entry)
            await outbox.mark_sent(entry.id, SENDER, message_id)
            delivered.append(Delivered(entry, directory.calls - before))
    return delivered


def delivery_for(world: World, bot: RecordingBot) -> tuple[Delivery, CountingDirectory]:
    directory = CountingDirectory(world.directory)
    sessions = world.complaints.sessions
    delivery = Delivery(
        bot,  # type: ignore[arg-type]
        directory=directory,
        complaints=world.complaints,
        outbox=Outbox(sessions),
        parts=OutboxParts(sessions),
        calendar=WorkingCalendar(),
        clock=world.clock,
        gate=RateGate(1000.0, 0.0),
        sender_id=SENDER,
    )
    return delivery, directory


async def test_each_row_reads_its_recipient_once_and_speaks_their_language(world: World) -> None:
    province, province2 = world.admins["province"], world.admins["province2"]
    await world.directory.set_language(province2.telegram_id, "en", "Admin")
    # The reporter chose English when filing but never opened the language setting: no chat row of theirs.
    reporter = await world.directory.save_reporter(
        telegram_id=world.reporter.telegram_id, identity=Identity(*_identity(world)), language="en"
    )
    assert await world.directory.language_of(reporter.telegram_id or 0) is None
    bot = RecordingBot()
    delivery, directory = delivery_for(world, bot)

    complaint = await world.complaints.submit(draft_for(reporter), reporter.as_actor())
    first = await deliver_everything(world, delivery, directory)
    world.clock.advance(hours=1)
    await world.complaints.fire(
        complaint.id,
        world.actor("province"),
        T.DISPOSE,
        seen_version=1,
        target_org_id=world.orgs["KOTA-PKL"].id,
    )
    # An admin who lost their seat after their card was queued, before it went out, gets no card.
    await world.directory.deactivate_admin(world.admins["city2"].id)
    second = await deliver_everything(world, delivery, directory)
    world.clock.advance(hours=1)
    await world.complaints.fire(
        complaint.id,
        world.actor("city"),
        T.FORWARD,
        seen_version=2,
        target_org_id=world.orgs["PKL-DPUPR"].id,
    )
    third = await deliver_everything(world, delivery, directory)

    rows = first + second + third
    kinds = Counter(row.entry.kind for row in rows)
    assert kinds[NoticeKind.TASK] >= 4  # the province's two cards, then the city's two (one not sent)
    assert kinds[NoticeKind.CARD_HANDLED] == 4  # the province's two copies, then the city's two
    # Disposed, then forwarded (they filed it themselves: no "received").
    assert kinds[NoticeKind.REPORTER_UPDATE] == 2
    for row in rows:
        assert row.lookups["language_of"] == 0, row.entry
        assert row.lookups["admins_of_user"] == 0, row.entry
        assert row.lookups["caller"] <= 1, row.entry
    # Not vacuous: a retired copy needs the seat that acted, any seat, and the language.
    retired = [row for row in rows if row.entry.kind == NoticeKind.CARD_HANDLED]
    province_chats = {province.telegram_id, province2.telegram_id}
    assert [row.lookups["caller"] for row in retired if row.entry.chat_id in province_chats] == [1, 1]

    en, id_ = texts_for("en"), texts_for("id")
    # The reporter's language, as the reporter record has it (they have no chat row of their own).
    [disposed, forwarded] = bot.shown[reporter.telegram_id or 0]
    assert disposed == en(
        "notify.reporter.dispose",
        number=complaint.tracking_number,
        subject=complaint.subject,
        org=world.orgs["KOTA-PKL"].name,
    )
    assert forwarded == en(
        "notify.reporter.forward",
        number=complaint.tracking_number,
        subject=complaint.subject,
        org=world.orgs["PKL-DPUPR"].name,
    )
    disposed_id, disposed_en = did_in(id_, world), did_in(en, world)
    # The admin who acted sees their own words, in Indonesian (no language chosen: the default).
    assert any(f"✅ <b>{disposed_id}</b>" in text for text in bot.shown[province.telegram_id])
    # The other province admin sees who handled it, in the English they chose.
    [province2_retired] = [text for text in bot.shown[province2.telegram_id] if "Handled by" in text]
    assert "Handled by <b>Admin province</b>" in province2_retired
    assert disposed_en in province2_retired
    assert world.admins["city"].telegram_id in bot.shown
    assert world.admins["city2"].telegram_id not in bot.shown


def did_in(t: Any, world: World) -> str:
    return str(t.plain("admin.did.dispose", org=world.orgs["KOTA-PKL"].name))


def _identity(world: World) -> tuple[str, str, str, str]:
    reporter = world.reporter
    return (reporter.full_name, reporter.nik, reporter.phone, reporter.address)
