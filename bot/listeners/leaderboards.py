"""Leaderboards: `/kudos top`, the App Home's period switch, and `/aplauso season ...`.

`/kudos` routes `top` here (see `bot/listeners/kudos.py`) and `/aplauso` routes `season`
(`temporada`); each parses the words, calls one `LeaderboardService` method and renders it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.adapters.replies import Message, reply_message
from bot.adapters.slack_messages import publish_home
from bot.middleware import language_of
from bot.parsing import click_of, user_id_of
from bot.surfaces import Surfaces
from bot.views import leaderboards as views
from bot.views.admin import refusal_text
from bot.views.home import home_view
from engagement.errors import DomainError
from engagement.leaderboards import LeaderboardService
from engagement.services import Services

START_WORDS = frozenset({"start", "iniciar", "empezar"})
END_WORDS = frozenset({"end", "terminar", "finish", "acabar"})


def answer_top(
    leaderboards: LeaderboardService,
    context: BoltContext,
    command: dict[str, Any],
    respond: Respond,
) -> None:
    """`/kudos top [period] [#value] [team]`, answered only to the person who asked."""
    lang = language_of(context)
    message: Message
    try:
        board = leaderboards.board(str(command.get("text") or ""))
        message = views.board_message(board, lang)
    except DomainError as error:
        message = (refusal_text(error, lang), None)
    reply_message(respond, context.client, command.get("channel_id"), user_id_of(command), message)


def season_action(services: Services, user_id: str, rest: str, lang: str) -> str:
    """`/aplauso season start NAME` and `/aplauso season end` (or `temporada iniciar|terminar`)."""
    verb, _, name = rest.strip().partition(" ")
    if verb.lower() in START_WORDS:
        return views.season_started_text(services.leaderboards.start_season(user_id, name), lang)
    if verb.lower() in END_WORDS:
        return views.season_ended_text(services.leaderboards.end_season(user_id), lang)
    raise DomainError("leaderboards.errors.season_usage")


def register(surfaces: Surfaces, services: Services) -> None:
    @surfaces.action(re.compile(re.escape(views.HOME_BOARD_ACTION_PREFIX) + r"\w+"))
    def home_board_period(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        """A period button on App Home: the tab again, with that period's board."""
        ack()
        user_id = user_id_of(body)
        page = services.kudos.home(user_id)
        board = None
        if page.stats.leaderboard is not None:  # admins may have hidden the board
            board = services.leaderboards.home_board(click_of(body).value)
            page = replace(page, stats=replace(page.stats, leaderboard=board.teams))
        publish_home(context.client, user_id, home_view(page, page.lang, board))
