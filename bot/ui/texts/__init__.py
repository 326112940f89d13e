"""The bot's words, one table per language, and the one place where values are HTML-escaped into them."""

from __future__ import annotations

import html
import string
from datetime import date, datetime

from bot.ui.texts import en as english
from bot.ui.texts import id as indonesian
from workflow.calendar import to_wib

# In the class body below `date` is the method: its parameters are annotated with this name of the type.
Day = date
TABLES: dict[str, dict[str, str]] = {"id": indonesian.TEXTS, "en": english.TEXTS}
DEFAULT_LANGUAGE = "id"


class Html(str):
    """Text that is already HTML (rendered by us from escaped parts): inserted without escaping again."""

    __slots__ = ()


class Texts:
    """One language's table. `t(key, **values)` escapes every value that is not `Html`."""

    def __init__(self, language: str) -> None:
        self.language = language if language in TABLES else DEFAULT_LANGUAGE
        self.table = TABLES[self.language]

    def __call__(self, key: str, **values: object) -> Html:
        safe = {name: value if isinstance(value, Html) else escape(value) for name, value in values.items()}
        return Html(self.table[key].format(**safe))

    def plain(self, key: str, **values: object) -> str:
        """For button labels and other places Telegram does not parse as HTML."""
        return self.table[key].format(**values)

    def matches(self, key: str, text: str | None) -> bool:
        return text is not None and text.strip() == self.table[key]

    # -- dates, always in WIB ----------------------------------------------------------------------------

    def date(self, day: date) -> str:
        return self.plain("date.short", day=day.day, month=self.plain(f"month.{day.month}"), year=day.year)

    def long_date(self, day: Day) -> str:
        return self.plain(
            "date.long",
            weekday=self.plain(f"weekday.{day.weekday()}"),
            day=day.day,
            month=self.plain(f"month.{day.month}"),
            year=day.year,
        )

    def wib_day(self, at: datetime) -> str:
        """The WIB calendar day of an instant, with its weekday: how deadlines are shown."""
        return self.long_date(to_wib(at).date())

    def moment(self, at: datetime) -> str:
        local = to_wib(at)
        return self.plain(
            "datetime.short",
            day=local.day,
            month=self.plain(f"month.{local.month}"),
            year=local.year,
            hour=f"{local.hour:02d}",
            minute=f"{local.minute:02d}",
        )


def escape(value: object) -> str:
    return html.escape(str(value), quote=False)


def as_html(value: object) -> Html:
    return value if isinstance(value, Html) else Html(escape(value))


def texts_for(language: str | None) -> Texts:
    return Texts(language or DEFAULT_LANGUAGE)


def all_texts(key: str) -> frozenset[str]:
    """A key's text in every language: reply-keyboard buttons come back as plain text in either."""
    return frozenset(table[key] for table in TABLES.values())


def placeholders(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)
