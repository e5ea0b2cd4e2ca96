"""What an admin types for a person, a user group or a channel, turned into Slack ids.

`U02ANA`, `<@U02ANA>`, `@ana` and `ana` all mean Ana; `S0ITTEAM`, `<!subteam^S0ITTEAM>` and
`@it-team` the IT group; `C0KUDOS`, `<#C0KUDOS|kudos>`, `#C0KUDOS` and `#kudos` the kudos
channel. Ids are then checked against Slack, so a typo is one clear line, never a stored mistake.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from slack_sdk import WebClient

from bot.slack_checks import channel_by_name, require_channel, usergroup_by_handle
from engagement.errors import DomainError
from engagement.services import Services

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
MENTION = re.compile(r"^<[@#]([A-Z0-9]+)(?:\|[^<>]*)?>$")
SUBTEAM = re.compile(r"^<!subteam\^([A-Z0-9]+)(?:\|[^<>]*)?>$")
MAX_MATCHES_SHOWN = 5


def _mentioned(typed: str, pattern: re.Pattern[str]) -> str | None:
    """The id inside Slack's markup, or the text itself when it already is an id."""
    text = typed.strip()
    match = MENTION.match(text) or SUBTEAM.match(text)
    if match:
        return match.group(1)
    bare = text.lstrip("@#")
    return bare if pattern.match(bare) else None


class References:
    """Resolves typed references with the services (people) and Slack (groups, channels)."""

    def __init__(self, services: Services, client: WebClient) -> None:
        self._services = services
        self._client = client

    def person(self, typed: str) -> str:
        user_id = _mentioned(typed, USER_ID)
        if user_id:
            return user_id
        name = typed.strip().lstrip("@").strip()
        if not name:
            raise DomainError("cli.refs.unknown_person", name=typed)
        matches = self._services.teams.people_named(name)
        if not matches:
            raise DomainError("cli.refs.unknown_person", name=typed.strip())
        if len(matches) > 1:
            shown = ", ".join(f"{label} ({uid})" for uid, label in matches[:MAX_MATCHES_SHOWN])
            raise DomainError("cli.refs.ambiguous_person", name=typed.strip(), matches=shown)
        return matches[0][0]

    def people(self, typed: Sequence[str]) -> list[str]:
        return [self.person(item) for item in typed]

    def usergroup(self, typed: str) -> str:
        return _mentioned(typed, GROUP_ID) or usergroup_by_handle(self._client, typed.strip())

    def channel(self, typed: str) -> str:
        """The channel's id, once Slack says it exists and Aplauso is a member."""
        channel_id = _mentioned(typed, CHANNEL_ID) or channel_by_name(self._client, typed.strip())
        require_channel(self._client, channel_id)
        return channel_id
