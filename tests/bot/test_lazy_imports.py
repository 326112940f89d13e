"""A bot process loads matplotlib and openpyxl only when someone asks for /rekap's chart or XLSX."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap

from openpyxl import load_workbook

# A fresh interpreter: this test process has long imported both.
PROBE = textwrap.dedent(
    """
    import json
    import sys

    from bot.__main__ import main  # everything `python -m bot` imports
    from bot.app.factory import create_bot, create_dispatcher, create_fsm, create_services, calendar_from
    from bot.app.settings import Settings
    from storage.database import create_engine

    HEAVY = ("matplotlib", "openpyxl")
    settings = Settings(_env_file=None, bot_token="1:probe", telegram_api_base="http://127.0.0.1:9")
    engine = create_engine("sqlite+aiosqlite://")
    storage, isolation = create_fsm(settings, engine)
    create_dispatcher(
        create_services(engine, calendar_from(settings)), storage=storage, events_isolation=isolation
    )
    create_bot(settings)
    at_start = [name for name in HEAVY if name in sys.modules]

    from bot.ui.report_rendering import render_chart, to_xlsx
    from tests.reports.test_documents import _report

    report = _report()
    chart, book = render_chart(report), to_xlsx(report, [])
    after_rekap = [name for name in HEAVY if name in sys.modules]
    seen = {"at_start": at_start, "after_rekap": after_rekap, "png": chart.hex(), "xlsx": book.hex()}
    print(json.dumps(seen))
    """
)


def test_the_bot_starts_without_matplotlib_or_openpyxl_and_loads_them_for_rekap() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=180
    )
    seen = json.loads(probe.stdout.splitlines()[-1])
    assert seen["at_start"] == []
    assert seen["after_rekap"] == ["matplotlib", "openpyxl"]
    # The documents themselves: a PNG, and an XLSX openpyxl reads back.
    assert bytes.fromhex(seen["png"]).startswith(b"\x89PNG\r\n\x1a\n")
    book = load_workbook(io.BytesIO(bytes.fromhex(seen["xlsx"])))
    assert book.sheetnames == ["Ringkasan", "Pengaduan"]
