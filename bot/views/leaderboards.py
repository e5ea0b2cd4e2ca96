"""Leaderboards as Slack messages: `/kudos top`, a season's closing post, the Home switch.

Pure functions of the board: people share a place when their counts are equal (medals for
the first three places), and teams show kudos per person next to the raw count, so a small
team that is thanked often ranks above a large one thanked now and then.
"""

from __future__ import annotations

from bot.i18n import t
from bot.views.blocks import (
    Block,
    actions,
    button,
    context,
    escaped_clip,
    header,
    pack_sections,
    section,
    slack_message,
)
from bot.views.privacy import person_ref
from engagement.kudos_model import Place
from engagement.leaderboards_model import (
    Board,
    HomeBoard,
    Period,
    SeasonEnded,
    SeasonStarted,
    SeasonSummary,
    TeamRate,
)

Message = tuple[str, list[Block]]
MEDALS = (":first_place_medal:", ":second_place_medal:", ":third_place_medal:")
NAMED_PER_PLACE = 5
TEAM_NAME_MAX = 80
HOME_PERIODS = (Period.WEEK, Period.MONTH, Period.QUARTER, Period.SEASON)
HOME_BOARD_ACTION_PREFIX = "home_board_"


def board_title(lang: str, period: Period, season_name: str | None) -> str:
    if period is Period.SEASON:
        if season_name is None:
            return t(lang, "leaderboards.no_season")
        return t(lang, "leaderboards.title.season", name=escaped_clip(season_name, TEAM_NAME_MAX))
    return t(lang, f"leaderboards.title.{period.value}")


def board_message(board: Board, lang: str) -> Message:
    """The answer to `/kudos top`: the title, the people, the teams by rate."""
    title = board_title(lang, board.period, board.season_name)
    about = [t(lang, "leaderboards.utc_note")]
    if board.value is not None:
        about.insert(0, board.value.label(lang))
    if board.team_name is not None:
        about.insert(0, escaped_clip(board.team_name, TEAM_NAME_MAX))
    blocks: list[Block] = [header(title), context("  ·  ".join(about)), *_body(board, lang)]
    return slack_message(title, blocks)


def _body(board: Board, lang: str) -> list[Block]:
    if not board.people:
        return [section(t(lang, "leaderboards.empty"))]
    people = [_place_line(place, lang) for place in board.people]
    blocks = pack_sections(f"*{t(lang, 'leaderboards.people_title')}*", people)
    if board.teams:
        teams = [_team_line(team, lang) for team in board.teams]
        blocks += pack_sections(f"*{t(lang, 'leaderboards.teams_title')}*", teams)
    if board.more_teams:
        blocks.append(context(t(lang, "home.leaderboard_more", count=board.more_teams)))
    return blocks


def _place_line(place: Place, lang: str) -> str:
    """One line per place; people tied share it (and its medal), a long tie is counted."""
    named = [person_ref(user_id, lang) for user_id in place.user_ids[:NAMED_PER_PLACE]]
    people = ", ".join(named)
    hidden = len(place.user_ids) - len(named)
    if hidden:
        people += " " + t(lang, "home.leaderboard_others", count=hidden)
    mark = MEDALS[place.rank - 1] if place.rank <= len(MEDALS) else f"{place.rank}."
    return f"{mark} {people} · {t(lang, 'leaderboards.kudos', count=place.kudos)}"


def rate_text(rate: float, lang: str) -> str:
    """One decimal, with the reader's decimal mark (0.8 in English, 0,8 in Spanish)."""
    text = f"{rate:.1f}"
    return text.replace(".", ",") if lang == "es" else text


def _team_line(team: TeamRate, lang: str) -> str:
    return t(
        lang,
        "leaderboards.team_line",
        rank=team.rank,
        team=escaped_clip(team.name, TEAM_NAME_MAX),
        rate=rate_text(team.rate, lang),
        kudos=t(lang, "leaderboards.kudos", count=team.kudos),
        people=t(lang, "leaderboards.people", count=team.members),
    )


def season_summary_message(summary: SeasonSummary, lang: str) -> Message:
    """The closing post: who was thanked most, which teams did best per person, the top value."""
    title = t(lang, "leaderboards.season_over", name=escaped_clip(summary.name, TEAM_NAME_MAX))
    blocks: list[Block] = [header(title), *_body(summary.board, lang)]
    if summary.top_value is not None:
        value, count = summary.top_value
        line = t(lang, "leaderboards.top_value", value=value.label(lang), count=count)
        blocks.append(section(line))
    blocks.append(context(t(lang, "leaderboards.thanks_everyone")))
    return slack_message(title, blocks)


def season_started_text(started: SeasonStarted, lang: str) -> str:
    return t(lang, "leaderboards.season_started", name=escaped_clip(started.name, TEAM_NAME_MAX))


def season_ended_text(ended: SeasonEnded, lang: str) -> str:
    """Tells the admin where the summary went, and how to fix a missing invite."""
    name = escaped_clip(ended.summary.name, TEAM_NAME_MAX)
    channel = f"<#{ended.channel_id}>" if ended.channel_id else ""
    return t(lang, f"leaderboards.season_ended.{ended.delivery.value}", name=name, channel=channel)


def home_board_heading(board: HomeBoard | None, lang: str) -> list[Block]:
    """The title of the Home board and its period switch (the chosen period is highlighted)."""
    period = board.period if board else Period.MONTH
    if board is None or period is Period.MONTH:
        title = t(lang, "home.leaderboard_title")
    else:
        title = board_title(lang, period, board.season_name)
    switch = actions(
        *(
            button(
                t(lang, f"leaderboards.switch.{choice.value}"),
                HOME_BOARD_ACTION_PREFIX + choice.value,
                value=choice.value,
                style="primary" if choice is period else None,
            )
            for choice in HOME_PERIODS
        ),
        block_id="home_board_switch",
    )
    return [section(f"*{title}*"), switch]


def home_board_empty(board: HomeBoard | None, lang: str) -> str:
    if board is None or board.period is Period.MONTH:
        return t(lang, "home.leaderboard_empty")
    if board.period is Period.SEASON and board.season_name is None:
        return t(lang, "leaderboards.no_season")
    return t(lang, "leaderboards.empty")
