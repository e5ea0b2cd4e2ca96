"""Quieter kudos: the daily thread's parent post and the daily summary DM."""

from __future__ import annotations

from datetime import date

from bot.i18n import t
from bot.views.blocks import Block, context, escaped_clip, section, slack_message
from bot.views.privacy import person_ref
from engagement.celebrations import DAILY, EACH, KudosSummary

SUMMARY_EVENT = "aplauso_kudos_summary"
MESSAGE_MAX = 300  # a summary line quotes the start of each kudos
LINES_MAX = 40  # the rest are in App Home


def day_parent(day: date, lang: str) -> tuple[str, list[Block]]:
    text = t(lang, "quiet.thread_parent", date=day.isoformat())
    return slack_message(text, [section(f"*{text}*")])


def summary_message(summary: KudosSummary) -> tuple[str, list[Block]]:
    lang, day = summary.lang, summary.day.isoformat()
    lines = [
        t(
            lang,
            "quiet.summary_line",
            giver=person_ref(item.giver_id, lang),
            value=f" {item.value_emoji}" if item.value_emoji else "",
            message=escaped_clip(item.message, MESSAGE_MAX),
        )
        for item in summary.items[:LINES_MAX]
    ]
    title = t(lang, "quiet.summary_title", date=day)
    text = t(lang, "quiet.summary_text", count=len(summary.items), date=day)
    blocks = [
        section(f"*{title}*\n{text}"),
        section("\n".join(lines)),
        context(t(lang, "quiet.summary_footer")),
    ]
    return slack_message(text, blocks)


def summary_metadata(summary: KudosSummary) -> dict[str, object]:
    return {"event_type": SUMMARY_EVENT, "event_payload": {"day": summary.day.isoformat()}}


def dm_mode_text(mode: str, lang: str) -> str:
    key = (
        "quiet.dms_each"
        if mode == EACH
        else "quiet.dms_daily"
        if mode == DAILY
        else "quiet.dms_off"
    )
    return t(lang, key)
