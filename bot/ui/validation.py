"""What a reporter types, checked and normalised; each refusal names the text that explains it.

Every typed answer is first reduced to what a person sees (`visible`): characters that draw nothing are
dropped (controls, zero-width and other default-ignorable code points, private-use, unassigned), every kind
of space becomes a plain space, so an answer of invisible characters only is refused as empty, and the text
stored is the text shown. Which characters those are comes from the Unicode database (`regex`'s
properties), not from a list kept here.

Phone numbers are Indonesian (+62), a mobile or a fixed line as `phonenumbers` classifies them; a refusal
names what was wrong (foreign, too short, too long, not a number, a service number). Only an officer
recording for a complainant abroad may give a foreign number, typed with "+" and its country code
(`phone(..., abroad_allowed=True)`, `contact`).
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import date, datetime

import phonenumbers
import regex

from workflow.channels import Channel
from workflow.complaint import MAX_CHRONOLOGY_LENGTH, MAX_SUBJECT_LENGTH
from workflow.identity import InvalidNik, validate_nik

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


# Characters that draw nothing by themselves. Joiners and variation selectors inside an emoji (👨‍👩‍👧, ❤️) are
# part of what is drawn, so a run of them is kept between two visible characters.
_INVISIBLE = regex.compile(
    r"[[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]--[\n]]+", flags=regex.VERSION1
)
_ATTACHING = regex.compile(r"[\N{ZERO WIDTH JOINER}\p{Variation_Selector}]+")
_SPACES = regex.compile(r"[^\S\n]+")  # any run of whitespace but a line break (NBSP, tab, ideographic space)
_LINE_BREAKS = regex.compile(r"\r\n|[\r\v\f\x85\u2028\u2029]")


def visible(text: str, *, multiline: bool = False) -> str:
    """`text` as a person sees it: invisible characters dropped, spaces plain and single, ends trimmed;
    line breaks kept (one kind) only when `multiline`."""
    text = _LINE_BREAKS.sub("\n", text)
    if not multiline:
        text = text.replace("\n", " ")

    def keep_or_drop(run: regex.Match[str]) -> str:
        start, end = run.span()
        attached = start > 0 and not text[start - 1].isspace()
        followed = end < len(text) and not text[end].isspace()
        # A joiner joins two visible characters; a variation selector follows one.
        matched: str = run.group()
        if attached and _ATTACHING.fullmatch(matched) and (followed or "\u200d" not in matched):
            return matched
        return ""

    text = _SPACES.sub(" ", text)  # a tab is a control character, yet it shows as a space
    text = _SPACES.sub(" ", _INVISIBLE.sub(keep_or_drop, text))
    if multiline:
        text = "\n".join(line.strip() for line in text.split("\n"))
    return text.strip()


def _bounded(text: str, bounds: tuple[int, int], key: str, *, multiline: bool = False) -> str:
    value = visible(text, multiline=multiline)
    low, high = bounds
    if not low <= len(value) <= high:
        raise Invalid(key, min=low, max=high, length=len(value))
    return value


def full_name(text: str) -> str:
    return _bounded(text, NAME_LENGTH, "bad.full_name")


def nik(text: str, *, today: date) -> str:
    try:
        return validate_nik(visible(text), today=today)
    except InvalidNik as error:
        raise Invalid(f"bad.nik.{error.problem.value}") from None


# What `phonenumbers` calls a number a person can be reached on: mobile and fixed lines (Indonesian fixed
# and mobile ranges overlap in its data for some areas, hence the third).
_REACHABLE = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
_INDONESIA = 62
_LINES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
_LENGTH_PROBLEMS = {
    phonenumbers.ValidationResult.TOO_SHORT: "too_short",
    phonenumbers.ValidationResult.TOO_LONG: "too_long",
}


def phone(text: str, *, abroad_allowed: bool = False) -> str:
    """An Indonesian mobile or fixed-line number in E.164 (+62...), typed as 08..., 62... or +62..., or
    shared from Telegram (digits without "+"). With `abroad_allowed` (an officer recording for a complainant
    abroad) a foreign number typed with "+" and its country code is taken too. A refusal's key names the
    problem: bad.phone.{not_a_number, foreign, foreign_plus, too_short, too_long, not_reachable}, or
    bad.phone for a number that is none of Indonesia's."""
    value = visible(text)
    typed_abroad = value.startswith("+") and not value.startswith("+62")
    if value.startswith("62"):
        value = "+" + value
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException:
        raise Invalid("bad.phone.not_a_number") from None
    if abroad_allowed and not value.startswith("+") and not phonenumbers.is_valid_number(number):
        # Not Indonesian as typed, but a foreign number once given its "+": say how to type it.
        with suppress(phonenumbers.NumberParseException):
            if phonenumbers.is_valid_number(phonenumbers.parse("+" + value, None)):
                raise Invalid("bad.phone.foreign_plus")
    if number.country_code != _INDONESIA and not (abroad_allowed and typed_abroad):
        raise Invalid("bad.phone.foreign_plus" if abroad_allowed else "bad.phone.foreign")
    if not phonenumbers.is_valid_number(number):
        # Too short or too long for every kind of line the number could be, or wrong some other way.
        reasons = {phonenumbers.is_possible_number_for_type_with_reason(number, kind) for kind in _LINES}
        problem = _LENGTH_PROBLEMS.get(reasons.pop()) if len(reasons) == 1 else None
        raise Invalid(f"bad.phone.{problem}" if problem else "bad.phone")
    if phonenumbers.number_type(number) not in _REACHABLE:
        raise Invalid("bad.phone.not_reachable")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_abroad(number: str) -> bool:
    """A stored number (E.164) outside Indonesia: only an officer's recording has one."""
    return number.startswith("+") and not number.startswith("+62")


def address(text: str) -> str:
    return _bounded(text, ADDRESS_LENGTH, "bad.address")


def subject(text: str) -> str:
    return _bounded(text, (1, MAX_SUBJECT_LENGTH), "bad.subject")


def chronology(text: str) -> str:
    return _bounded(text, (1, MAX_CHRONOLOGY_LENGTH), "bad.chronology", multiline=True)


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
    value = visible(text)
    if _HANDLE.fullmatch(value):
        if channel not in SOCIAL_CHANNELS:
            raise Invalid("officer.bad.handle")
        return value, channel
    if _EMAIL.fullmatch(value):
        if len(value) > 200:  # reporters.contact is String(200)
            raise Invalid("officer.bad.contact")
        return value, Channel.EMAIL
    try:
        return phone(value, abroad_allowed=True), Channel.TELEPHONE
    except Invalid as refusal:
        # Said as it is only when the way out is a "+": otherwise the contact's own message names all three.
        key = refusal.key if refusal.key == "bad.phone.foreign_plus" else "officer.bad.contact"
        raise Invalid(key) from None


def external_number(text: str) -> str:
    """A complaint's number in another system (complaints.external_number is String(64))."""
    return _bounded(text, (1, 64), "officer.bad.external")
