"""Notices: the outbox sender and what an outbox row becomes in Telegram."""
