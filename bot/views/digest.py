"""The manager's weekly digest and the admins' company report, for Slack and for a terminal.

Pure functions from plain data (engagement.digest_model) to Block Kit or plain text. The digest
is where everything Aplauso gathers comes back to the person who can act on it, so it is built
around three rules:

* anonymity first: when the week is hidden (fewer than k answers, or an overlap with another
  team that would let someone subtract one group from the other) no score, eNPS, comment or
  suggestion is shown, whatever the data holds, and the reason is said plainly;
* what a person wrote (comments, team names, value labels) is escaped before it is shown as
  mrkdwn, so a comment saying `<!channel>` pings nobody;
* it ends with one concrete thing to try, drawn from the four remedies (plan the service with
  the team, train people in service, open channels and stay reachable, recognize good service).

The Slack message and the plain text are built from the same parts, so the demo prints exactly
what a manager would read in Slack.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.i18n import catalog, t
from bot.views.blocks import (
    FALLBACK_TEXT_MAX,
    SECTION_TEXT_MAX,
    Block,
    button,
    clip,
    context,
    divider,
    fit_message,
    header,
    section,
)
from bot.views.kudos import blockquote, escaped_clip
from engagement.digest_model import DigestData, DriverScore, ServiceRatingSummary
from engagement.pulse_bank import Driver

OPEN_FEEDBACK_ACTION = "digest_open_feedback"

Message = tuple[str, list[Block]]

TREND_WEEKS = 12
SPARK_LEVELS = "▁▂▃▄▅▆▇█"
SPARK_GAP = "·"
ARROW_UP, ARROW_DOWN, ARROW_FLAT = "↑", "↓", "→"
SCORE_STEP = 0.1
"""A score must move by at least this much (one shown decimal) to earn an up or down arrow."""
SCALE_MIN, SCALE_MAX = 1.0, 5.0

COMMENTS_MAX = 5
COMMENT_MAX = 300
SERVICE_COMMENTS_MAX = 3
TOP_ITEMS_MAX = 3
TEAM_SHOWN_MAX = 80
VALUE_SHOWN_MAX = 60

REPORT_ROWS_MAX = 50
REPORT_TEAM_MAX = 40
MATRIX_TEAMS_MAX = 12
MATRIX_LABEL_MAX = 14
CODE_FENCE = "```"

DRIVERS = tuple(driver.value for driver in Driver if driver is not Driver.ENPS)
REMEDIES = ("plan", "train", "channels", "recognize")
HIDDEN_REASONS = ("threshold", "overlap")


# ---------------------------------------------------------------------------------------------
# Small helpers, public because the chart and the other surfaces say the same things


def driver_name(driver: str, lang: str) -> str:
    """A driver's localized name; an unknown one is shown as its key, readably."""
    if driver in DRIVERS:
        return t(lang, f"digest.driver.{driver}")
    return driver.replace("_", " ").strip().capitalize() or driver


def decimal(value: float, lang: str) -> str:
    """One decimal with the reader's separator: 4.2 in English, 4,2 in Spanish."""
    return f"{value:.1f}".replace(".", t(lang, "digest.decimal_separator"))


def format_score(value: float, lang: str) -> str:
    """`4.2 / 5`."""
    return t(lang, "digest.score", score=decimal(value, lang))


def trend_arrow(current: float, previous: float | None, step: float = SCORE_STEP) -> str | None:
    """↑ or ↓ when the score moved by at least `step`, → when it held, None with nothing to
    compare. Rounded first, so that 4.3 after 4.2 counts as a move despite binary floats."""
    if previous is None:
        return None
    delta = round(current - previous, 2)
    if delta >= step:
        return ARROW_UP
    if delta <= -step:
        return ARROW_DOWN
    return ARROW_FLAT


def _sign_arrow(delta: int) -> str:
    return ARROW_UP if delta > 0 else ARROW_DOWN if delta < 0 else ARROW_FLAT


def sparkline(values: Sequence[float | None], weeks: int = TREND_WEEKS) -> str:
    """The last `weeks` values as `▁▂▃▄▅▆▇█` on the fixed 1-5 scale, `·` where a week is missing.

    A fixed scale rather than each line's own minimum and maximum, so that 4.0 to 4.2 looks as
    small as it is. Shorter histories are padded on the left, so lines stay aligned by week.
    """
    recent: list[float | None] = list(values)[-weeks:] if weeks > 0 else []
    gaps: list[float | None] = [None] * (weeks - len(recent))
    padded = gaps + recent
    marks = []
    for value in padded:
        if value is None or math.isnan(value):
            marks.append(SPARK_GAP)
            continue
        share = (min(max(value, SCALE_MIN), SCALE_MAX) - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)
        marks.append(SPARK_LEVELS[int(share * (len(SPARK_LEVELS) - 1) + 0.5)])
    return "".join(marks)


def percent(part: int, whole: int) -> int:
    """A whole percentage, rounded half up; 0 when nobody was invited."""
    return int(100 * part / whole + 0.5) if whole > 0 else 0


def signed(value: int) -> str:
    """`+40`, `-15`, `0`: how eNPS is usually written."""
    return f"{value:+d}" if value else "0"


def hidden_message(data: DigestData, lang: str) -> str:
    """Why this week's answers are not shown, in plain words."""
    reason = data.hidden_reason
    if reason not in HIDDEN_REASONS:
        reason = "threshold" if data.answered < data.k else "other"
    return t(lang, f"digest.hidden.{reason}", answered=data.answered, k=data.k)


def header_text(data: DigestData, lang: str) -> str:
    """`Logistics · week of 2026-11-23`, plain text (Slack headers and chart titles)."""
    team = clip(" ".join(data.team_name.split()), TEAM_SHOWN_MAX)
    return t(lang, "digest.header", team=team, date=data.week_start.isoformat())


def _plain_safe(text: str) -> str:
    """Text for a terminal: control characters (escape sequences included) become spaces."""
    return "".join(
        char if char == "\n" or unicodedata.category(char) != "Cc" else " " for char in text
    )


# ---------------------------------------------------------------------------------------------
# The parts of a digest, built once for Slack and for plain text


@dataclass(frozen=True)
class _Style:
    """How a part is written: Slack mrkdwn (escaped, bold) or plain terminal text."""

    slack: bool

    def user(self, text: str, limit: int) -> str:
        """Something a person typed, on one line: escaped for Slack, made safe for a terminal."""
        flat = " ".join(text.split())
        return escaped_clip(flat, limit) if self.slack else _plain_safe(clip(flat, limit))

    def quote(self, text: str, limit: int = COMMENT_MAX) -> str:
        if self.slack:
            return blockquote(text.strip(), limit)
        return "> " + _plain_safe(clip(text.strip(), limit)).replace("\n", "\n> ")

    def bold(self, text: str) -> str:
        return f"*{text}*" if self.slack else text

    def code(self, text: str) -> str:
        return f"`{text}`" if self.slack else text

    def emoji(self, name: str) -> str:
        return f"{name} " if self.slack else ""


SLACK = _Style(slack=True)
PLAIN = _Style(slack=False)


@dataclass
class _Part:
    title: str
    emoji: str = ""
    lines: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    button: tuple[str, str] | None = None  # (label, value) of the OPEN_FEEDBACK_ACTION button


def _participation(data: DigestData, lang: str) -> _Part:
    now = percent(data.answered, data.invited)
    line = t(
        lang,
        "digest.participation.line",
        answered=data.answered,
        invited=data.invited,
        percent=now,
    )
    if (
        data.previous_answered is not None
        and data.previous_invited is not None
        and data.previous_invited > 0
    ):
        points = now - percent(data.previous_answered, data.previous_invited)
        change = t(
            lang, "digest.participation.change", arrow=_sign_arrow(points), points=abs(points)
        )
        line = f"{line} · {change}"
    return _Part(t(lang, "digest.participation.title"), ":busts_in_silhouette:", [line])


def _driver_lines(drivers: Sequence[DriverScore], lang: str, style: _Style) -> list[str]:
    names = [driver_name(score.driver, lang) for score in drivers]
    width = max((len(name) for name in names), default=0)
    lines = []
    for score, name in zip(drivers, names, strict=True):
        arrow = trend_arrow(score.score, score.previous)
        spark = sparkline(score.trend)
        value = format_score(score.score, lang)
        if style.slack:
            shown = f"{value} {arrow}" if arrow else value
            lines.append(f"{style.bold(name)} · {shown} · {style.code(spark)}")
        else:
            lines.append(f"{name:<{width}}  {value:>7}  {arrow or ' '}  {spark}")
    return lines


def _drivers(data: DigestData, lang: str, style: _Style) -> list[_Part]:
    title = t(lang, "digest.drivers.title")
    if data.drivers is None:
        # Nothing computed from this week's answers crosses this line: not even stray data.
        return [_Part(title, ":lock:", [hidden_message(data, lang)])]
    lines = _driver_lines(data.drivers, lang, style)
    if not lines:
        lines = [t(lang, "digest.drivers.none")]
    if data.enps is not None:
        enps = data.enps
        lines.append(
            t(
                lang,
                "digest.enps.line",
                score=signed(enps.score),
                promoters=enps.promoters,
                passives=enps.passives,
                detractors=enps.detractors,
            )
        )
    parts = [_Part(title, ":bar_chart:", lines)]
    comments = [comment for comment in data.comments if comment.strip()][:COMMENTS_MAX]
    if comments:
        parts.append(
            _Part(
                t(lang, "digest.comments.title"),
                ":speech_balloon:",
                quotes=[style.quote(comment) for comment in comments],
            )
        )
    return parts


def _items(pairs: Sequence[tuple[str, int]], lang: str, style: _Style, limit: int) -> str:
    return ", ".join(
        t(lang, "digest.kudos.item", name=style.user(name, limit), count=count)
        for name, count in pairs[:TOP_ITEMS_MAX]
    )


def _kudos(data: DigestData, lang: str, style: _Style) -> _Part:
    lines = [t(lang, "digest.kudos.counts", received=data.kudos_received, given=data.kudos_given)]
    if data.top_values:
        values = _items(data.top_values, lang, style, VALUE_SHOWN_MAX)
        lines.append(t(lang, "digest.kudos.top_values", values=values))
    if data.thanked_by:
        flows = [(flow.team_name, flow.kudos) for flow in data.thanked_by]
        lines.append(
            t(lang, "digest.kudos.thanked_by", teams=_items(flows, lang, style, TEAM_SHOWN_MAX))
        )
    if data.thanked:
        flows = [(flow.team_name, flow.kudos) for flow in data.thanked]
        lines.append(
            t(lang, "digest.kudos.thanked", teams=_items(flows, lang, style, TEAM_SHOWN_MAX))
        )
    if data.kudos_received == 0 and data.kudos_given == 0:
        lines.append(t(lang, "digest.kudos.none"))
    return _Part(t(lang, "digest.kudos.title"), ":clap:", lines)


def _service_lines(service: ServiceRatingSummary, lang: str) -> list[str]:
    line = t(
        lang,
        "digest.service.average",
        score=format_score(service.average, lang),
        raters=service.raters,
    )
    arrow = trend_arrow(service.average, service.previous)
    if arrow:
        line = f"{line} · {t(lang, 'digest.service.change', arrow=arrow)}"
    return [line]


def _service(data: DigestData, lang: str, style: _Style) -> _Part | None:
    title = t(lang, "digest.service.title")
    if data.service is not None:
        comments = [c for c in data.service.comments if c.strip()][:SERVICE_COMMENTS_MAX]
        return _Part(
            title,
            ":handshake:",
            _service_lines(data.service, lang),
            [style.quote(comment) for comment in comments],
        )
    if data.service_raters_short is not None:
        short = t(lang, "digest.service.short", raters=data.service_raters_short, k=data.k)
        return _Part(title, ":handshake:", [short])
    return None


def _feedback(data: DigestData, lang: str) -> _Part:
    summary = data.feedback
    lines = [
        t(
            lang,
            "digest.feedback.counts",
            new=summary.new,
            open=summary.open,
            resolved=summary.resolved,
        )
    ]
    part = _Part(t(lang, "digest.feedback.title"), ":mailbox_with_mail:", lines)
    if summary.oldest_open_thread:
        days = max(summary.oldest_open_days or 0, 0)
        key = "digest.feedback.oldest_one" if days == 1 else "digest.feedback.oldest_many"
        lines.append(t(lang, key, days=days))
        part.button = (t(lang, "digest.feedback.open_button"), summary.oldest_open_thread)
    return part


def _tip(driver: str, remedy: str, lang: str) -> str:
    specific = f"digest.suggestion.tips.{remedy}.{driver}"
    if specific in catalog("en"):
        return t(lang, specific)
    name = driver_name(driver, lang)
    return t(lang, f"digest.suggestion.generic.{remedy}", driver=name[:1].lower() + name[1:])


def _suggestion(data: DigestData, lang: str, style: _Style) -> _Part | None:
    """One concrete thing to try, for the weakest driver, from the four remedies.

    Never on a hidden week: naming the weakest driver would tell what the hidden answers said.
    """
    suggestion = data.suggestion
    if suggestion is None or data.drivers is None or suggestion.remedy not in REMEDIES:
        return None
    name = driver_name(suggestion.driver, lang)
    scores = [s.score for s in data.drivers if s.driver == suggestion.driver]
    if scores:
        weakest = t(
            lang, "digest.suggestion.weakest", driver=name, score=format_score(scores[0], lang)
        )
    else:
        weakest = t(lang, "digest.suggestion.weakest_no_score", driver=name)
    remedy = t(lang, f"digest.suggestion.remedy.{suggestion.remedy}")
    tip = _tip(suggestion.driver, suggestion.remedy, lang)
    return _Part(
        t(lang, "digest.suggestion.title"),
        ":bulb:",
        [weakest, f"{style.bold(remedy)}: {tip}"],
    )


def _parts(data: DigestData, lang: str, style: _Style) -> list[list[_Part]]:
    """The digest's parts in order, grouped where a divider separates them in Slack."""
    groups: list[list[_Part]] = [[_participation(data, lang), *_drivers(data, lang, style)]]
    middle = [_kudos(data, lang, style)]
    service = _service(data, lang, style)
    if service:
        middle.append(service)
    middle.append(_feedback(data, lang))
    groups.append(middle)
    suggestion = _suggestion(data, lang, style)
    if suggestion:
        groups.append([suggestion])
    return groups


# ---------------------------------------------------------------------------------------------
# The digest


def _part_block(part: _Part) -> Block:
    body = [f"{SLACK.emoji(part.emoji)}{SLACK.bold(part.title)}", *part.lines]
    text = "\n".join(body)
    if part.quotes:
        text += "\n" + "\n\n".join(part.quotes)
    accessory = None
    if part.button:
        label, value = part.button
        accessory = button(label, OPEN_FEEDBACK_ACTION, value=value)
    return section(clip(text, SECTION_TEXT_MAX), accessory=accessory)


def _fallback(text: str) -> str:
    return clip(text, FALLBACK_TEXT_MAX).strip() or t("en", "common.app_name")


def digest_message(data: DigestData, lang: str) -> Message:
    """A manager's weekly DM: how the team is, what it said, and one thing to try.

    At most about twenty blocks and well under Slack's text limits: comments are at most five,
    each clipped to 300 characters, and the internal customers' comments at most three.
    """
    blocks: list[Block] = [header(header_text(data, lang))]
    for index, group in enumerate(_parts(data, lang, SLACK)):
        if index:
            blocks.append(divider())
        blocks.extend(_part_block(part) for part in group)
    blocks.append(context(t(lang, "digest.anonymity_note", k=data.k)))
    text = t(
        lang,
        "digest.text",
        team=escaped_clip(" ".join(data.team_name.split()), TEAM_SHOWN_MAX),
        answered=data.answered,
        invited=data.invited,
    )
    return _fallback(text), fit_message(blocks)


def digest_plain_text(data: DigestData, lang: str) -> str:
    """The same digest as readable plain text, for a terminal: no mrkdwn, nothing escaped."""
    title = _plain_safe(header_text(data, lang))
    out = [title, "=" * len(title)]
    for group in _parts(data, lang, PLAIN):
        for part in group:
            out.append("")
            out.append(part.title)
            out.extend(f"  {line}" for line in part.lines)
            for index, quote in enumerate(part.quotes):
                if index:
                    out.append("")
                out.extend(f"  {line}" for line in quote.split("\n"))
    out.append("")
    out.append(t(lang, "digest.anonymity_note", k=data.k))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# The company report (`/aplauso report`, admins only)


def _report_team(name: str) -> str:
    return escaped_clip(" ".join(name.split()), REPORT_TEAM_MAX)


def _pack(title: str, lines: Sequence[str]) -> list[Block]:
    """A titled list packed into as few sections as Slack's 3,000 characters allow."""
    blocks: list[Block] = []
    current = title
    for line in lines:
        if len(current) + 1 + len(line) > SECTION_TEXT_MAX:
            blocks.append(section(current))
            current = line
        else:
            current = f"{current}\n{line}"
    blocks.append(section(current))
    return blocks


def _participation_report(
    rows: Sequence[tuple[str, int, int]], lang: str, k: int
) -> tuple[list[Block], int, int]:
    answered = sum(max(row[1], 0) for row in rows)
    invited = sum(max(row[2], 0) for row in rows)
    lines = [
        t(
            lang,
            "digest.report.total",
            answered=answered,
            invited=invited,
            percent=percent(answered, invited),
        )
    ]
    for team, team_answered, team_invited in rows[:REPORT_ROWS_MAX]:
        line = "• " + t(
            lang,
            "digest.report.team_line",
            team=_report_team(team),
            answered=team_answered,
            invited=team_invited,
            percent=percent(team_answered, team_invited),
        )
        if team_answered < k:
            line += f" · _{t(lang, 'digest.report.below_k', k=k)}_"
        lines.append(line)
    title = f":busts_in_silhouette: *{t(lang, 'digest.report.participation_title')}*"
    blocks = _pack(title, lines)
    if len(rows) > REPORT_ROWS_MAX:
        more = t(lang, "digest.report.more_teams", count=len(rows) - REPORT_ROWS_MAX)
        blocks.append(context(more))
    return blocks, answered, invited


def _matrix_cell(text: str) -> str:
    """A team label inside a code block: no backtick can close it, nothing can ping."""
    return text.replace("`", "'")


def flow_matrix(
    flows: Sequence[tuple[str, str, int]], lang: str, teams_max: int = MATRIX_TEAMS_MAX
) -> tuple[str, int]:
    """The team × team table of kudos as monospace text, and how many teams were left out.

    Rows give, columns receive. Columns are numbered, rows carry the number and the name, so a
    dozen teams fit a Slack message's width. The teams kept are those with the most kudos
    between teams (given plus received); zero is shown as `·` so the numbers stand out.
    Returns unescaped text; the caller escapes it for Slack.
    """
    counts: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for giver, receiver, count in flows:
        if count <= 0:
            continue
        giver_name, receiver_name = " ".join(giver.split()), " ".join(receiver.split())
        counts[(giver_name, receiver_name)] = counts.get((giver_name, receiver_name), 0) + count
        totals[giver_name] = totals.get(giver_name, 0) + count
        totals[receiver_name] = totals.get(receiver_name, 0) + count
    if not counts:
        return "", 0
    teams = sorted(totals, key=lambda name: (-totals[name], name.lower(), name))
    shown = teams[:teams_max]
    biggest = max(
        (counts.get((a, b), 0) for a in shown for b in shown),
        default=0,
    )
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


def report_message(
    rows: Sequence[tuple[str, int, int]],
    flows: Sequence[tuple[str, str, int]],
    lang: str,
    k: int,
) -> Message:
    """`/aplauso report`: participation per team and who served whom, company-wide.

    `rows` are (team, answered, invited); `flows` are (giving team, receiving team, kudos). Only
    counts are shown, never scores, so nothing here can expose a small group's answers; teams
    under `k` answers are marked, as their digest hides scores. At most 50 team lines and a
    12 × 12 table, so the message stays within Slack's limits however many teams there are.
    """
    blocks: list[Block] = [header(t(lang, "digest.report.header"))]
    participation, answered, invited = _participation_report(rows, lang, k)
    blocks.extend(participation)
    blocks.append(divider())

    table, hidden = flow_matrix(flows, lang)
    title = f":handshake: *{t(lang, 'digest.report.flows_title')}*"
    if table:
        fenced = f"{CODE_FENCE}\n{escaped_clip(table, SECTION_TEXT_MAX - 80)}\n{CODE_FENCE}"
        blocks.append(section(f"{title}\n{t(lang, 'digest.report.flows_hint')}"))
        blocks.append(section(fenced))
        if hidden:
            shown = MATRIX_TEAMS_MAX
            blocks.append(
                context(t(lang, "digest.report.flows_truncated", shown=shown, hidden=hidden))
            )
    else:
        blocks.append(section(f"{title}\n{t(lang, 'digest.report.flows_none')}"))
    blocks.append(context(t(lang, "digest.anonymity_note", k=k)))
    text = t(lang, "digest.report.text", answered=answered, invited=invited, teams=len(rows))
    return _fallback(text), fit_message(blocks)
