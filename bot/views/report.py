"""`/aplauso report`, for admins: participation per team and who served whom, company-wide.

Only counts are shown, never scores, so nothing here can expose a small group's answers; a team
whose digest hides its scores this week is marked, with the reason. At most 50 team lines and a
12 × 12 table, so the message stays within Slack's limits however many teams there are.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import t
from bot.views.blocks import (
    SECTION_TEXT_MAX,
    Block,
    clip,
    context,
    divider,
    escaped_clip,
    header,
    mention,
    pack_sections,
    section,
    slack_message,
)
from bot.views.digest_text import percent
from bot.views.privacy import person_ref
from engagement.anonymity import THRESHOLD
from engagement.digest_model import CompanyReport, TeamParticipation
from engagement.kudos_patterns import BURST_WITHIN
from engagement.reports import DeliveryProblem

Message = tuple[str, list[Block]]

REPORT_ROWS_MAX = 50
REPORT_TEAM_MAX = 40
MATRIX_TEAMS_MAX = 12
MATRIX_LABEL_MAX = 14
CODE_FENCE = "```"
DELIVERY_ROWS_MAX = 20
# Slack's reasons, in words an admin can act on (digest.report.deliveries.reason.<word>).
REASON_WORDS = {
    "user_not_found": "gone",
    "account_inactive": "gone",
    "user_disabled": "gone",
    "cannot_dm_bot": "bot",
    "not_allowed": "refused",
    "messages_tab_disabled": "refused",
    "restricted_action": "refused",
    "channel_not_found": "closed",
    "is_archived": "closed",
    "ratelimited": "ratelimited",
    "connection_error": "unreachable",
    "timeout": "unreachable",
    "opted_out": "opted_out",
}


def _team_line(row: TeamParticipation, lang: str, k: int) -> str:
    line = "• " + t(
        lang,
        "digest.report.team_line",
        team=escaped_clip(" ".join(row.team_name.split()), REPORT_TEAM_MAX),
        answered=row.answered,
        invited=row.invited,
        percent=percent(row.answered, row.invited),
    )
    if row.hidden_reason == THRESHOLD:
        line += f" · _{t(lang, 'digest.report.below_k', k=k)}_"
    elif row.hidden_reason:
        line += f" · _{t(lang, 'digest.hidden.other')}_"
    return line


def _participation(report: CompanyReport, lang: str) -> tuple[list[Block], int, int]:
    rows = report.participation
    answered = sum(max(row.answered, 0) for row in rows)
    invited = sum(max(row.invited, 0) for row in rows)
    total = t(
        lang,
        "digest.report.total",
        answered=answered,
        invited=invited,
        percent=percent(answered, invited),
    )
    lines = [total, *(_team_line(row, lang, report.k) for row in rows[:REPORT_ROWS_MAX])]
    title = f":busts_in_silhouette: *{t(lang, 'digest.report.participation_title')}*"
    blocks = pack_sections(title, lines)
    if len(rows) > REPORT_ROWS_MAX:
        more = t(lang, "digest.report.more_teams", count=len(rows) - REPORT_ROWS_MAX)
        blocks.append(context(more))
    return blocks, answered, invited


def _matrix_cell(text: str) -> str:
    """A team label inside a code block: no backtick can close it, nothing can ping."""
    return text.replace("`", "'")


def _flow_counts(
    flows: Sequence[tuple[str, str, int]],
) -> tuple[dict[tuple[str, str], int], list[str]]:
    """Kudos per (giving, thanked) team, and the teams by kudos between teams, most first."""
    counts: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for giver, receiver, count in flows:
        if count <= 0:
            continue
        pair = (" ".join(giver.split()), " ".join(receiver.split()))
        counts[pair] = counts.get(pair, 0) + count
        for name in pair:
            totals[name] = totals.get(name, 0) + count
    return counts, sorted(totals, key=lambda name: (-totals[name], name.lower(), name))


def flow_matrix(
    flows: Sequence[tuple[str, str, int]], lang: str, teams_max: int = MATRIX_TEAMS_MAX
) -> tuple[str, int]:
    """The team × team table of kudos as monospace text, and how many teams were left out.

    Rows give, columns receive. Columns are numbered, rows carry the number and the name, so a
    dozen teams fit a Slack message's width. The teams kept are those with the most kudos
    between teams (given plus received); zero is shown as `·` so the numbers stand out.
    Returns unescaped text; the caller escapes it for Slack.
    """
    counts, teams = _flow_counts(flows)
    if not counts:
        return "", 0
    shown = teams[:teams_max]
    biggest = max((counts.get((a, b), 0) for a in shown for b in shown), default=0)
    width = max(len(str(biggest)), len(str(len(shown)))) + 2
    number = len(str(len(shown)))
    label_width = number + 1 + MATRIX_LABEL_MAX
    corner = clip(t(lang, "digest.report.corner"), label_width)
    lines = [
        corner.ljust(label_width) + "".join(str(i).rjust(width) for i in range(1, 1 + len(shown)))
    ]
    for index, giver in enumerate(shown, start=1):
        label = f"{str(index).rjust(number)} {clip(giver, MATRIX_LABEL_MAX)}"
        cells = "".join(
            (str(counts.get((giver, receiver), 0) or "·")).rjust(width) for receiver in shown
        )
        lines.append(_matrix_cell(label.ljust(label_width)) + cells)
    return "\n".join(line.rstrip() for line in lines), len(teams) - len(shown)


def _flows(report: CompanyReport, lang: str) -> list[Block]:
    table, hidden = flow_matrix(report.flows, lang)
    title = f":handshake: *{t(lang, 'digest.report.flows_title')}*"
    if not table:
        return [section(f"{title}\n{t(lang, 'digest.report.flows_none')}")]
    fenced = f"{CODE_FENCE}\n{escaped_clip(table, SECTION_TEXT_MAX - 80)}\n{CODE_FENCE}"
    blocks = [section(f"{title}\n{t(lang, 'digest.report.flows_hint')}"), section(fenced)]
    if hidden:
        truncated = t(lang, "digest.report.flows_truncated", shown=MATRIX_TEAMS_MAX, hidden=hidden)
        blocks.append(context(truncated))
    return blocks


def _reason(code: str, lang: str) -> str:
    word = REASON_WORDS.get(code)
    if word is None and code.startswith("chart_"):
        word = "chart"
    elif word is None and code.startswith("http_5"):
        word = "outage"
    if word is None:
        return t(lang, "digest.report.deliveries.reason.other", code=escaped_clip(code, 64))
    return t(lang, f"digest.report.deliveries.reason.{word}")


def _delivery_line(problem: DeliveryProblem, lang: str) -> str:
    where = {"person": mention(problem.user_id), "week": problem.week_start.isoformat()}
    if problem.team_name is None:
        line = t(lang, "digest.report.deliveries.pulse_line", **where)
    else:
        team = escaped_clip(" ".join(problem.team_name.split()), REPORT_TEAM_MAX)
        line = t(lang, "digest.report.deliveries.digest_line", team=team, **where)
    if problem.retrying:
        after = t(lang, "digest.report.deliveries.retrying", attempts=problem.attempts)
    else:
        after = t(lang, "digest.report.deliveries.given_up")
    return f"• {line}: {_reason(problem.reason, lang)} · _{after}_"


def _deliveries(report: CompanyReport, lang: str) -> list[Block]:
    """Pulses and digests Slack did not take: those still retried, and those given up."""
    problems = report.deliveries
    if not problems:
        return []
    title = f":warning: *{t(lang, 'digest.report.deliveries.title')}*"
    lines = [_delivery_line(problem, lang) for problem in problems[:DELIVERY_ROWS_MAX]]
    blocks = [divider(), *pack_sections(title, lines)]
    if len(problems) > DELIVERY_ROWS_MAX:
        more = len(problems) - DELIVERY_ROWS_MAX
        blocks.append(context(t(lang, "digest.report.deliveries.more", count=more)))
    return blocks


def _patterns(report: CompanyReport, lang: str) -> list[Block]:
    """Pairs who mostly thank each other, sprees at the daily limit and kudos emoji on one's
    own messages, named for admins (people who left as "a former colleague"): kudos are
    public acts, unlike pulse answers and feedback."""
    patterns = report.patterns
    if patterns.empty:
        return []
    lines = [
        t(
            lang,
            "digest.report.patterns.pair_line",
            first=person_ref(pair.first, lang),
            second=person_ref(pair.second, lang),
            first_to_second=pair.first_to_second,
            second_to_first=pair.second_to_first,
        )
        for pair in patterns.pairs
    ]
    minutes = int(BURST_WITHIN.total_seconds() // 60)
    lines += [
        t(
            lang,
            "digest.report.patterns.burst_line",
            person=person_ref(burst.giver_id, lang),
            minutes=minutes,
            count=burst.bursts,
        )
        for burst in patterns.bursts
    ]
    lines += [
        t(
            lang,
            "digest.report.patterns.self_reaction_line",
            person=person_ref(mine.user_id, lang),
            count=mine.messages,
        )
        for mine in patterns.self_reactions
    ]
    title = f":mag: *{t(lang, 'digest.report.patterns.title')}*"
    return [
        divider(),
        *pack_sections(title, lines),
        context(t(lang, "digest.report.patterns.hint")),
    ]


def report_message(report: CompanyReport, lang: str) -> Message:
    """The company report as one Slack message, with its plain-text fallback."""
    participation, answered, invited = _participation(report, lang)
    blocks: list[Block] = [
        header(t(lang, "digest.report.header")),
        *participation,
        divider(),
        *_flows(report, lang),
        *_deliveries(report, lang),
        *_patterns(report, lang),
        context(t(lang, "digest.anonymity_note", k=report.k)),
    ]
    rows = len(report.participation)
    text = t(lang, "digest.report.text", answered=answered, invited=invited, teams=rows)
    return slack_message(text, blocks)
