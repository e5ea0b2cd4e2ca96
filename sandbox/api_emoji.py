"""``emoji.list``: the workspace's custom emoji (standard emoji are never listed, as in Slack)."""

from __future__ import annotations

from sandbox.api_params import JsonDict, Params
from sandbox.workspace import Handler, Workspace


def emoji_list(ws: Workspace, p: Params) -> JsonDict:
    """Every custom emoji as name -> image URL (or ``alias:name``); needs ``emoji:read``."""
    return {"emoji": dict(ws.custom_emoji), "cache_ts": f"{ws.clock():.6f}"}


HANDLERS: dict[str, Handler] = {"emoji.list": emoji_list}
