"""The forged payloads of issue 14, each pressed by a reporter and an admin through the real dispatcher:
an id beyond the id columns or beyond 64 bits, in every family that takes one, is answered "Tombol ini
tidak berlaku" (or the admin side's "not recognised") and reaches neither a handler nor storage."""

from __future__ import annotations

from bot.ui.texts import texts_for
from tests.hardening.harness import Feed

HUGE = "99999999999999999999"  # beyond 64 bits: OverflowError on SQLite
BIG = str(2**31)  # beyond the INTEGER id columns: PostgreSQL refuses to compare
EXPIRED = texts_for("id").plain("button.expired")
FORGED = texts_for("id").plain("admin.refused.forged")

PAYLOADS = [
    f"d:{HUGE}",
    f"d:{BIG}",
    f"r:{HUGE}:1:5",
    f"r:1:{HUGE}:5",
    "r:1:1:9",
    f"k:{HUGE}",
    f"sv:{HUGE}:1:1",
    f"sv:1:{BIG}:0",
    f"sd:{HUGE}",
    f"rd:{HUGE}",
    f"iv:city:{HUGE}",
    f"iv:city:{BIG}",
    "iv:system:1",
    "iv:nobody:1",
    "m:nothing",
    "l:xx",
    "e:zz",
    "ok:bogus",
    "oc:fax",
    "os:elsewhere",
    f"rf:1:{HUGE}:xlsx",
    "rf:1:2:exe",
    "rp:forever",
]
ADMIN_PAYLOADS = [
    f"ga:{HUGE}:1:fw",
    f"go:{HUGE}",
    f"gq:{HUGE}:0",
    "gq:1:-1",
    "gm:nothing",
    f"gt:1:1:fw:{HUGE}",
]


async def test_a_forged_button_is_expired_or_not_recognised_and_reaches_nothing(feed: Feed) -> None:
    expected = {data: EXPIRED for data in PAYLOADS} | {data: FORGED for data in ADMIN_PAYLOADS}
    wrong = []
    for presser in (9001, 2001):  # a reporter, a city admin
        for data, text in expected.items():
            query_id, outcome = await feed.press(presser, data)
            said = [answer.params.get("text") for answer in outcome.answers_to(query_id) if answer.ok]
            if said != [text] or outcome.failed() or outcome.errors:
                errors = [record.getMessage()[:80] for record in outcome.errors]
                wrong.append(f"{presser} {data}: {said} {outcome.failed()} {errors}")
    assert wrong == []
