"""The main menu and the language picker."""

from __future__ import annotations

from typing import get_args

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ui.callbacks import LanguageCb, LanguageCode, MenuAction, MenuCb
from bot.ui.texts import TABLES, Texts

MENU_ACTIONS: tuple[MenuAction, ...] = get_args(MenuAction)


def main_menu(t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for action in MENU_ACTIONS:
        builder.button(text=t.plain(f"btn.menu.{action}"), callback_data=MenuCb(action=action))
    # One a row: two side by side cut "🔎 Lacak nomor laporan" and "📣 Pengaduan layanan" with "…" on a
    # phone 390 px wide (tests/sandbox/test_browser_duplicates.py measures it).
    builder.adjust(1)
    return builder.as_markup()


def language_picker() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in get_args(LanguageCode):
        builder.button(text=TABLES[code]["language.name"], callback_data=LanguageCb(code=code))
    return builder.as_markup()
