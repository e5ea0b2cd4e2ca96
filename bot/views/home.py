"""The App Home tab: a person's own corner of Aplauso.

It shows what they received (recognition is worth rereading), how many kudos they can still give
today, and a one-click way to give one, because the easiest moment to thank someone is right
after being reminded that thanks matter.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import t
from bot.views.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    escaped_clip,
    fields_section,
    fit_view,
    header,
    section,
)
from bot.views.kudos import GIVE_KUDOS_ACTION, link, quoted_words
from bot.views.leaderboards import MEDALS as BOARD_MEDALS
from bot.views.leaderboards import home_board_empty, home_board_heading
from bot.views.privacy import person_ref
from engagement.kudos_model import HomePage, HomeStats, RecentKudos, TeamLeaders
from engagement.leaderboards_model import HomeBoard

SEND_FEEDBACK_ACTION = "home_send_feedback"
RECENT_SHOWN_MAX = 10
RECENT_MESSAGE_MAX = 200
TOP_VALUES_SHOWN_MAX = 5
# People named per place; the rest of a tie is counted ("and 3 others").
NAMED_PER_PLACE = 5
# Two sections of ten fields each: enough for most companies, and far below 100 blocks.
TEAMS_SHOWN_MAX = 20
TEAMS_PER_SECTION = 10
TEAM_NAME_MAX = 80
MEDALS = BOARD_MEDALS  # one set of medals for every board


def home_view(page: HomePage, lang: str, board: HomeBoard | None = None) -> dict[str, Any]:
    """The whole Home tab: greeting, the person's kudos, the values, how to get started."""
    welcome = t(lang, "home.title", name=page.name) if page.name.strip() else t(lang, "home.text")
    blocks: list[Block] = [header(welcome), *_kudos_blocks(page.stats, lang, board)]
    values = _values_blocks(page.stats, lang)
    if values:
        blocks += [divider(), section(f"*{t(lang, 'home.values_title')}*"), *values]
    blocks += [divider(), context(t(lang, "home.getting_started"))]
    return {"type": "home", "blocks": fit_view(blocks)}


def _values_blocks(stats: HomeStats, lang: str) -> list[Block]:
    """The service values, which teach what good internal service looks like."""
    lines = [value.label(lang) for value in stats.values]
    if not lines:
        return []
    if len(lines) <= 10:
        return [context(*lines)]
    return [context("  ·  ".join(lines))]


def _kudos_blocks(stats: HomeStats, lang: str, board: HomeBoard | None) -> list[Block]:
    blocks: list[Block] = [
        section(t(lang, "home.intro")),
        actions(
            button(t(lang, "home.give_kudos"), GIVE_KUDOS_ACTION, style="primary"),
            button(t(lang, "home.send_feedback"), SEND_FEEDBACK_ACTION),
        ),
        divider(),
        section(f"*{t(lang, 'home.stats_title')}*"),
        fields_section(
            [
                t(lang, "home.received_month", count=stats.received_this_month),
                t(lang, "home.given_month", count=stats.given_this_month),
                t(
                    lang,
                    "home.left_today",
                    remaining=max(stats.remaining_today, 0),
                    limit=stats.daily_limit,
                ),
            ]
        ),
    ]
    if stats.top_values:
        top = [
            f"{value.label(lang)} ×{count}"
            for value, count in stats.top_values[:TOP_VALUES_SHOWN_MAX]
        ]
        blocks.append(section(t(lang, "home.top_values_title") + "\n" + "\n".join(top)))
    blocks.append(divider())
    if stats.recent:
        blocks.append(section(t(lang, "home.recent_title")))
        blocks += [_recent_block(kudos, lang) for kudos in stats.recent[:RECENT_SHOWN_MAX]]
    else:
        blocks.append(section(t(lang, "home.empty")))
    if stats.leaderboard is not None:
        blocks.append(divider())
        blocks += _leaderboard_blocks(stats.leaderboard, lang, board)
    return blocks


def _recent_block(kudos: RecentKudos, lang: str) -> Block:
    """One kudos per block: who, which value, when, and a taste of what they said."""
    meta = [person_ref(kudos.giver_id, lang)]
    if kudos.value:
        meta.append(kudos.value.label(lang))
    meta.append(kudos.created_at.date().isoformat())
    if kudos.permalink:
        meta.append(link(kudos.permalink, t(lang, "kudos.view_message")))
    text = "  ·  ".join(meta)
    if kudos.message.strip():
        text += "\n" + quoted_words(" ".join(kudos.message.split()), lang, RECENT_MESSAGE_MAX)
    return section(text)


def _leaderboard_blocks(
    leaderboard: tuple[TeamLeaders, ...], lang: str, board: HomeBoard | None
) -> list[Block]:
    """Most thanked per team, as two-column fields so thirty teams still fit the tab."""
    blocks: list[Block] = home_board_heading(board, lang)  # the title and the period switch
    teams = [team for team in leaderboard if team.leaders]
    if not teams:
        blocks.append(context(home_board_empty(board, lang)))
        return blocks
    shown = teams[:TEAMS_SHOWN_MAX]
    fields = [_team_field(team, lang) for team in shown]
    for start in range(0, len(fields), TEAMS_PER_SECTION):
        blocks.append(fields_section(fields[start : start + TEAMS_PER_SECTION]))
    hidden = len(teams) - len(shown)
    if hidden > 0:
        blocks.append(context(t(lang, "home.leaderboard_more", count=hidden)))
    if any(len(place.user_ids) > 1 for team in shown for place in team.places):
        blocks.append(context(t(lang, "home.leaderboard_tied")))
    return blocks


def _team_field(team: TeamLeaders, lang: str) -> str:
    """One line per place: people tied share it and its medal, and a long tie is named in
    part with "and N others" rather than cut silently."""
    lines = [f"*{escaped_clip(team.team_name, TEAM_NAME_MAX)}*"]
    for place in team.places:
        named = [person_ref(user_id, lang) for user_id in place.user_ids[:NAMED_PER_PLACE]]
        hidden = len(place.user_ids) - len(named)
        people = ", ".join(named)
        if hidden:
            people += " " + t(lang, "home.leaderboard_others", count=hidden)
        lines.append(f"{MEDALS[place.rank - 1]} {people} · {place.kudos}")
    return "\n".join(lines)
