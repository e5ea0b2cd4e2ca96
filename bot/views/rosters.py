"""What Aplauso tells admins about team rosters: teams left without a manager."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import t
from bot.views.blocks import Block, escaped_clip, mention, pack_sections, slack_message
from engagement.teams_model import ManagerLeft

TEAM_NAME_MAX = 80


def manager_left(teams: Sequence[ManagerLeft], lang: str) -> tuple[str, list[Block]]:
    """One line per team, each with the command that names a successor."""
    lines = [
        t(
            lang,
            "roster.manager_left",
            team=escaped_clip(team.team, TEAM_NAME_MAX),
            manager=mention(team.manager_id),
        )
        for team in teams
    ]
    title = t(lang, "roster.manager_left_title")
    return slack_message("\n".join(lines), pack_sections(title, lines))
