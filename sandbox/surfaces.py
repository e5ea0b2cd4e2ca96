"""Short-lived things Slack hands out: trigger ids, response URLs and file uploads.

Each has a lifetime rule the app must respect (a trigger id works once, within 3 s; a
response URL works 5 times within 30 minutes; an upload must be completed to be shared), so
the fake enforces those rules rather than accepting anything.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]

TRIGGER_TTL_SECONDS = 3.0
RESPONSE_URL_TTL_SECONDS = 30 * 60
RESPONSE_URL_MAX_USES = 5


@dataclass
class Trigger:
    """A ``trigger_id`` issued with an interaction; exchanged at most once by ``views.*``."""

    id: str
    user_id: str | None
    issued_at: float
    used: bool = False


@dataclass
class ResponseUrl:
    """A ``response_url`` and what it answers to (the channel, person and original message)."""

    id: str
    channel_id: str | None
    user_id: str | None
    message_ts: str | None
    created_at: float
    uses: int = 0


@dataclass
class UploadedFile:
    """A file going through ``files.getUploadURLExternal`` -> upload -> complete."""

    id: str
    filename: str
    length: int
    upload_token: str
    created: int
    user_id: str
    title: str = ""
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    completed: bool = False
    channels: list[str] = field(default_factory=list)
    permalink: str = ""

    @property
    def mimetype(self) -> str:
        """The MIME type Slack would guess from the name."""
        return mimetypes.guess_type(self.filename)[0] or "application/octet-stream"

    def to_json(self, team_domain: str) -> JsonDict:
        """The file object of ``files.completeUploadExternal`` and of file-share messages."""
        extension = self.filename.rsplit(".", 1)[-1].lower() if "." in self.filename else ""
        base = f"https://files.{team_domain}.slack.test/files-pri/{self.id}/{self.filename}"
        ims = [channel for channel in self.channels if channel.startswith("D")]
        public = [channel for channel in self.channels if channel.startswith("C")]
        private = [channel for channel in self.channels if channel.startswith("G")]
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": self.mimetype,
            "filetype": extension or "binary",
            "pretty_type": extension.upper() or "Binary",
            "user": self.user_id,
            "user_team": "",
            "editable": False,
            "size": len(self.content) if self.content is not None else self.length,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": bool(public),
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": base,
            "url_private_download": f"{base}?download=1",
            "permalink": self.permalink,
            "alt_txt": self.alt_txt,
            "channels": public,
            "groups": private,
            "ims": ims,
            "comments_count": 0,
            "has_rich_preview": False,
            "file_access": "visible",
        }
