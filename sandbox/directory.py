"""People and user groups of the fake workspace, rendered in Slack's own JSON shapes.

The app decides languages, schedules and who to ask from these objects, so the shapes follow
Slack's reference closely: ``locale`` only when asked for, ``tz_offset`` in seconds at the
current instant (it moves with daylight saving), deactivated people keep their id but lose
their time zone, bots carry ``is_bot`` and a ``bot_id`` in the profile, and Slackbot
(``USLACKBOT``) is listed with ``is_bot: false`` exactly as Slack lists it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

JsonDict = dict[str, Any]

SLACKBOT_ID = "USLACKBOT"

#: Long names Slack shows in ``tz_label`` for common zone abbreviations.
_TZ_LABELS = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "GMT": "Greenwich Mean Time",
    "UTC": "Coordinated Universal Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "IST": "India Standard Time",
    "JST": "Japan Standard Time",
}


def tz_details(tz: str, at: float) -> tuple[int, str]:
    """``(tz_offset seconds, tz_label)`` of an IANA zone at a Unix time, like Slack computes."""
    moment = datetime.fromtimestamp(at, tz=UTC).astimezone(ZoneInfo(tz))
    offset = moment.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    abbreviation = moment.tzname() or "UTC"
    if abbreviation in _TZ_LABELS:
        return seconds, _TZ_LABELS[abbreviation]
    hours, minutes = divmod(abs(seconds) // 60, 60)
    sign = "+" if seconds >= 0 else "-"
    return seconds, f"GMT{sign}{hours:02d}:{minutes:02d}"


@dataclass
class Person:
    """A member of the workspace (human, bot or deactivated)."""

    id: str
    name: str
    team_id: str
    real_name: str = ""
    display_name: str = ""
    locale: str = "en-US"
    tz: str = "America/New_York"
    tz_offset: int | None = None
    is_bot: bool = False
    deleted: bool = False
    email: str | None = None
    bot_id: str | None = None
    is_app_user: bool = False
    updated: int = 0

    def to_json(self, *, include_locale: bool, now: float) -> JsonDict:
        """The ``user`` object of ``users.info`` / one member of ``users.list``."""
        real_name = self.real_name or self.name
        avatar = hashlib.sha256(self.id.encode()).hexdigest()[:12]
        profile: JsonDict = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "first_name": real_name.split(" ")[0] if real_name else "",
            "last_name": " ".join(real_name.split(" ")[1:]),
            "title": "",
            "phone": "",
            "status_text": "",
            "status_emoji": "",
            "avatar_hash": avatar,
            "team": self.team_id,
        }
        for size in (24, 32, 48, 72, 192, 512):
            profile[f"image_{size}"] = f"https://avatars.sandbox.slack.test/{avatar}_{size}.png"
        if self.email and not self.is_bot:
            profile["email"] = self.email
        if self.bot_id:
            profile["bot_id"] = self.bot_id
            profile["always_active"] = True
        user: JsonDict = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "profile": profile,
            "is_bot": self.is_bot,
            "is_app_user": self.is_app_user,
            "updated": self.updated,
        }
        if not self.deleted:
            offset, label = tz_details(self.tz, now)
            user.update(
                {
                    "color": avatar[:6],
                    "real_name": real_name,
                    "tz": self.tz,
                    "tz_label": label,
                    "tz_offset": self.tz_offset if self.tz_offset is not None else offset,
                    "is_admin": False,
                    "is_owner": False,
                    "is_primary_owner": False,
                    "is_restricted": False,
                    "is_ultra_restricted": False,
                    "is_email_confirmed": bool(self.email),
                    "who_can_share_contact_card": "EVERYONE",
                }
            )
        if include_locale:
            user["locale"] = self.locale
        return user


@dataclass
class Usergroup:
    """A user group (``@handle``), as ``usergroups.list`` shows it."""

    id: str
    handle: str
    team_id: str
    user_ids: list[str] = field(default_factory=list)
    name: str = ""
    description: str = ""
    created: int = 0
    disabled: bool = False

    def to_json(self, *, include_users: bool, include_count: bool) -> JsonDict:
        """One entry of ``usergroups.list``."""
        group: JsonDict = {
            "id": self.id,
            "team_id": self.team_id,
            "is_usergroup": True,
            "is_subteam": True,
            "name": self.name or self.handle,
            "description": self.description,
            "handle": self.handle,
            "is_external": False,
            "date_create": self.created,
            "date_update": self.created,
            "date_delete": self.created if self.disabled else 0,
            "auto_type": None,
            "auto_provision": False,
            "enterprise_subteam_id": "",
            "created_by": "",
            "updated_by": "",
            "deleted_by": None,
            "prefs": {"channels": [], "groups": []},
        }
        if include_users:
            group["users"] = list(self.user_ids)
        if include_count:
            group["user_count"] = len(self.user_ids)
        return group
