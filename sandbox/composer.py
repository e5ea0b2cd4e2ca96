"""What Slack's composer makes of text a person types after a slash command.

People pick colleagues, user groups and channels from the composer's suggestions. What the app
receives then depends on the command's ``should_escape`` in the manifest
(https://api.slack.com/interactivity/slash-commands, "Escape channels, users, and links"):

- escaping on: a picked person arrives as ``<@U123|username>``, a user group as
  ``<!subteam^S123|@handle>``, a public channel as ``<#C123|name>`` and a private one as
  ``<#C123|>``; links are wrapped in angle brackets;
- escaping off: the plain text the composer shows, ``@Display Name`` (the real name when the
  display name is empty, spaces and accents included), ``@handle``, ``#name``.

:func:`compose` resolves the ``@...`` and ``#...`` a test typed against the directory (display
names, real names, usernames and user-group handles, longest match first, case-insensitive),
the way picking from the suggestions would, and renders them per ``should_escape``. Anything
it cannot resolve is left exactly as typed, as Slack leaves text that was not picked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sandbox.conversations import Conversation
from sandbox.directory import Person, Usergroup

_URL = re.compile(r"https?://[^\s<>]+")
_CHANNEL_NAME = re.compile(r"[a-z0-9_\-]+", re.IGNORECASE)


@dataclass(frozen=True)
class _Pick:
    """Something the composer can suggest after ``@``."""

    label: str
    escaped: str
    plain: str


def _people_picks(people: Iterable[Person]) -> list[_Pick]:
    picks = []
    for person in people:
        if person.deleted:
            continue
        shown = person.display_name or person.real_name or person.name
        escaped = f"<@{person.id}|{person.name}>"
        for label in {person.display_name, person.real_name, person.name} - {""}:
            picks.append(_Pick(label, escaped, f"@{shown}"))
    return picks


def _group_picks(groups: Iterable[Usergroup]) -> list[_Pick]:
    return [
        _Pick(group.handle, f"<!subteam^{group.id}|@{group.handle}>", f"@{group.handle}")
        for group in groups
        if not group.disabled
    ]


def _ends_word(text: str, index: int) -> bool:
    return index >= len(text) or not (text[index].isalnum() or text[index] in "_-")


def _starts_word(text: str, index: int) -> bool:
    return index == 0 or text[index - 1].isspace() or text[index - 1] in "([{\"'"


def compose(
    typed: str,
    *,
    people: Iterable[Person],
    usergroups: Iterable[Usergroup],
    channels: Iterable[Conversation],
    user_id: str,
    escape: bool,
) -> str:
    """The ``text`` of the slash command Slack sends for what a person typed (see module doc)."""
    picks = sorted(
        _people_picks(people) + _group_picks(usergroups), key=lambda pick: -len(pick.label)
    )
    visible = {
        channel.name.lower(): channel
        for channel in channels
        if channel.kind == "public" or channel.has_member(user_id)
    }
    out: list[str] = []
    index = 0
    while index < len(typed):
        char = typed[index]
        if char == "@" and _starts_word(typed, index):
            pick = _match(typed, index + 1, picks)
            if pick is not None:
                out.append(pick.escaped if escape else pick.plain)
                index += 1 + len(pick.label)
                continue
        if char == "#" and _starts_word(typed, index):
            found = _CHANNEL_NAME.match(typed, index + 1)
            channel = visible.get(found.group(0).lower()) if found else None
            if found is not None and channel is not None and _ends_word(typed, found.end()):
                out.append(_channel(channel, escape))
                index = found.end()
                continue
        if escape and _starts_word(typed, index):
            link = _URL.match(typed, index)
            if link is not None:
                out.append(f"<{link.group(0)}>")
                index = link.end()
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _match(text: str, start: int, picks: list[_Pick]) -> _Pick | None:
    for pick in picks:
        end = start + len(pick.label)
        if text[start:end].casefold() == pick.label.casefold() and _ends_word(text, end):
            return pick
    return None


def _channel(channel: Conversation, escape: bool) -> str:
    if not escape:
        return f"#{channel.name}"
    name = channel.name if channel.kind == "public" else ""
    return f"<#{channel.id}|{name}>"
