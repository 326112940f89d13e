"""Bot API method handlers; importing this package fills ``REGISTRY``."""

from bot.dev.local_api.methods import callbacks, copying, editing, media_group, meta, sending, updating
from bot.dev.local_api.methods.base import REGISTRY, Call, MethodSpec, Services

__all__ = [
    "REGISTRY",
    "Call",
    "MethodSpec",
    "Services",
    "callbacks",
    "copying",
    "editing",
    "media_group",
    "meta",
    "sending",
    "updating",
]
