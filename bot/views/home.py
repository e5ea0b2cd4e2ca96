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
    blockquote,
    button,
    context,
    divider,
    escaped_clip,
    fields_section,
    fit_view,
    header,
    mention,
    section,
)
from bot.views.kudos import GIVE_KUDOS_ACTION, link
from engagement.kudos_model import HomePage, HomeStats, RecentKudos, TeamLeaders

SEND_FEEDBACK_ACTION = "home_send_feedback"
RECENT_SHOWN_MAX = 10
RECENT_MESSAGE_MAX = 200
TOP_VALUES_SHOWN_MAX = 5
LEADERS_PER_TEAM = 3
# Two sections of ten fields each: enough for most companies, and far below 100 blocks.
TEAMS_SHOWN_MAX = 20
TEAMS_PER_SECTION = 10
TEAM_NAME_MAX = 80
MEDALS = (":first_place_medal:", ":second_place_medal:", ":third_place_medal:")


def home_view(page: HomePage, lang: str) -> dict[str, Any]:
    """The whole Home tab: greeting, the person's kudos, the values, how to get started."""
    welcome = t(lang, "home.title", name=page.name) if page.name.strip() else t(lang, "home.text")
    blocks: list[Block] = [header(welcome), *_kudos_blocks(page.stats, lang)]
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


def _kudos_blocks(stats: HomeStats, lang: str) -> list[Block]:
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
        blocks += _leaderboard_blocks(stats.leaderboard, lang)
    return blocks


def _recent_block(kudos: RecentKudos, lang: str) -> Block:
    """One kudos per block: who, which value, when, and a taste of what they said."""
    meta = [mention(kudos.giver_id)]
    if kudos.value:
        meta.append(kudos.value.label(lang))
    meta.append(kudos.created_at.date().isoformat())
    if kudos.permalink:
        meta.append(link(kudos.permalink, t(lang, "kudos.view_message")))
    text = "  ·  ".join(meta)
    if kudos.message.strip():
        text += "\n" + blockquote(" ".join(kudos.message.split()), RECENT_MESSAGE_MAX)
    return section(text)


def _leaderboard_blocks(leaderboard: tuple[TeamLeaders, ...], lang: str) -> list[Block]:
    """Most thanked per team, as two-column fields so thirty teams still fit the tab."""
    blocks: list[Block] = [section(f"*{t(lang, 'home.leaderboard_title')}*")]
    teams = [team for team in leaderboard if team.leaders]
    if not teams:
        blocks.append(context(t(lang, "home.leaderboard_empty")))
        return blocks
    shown = teams[:TEAMS_SHOWN_MAX]
    fields = [_team_field(team) for team in shown]
    for start in range(0, len(fields), TEAMS_PER_SECTION):
        blocks.append(fields_section(fields[start : start + TEAMS_PER_SECTION]))
    hidden = len(teams) - len(shown)
    if hidden > 0:
        blocks.append(context(t(lang, "home.leaderboard_more", count=hidden)))
    return blocks


def _team_field(team: TeamLeaders) -> str:
    lines = [f"*{escaped_clip(team.team_name, TEAM_NAME_MAX)}*"]
    for medal, (user_id, count) in zip(MEDALS, team.leaders[:LEADERS_PER_TEAM], strict=False):
        lines.append(f"{medal} {mention(user_id)} · {count}")
    return "\n".join(lines)
