"""A reporter's identity: validation of NIK and phone numbers, and masking of personal data.

NIK (Nomor Induk Kependudukan) layout: PP KK CC DDMMYY SSSS — province, regency/city, district, birth date
(day + 40 for women), serial. NIK and phone numbers are personal data under UU 27/2022: shown masked
everywhere a person does not need the full value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import phonenumbers

# Province codes of Indonesia's Dukcapil numbering, including the Papua provinces created in 2022.
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65}
    | {71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
)


class NikProblem(StrEnum):
    NOT_16_DIGITS = "not_16_digits"
    UNKNOWN_REGION = "unknown_region"
    IMPOSSIBLE_BIRTH_DATE = "impossible_birth_date"
    ZERO_SERIAL = "zero_serial"


class InvalidNik(ValueError):
    def __init__(self, problem: NikProblem) -> None:
        super().__init__(f"invalid NIK: {problem}")
        self.problem = problem


class InvalidPhone(ValueError):
    pass


def validate_nik(text: str, *, today: date) -> str:
    """The NIK as 16 digits, or `InvalidNik` saying what is wrong with it."""
    nik = re.sub(r"[\s.-]", "", text)
    if not re.fullmatch(r"\d{16}", nik):
        raise InvalidNik(NikProblem.NOT_16_DIGITS)
    if int(nik[0:2]) not in PROVINCE_CODES or nik[2:4] == "00" or nik[4:6] == "00":
        raise InvalidNik(NikProblem.UNKNOWN_REGION)
    if nik_birth_date(nik, today=today) is None:
        raise InvalidNik(NikProblem.IMPOSSIBLE_BIRTH_DATE)
    if nik[12:] == "0000":
        raise InvalidNik(NikProblem.ZERO_SERIAL)
    return nik


def nik_birth_date(nik: str, *, today: date) -> date | None:
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    # Two-digit years: the most recent century that does not put the birth in the future.
    for century in (2000, 1900):
        try:
            born = date(century + year2, month, day)
        except ValueError:
            return None
        if born <= today:
            return born
    return None


def normalize_phone(text: str) -> str:
    """An Indonesian phone number in E.164 (+62...), from what a person typed or Telegram shared."""
    cleaned = text.strip()
    if cleaned.startswith("62"):
        cleaned = "+" + cleaned
    try:
        number = phonenumbers.parse(cleaned, "ID")
    except phonenumbers.NumberParseException as error:
        raise InvalidPhone(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"not a valid phone number: {text!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_nik(nik: str) -> str:
    return nik[:4] + "•" * (len(nik) - 8) + nik[-4:] if len(nik) > 8 else "•" * len(nik)


def mask_phone(phone: str) -> str:
    keep_start = 3 if phone.startswith("+") else 2
    if len(phone) <= keep_start + 4:
        return "•" * len(phone)
    return phone[:keep_start] + "•" * (len(phone) - keep_start - 4) + phone[-4:]


@dataclass(frozen=True)
class Identity:
    """The complete identity the standard requires of a reporter."""

    full_name: str
    nik: str
    phone: str
    address: str
