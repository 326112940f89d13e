"""How an officer reaches a complainant who is not on Telegram: what the recording accepts as a contact."""

from __future__ import annotations

import pytest

from bot.ui import validation
from workflow.channels import Channel


@pytest.mark.parametrize(
    ("typed", "channel", "expected"),
    [
        ("0812-3456-1234", Channel.TELEPHONE, ("+6281234561234", Channel.TELEPHONE)),
        ("karsinah@example.id", Channel.DIRECT, ("karsinah@example.id", Channel.EMAIL)),
        (" @karsinah_pkl ", Channel.TWITTER, ("@karsinah_pkl", Channel.TWITTER)),
        ("@karsinah.pkl", Channel.INSTAGRAM, ("@karsinah.pkl", Channel.INSTAGRAM)),
        ("081234561234", Channel.EMAIL, ("+6281234561234", Channel.TELEPHONE)),
    ],
)
def test_a_phone_an_email_or_a_social_handle_is_a_contact(
    typed: str, channel: Channel, expected: tuple[str, Channel]
) -> None:
    assert validation.contact(typed, channel=channel) == expected


@pytest.mark.parametrize(
    ("typed", "channel", "key"),
    [
        ("@karsinah", Channel.TELEPHONE, "officer.bad.handle"),
        ("@karsinah", Channel.DIRECT, "officer.bad.handle"),
        ("karsinah", Channel.TWITTER, "officer.bad.contact"),
        ("12", Channel.TELEPHONE, "officer.bad.contact"),
        ("a@b", Channel.EMAIL, "officer.bad.contact"),
    ],
)
def test_anything_else_is_refused_with_its_reason(typed: str, channel: Channel, key: str) -> None:
    with pytest.raises(validation.Invalid) as refusal:
        validation.contact(typed, channel=channel)
    assert refusal.value.key == key


def test_an_external_number_is_1_to_64_characters() -> None:
    assert validation.external_number("  WA-77 ") == "WA-77"
    for bad in ("", "   ", "x" * 65):
        with pytest.raises(validation.Invalid):
            validation.external_number(bad)
