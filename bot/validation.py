"""What a reporter types, checked and normalised; each refusal names the text that explains it."""

from __future__ import annotations

import re
from datetime import date, datetime

from workflow.channels import Channel
from workflow.complaint import MAX_CHRONOLOGY_LENGTH, MAX_SUBJECT_LENGTH
from workflow.identity import InvalidNik, InvalidPhone, normalize_phone, validate_nik

NAME_LENGTH = (3, 200)  # reporters.full_name is String(200)
ADDRESS_LENGTH = (5, 500)
PLACE_LENGTH = (3, 500)
# Files a bot can fetch with getFile: Telegram's cloud Bot API refuses anything larger.
MAX_FILE_BYTES = 20 * 1024 * 1024

_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")
_TRACKING = re.compile(r"[A-Za-z]{2}-\d{4}-\d{1,6}")


class Invalid(ValueError):
    """A refused answer: `key` is the text that says why, `values` fill it in."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def _bounded(text: str, bounds: tuple[int, int], key: str) -> str:
    value = text.strip()
    low, high = bounds
    if not low <= len(value) <= high:
        raise Invalid(key, min=low, max=high, length=len(value))
    return value


def full_name(text: str) -> str:
    return _bounded(text, NAME_LENGTH, "bad.full_name")


def nik(text: str, *, today: date) -> str:
    try:
        return validate_nik(text, today=today)
    except InvalidNik as error:
        raise Invalid(f"bad.nik.{error.problem.value}") from None


def phone(text: str) -> str:
    try:
        return normalize_phone(text)
    except InvalidPhone:
        raise Invalid("bad.phone") from None


def address(text: str) -> str:
    return _bounded(text, ADDRESS_LENGTH, "bad.address")


def subject(text: str) -> str:
    return _bounded(text, (1, MAX_SUBJECT_LENGTH), "bad.subject")


def chronology(text: str) -> str:
    return _bounded(text, (1, MAX_CHRONOLOGY_LENGTH), "bad.chronology")


def event_place(text: str) -> str:
    return _bounded(text, PLACE_LENGTH, "bad.event_place")


def event_date(text: str, *, today: date) -> date:
    """A date typed as 20-11-2026, 20/11/2026, 20.11.2026 or 2026-11-20; never after `today` (WIB)."""
    cleaned = re.sub(r"\s+", "", text)
    for pattern in _DATE_FORMATS:
        try:
            day = datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
        if day > today:
            raise Invalid("bad.event_date.future")
        return day
    raise Invalid("bad.event_date.format")


def tracking_number(text: str) -> str | None:
    """The tracking number in `text` in canonical form (LG-2026-000001), or None if it is not one."""
    value = text.strip()
    if not _TRACKING.fullmatch(value):
        return None
    prefix, year, serial = value.split("-")
    return f"{prefix.upper()}-{year}-{int(serial):06d}"


def looks_like_tracking_number(text: str | None) -> bool:
    return text is not None and tracking_number(text) is not None


# -- officer/service: how an officer reaches a complainant who is not on Telegram ---------------------------

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_HANDLE = re.compile(r"@[A-Za-z0-9_.]{1,64}")
SOCIAL_CHANNELS = (Channel.TWITTER, Channel.INSTAGRAM)


def contact(text: str, *, channel: Channel) -> tuple[str, Channel]:
    """A phone number, an email address or (for a complaint from Twitter or Instagram) an @handle, and the
    channel the officer uses to reach it."""
    value = text.strip()
    if _HANDLE.fullmatch(value):
        if channel not in SOCIAL_CHANNELS:
            raise Invalid("officer.bad.handle")
        return value, channel
    if _EMAIL.fullmatch(value):
        if len(value) > 200:  # reporters.contact is String(200)
            raise Invalid("officer.bad.contact")
        return value, Channel.EMAIL
    try:
        return normalize_phone(value), Channel.TELEPHONE
    except InvalidPhone:
        raise Invalid("officer.bad.contact") from None


def external_number(text: str) -> str:
    """A complaint's number in another system (complaints.external_number is String(64))."""
    return _bounded(text, (1, 64), "officer.bad.external")
