"""Pure domain of the LaporGub complaint service: states, rules, roles and the working-day calendar.

Nothing here does I/O or knows about Telegram or the database.
"""
