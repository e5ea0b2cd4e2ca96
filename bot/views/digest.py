"""The manager's weekly digest, for Slack and for a terminal.

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
what a manager would read in Slack. Value keys are named from the catalogue the caller passes,
in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.i18n import catalog, join_list, t
from bot.views.blocks import (
    SECTION_TEXT_MAX,
    Block,
    blockquote,
    button,
    clip,
    context,
    divider,
    escaped_clip,
    header,
    section,
    slack_message,
)
from bot.views.digest_text import (
    TEAM_SHOWN_MAX,
    driver_name,
    format_score,
    header_text,
    hidden_message,
    percent,
    plain_safe,
    sign_arrow,
    signed,
    sparkline,
    trend_arrow,
)
from engagement.anonymity import SHOWN_DECIMALS
from engagement.digest_model import DigestData, DriverScore, ServiceRatingSummary
from engagement.kudos_model import ValueInfo

OPEN_FEEDBACK_ACTION = "digest_open_feedback"

Message = tuple[str, list[Block]]

COMMENTS_MAX = 5
COMMENT_MAX = 300
SERVICE_COMMENTS_MAX = 3
TOP_ITEMS_MAX = 3
VALUE_SHOWN_MAX = 60

REMEDIES = ("plan", "train", "channels", "recognize")


# ---------------------------------------------------------------------------------------------
# The parts of a digest, built once for Slack and for plain text


@dataclass(frozen=True)
class _Style:
    """How a part is written: Slack mrkdwn (escaped, bold) or plain terminal text."""

    slack: bool

    def user(self, text: str, limit: int) -> str:
        """Something a person typed, on one line: escaped for Slack, made safe for a terminal."""
        flat = " ".join(text.split())
        return escaped_clip(flat, limit) if self.slack else plain_safe(clip(flat, limit))

    def quote(self, text: str, limit: int = COMMENT_MAX) -> str:
        if self.slack:
            return blockquote(text.strip(), limit)
        return "> " + plain_safe(clip(text.strip(), limit)).replace("\n", "\n> ")

    def bold(self, text: str) -> str:
        return f"*{text}*" if self.slack else text

    def code(self, text: str) -> str:
        return f"`{text}`" if self.slack else text

    def italic(self, text: str) -> str:
        return f"_{text}_" if self.slack else text

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
        lang, "digest.participation.line", count=data.answered, invited=data.invited, percent=now
    )
    if (
        data.previous_answered is not None
        and data.previous_invited is not None
        and data.previous_invited > 0
    ):
        points = now - percent(data.previous_answered, data.previous_invited)
        change = t(
            lang, "digest.participation.change", arrow=sign_arrow(points), points=abs(points)
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
    if data.drivers:  # what the numbers, arrows and the 12-week bar strip mean
        lines.append(style.italic(t(lang, "digest.drivers.hint")))
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


def value_label(key: str, values: Sequence[ValueInfo], lang: str) -> str:
    """A value as the reader knows it (`:handshake: Helpful`); one no longer known, as its key."""
    found = next((value for value in values if value.key == key), None)
    return found.label(lang) if found else key


def _kudos(data: DigestData, lang: str, style: _Style, values: Sequence[ValueInfo]) -> _Part:
    lines = [t(lang, "digest.kudos.counts", received=data.kudos_received, given=data.kudos_given)]
    if data.top_values:
        named = [(value_label(key, values, lang), count) for key, count in data.top_values]
        shown = _items(named, lang, style, VALUE_SHOWN_MAX)
        lines.append(t(lang, "digest.kudos.top_values", values=shown))
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
        short = t(lang, "digest.service.short", count=data.service_raters_short, k=data.k)
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
        lines.append(t(lang, "digest.feedback.oldest", count=days))
        part.button = (t(lang, "digest.feedback.open_button"), summary.oldest_open_thread)
    return part


def _tip(driver: str, remedy: str, lang: str) -> str:
    specific = f"digest.suggestion.tips.{remedy}.{driver}"
    if specific in catalog("en"):
        return t(lang, specific)
    name = driver_name(driver, lang)
    return t(lang, f"digest.suggestion.generic.{remedy}", driver=name[:1].lower() + name[1:])


def _tied(drivers: Sequence[DriverScore], score: float) -> list[str]:
    """The drivers level with `score` at the one decimal shown, as the digest lists them."""
    shown = round(score, SHOWN_DECIMALS)
    return [s.driver for s in drivers if round(s.score, SHOWN_DECIMALS) == shown]


def _suggestion(data: DigestData, lang: str, style: _Style) -> _Part | None:
    """One concrete thing to try, for the weakest driver, from the four remedies.

    Never on a hidden week: naming the weakest driver would tell what the hidden answers said.
    """
    suggestion = data.suggestion
    if suggestion is None or data.drivers is None or suggestion.remedy not in REMEDIES:
        return None
    name = driver_name(suggestion.driver, lang)
    scores = [s.score for s in data.drivers if s.driver == suggestion.driver]
    if scores and suggestion.lowest:
        weakest = t(
            lang, "digest.suggestion.weakest", driver=name, score=format_score(scores[0], lang)
        )
    elif scores and len(tied := _tied(data.drivers, scores[0])) > 1:
        # A tie: calling one "lowest" would say nothing true, so say that they are level.
        weakest = t(
            lang,
            "digest.suggestion.tied",
            drivers=join_list(lang, [driver_name(driver, lang) for driver in tied]),
            score=format_score(scores[0], lang),
            driver=name,
        )
    elif scores:  # the only driver shown
        weakest = t(
            lang, "digest.suggestion.focus", driver=name, score=format_score(scores[0], lang)
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


def _parts(
    data: DigestData, lang: str, style: _Style, values: Sequence[ValueInfo]
) -> list[list[_Part]]:
    """The digest's parts in order, grouped where a divider separates them in Slack."""
    groups: list[list[_Part]] = [[_participation(data, lang), *_drivers(data, lang, style)]]
    middle = [_kudos(data, lang, style, values)]
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


def digest_message(data: DigestData, lang: str, values: Sequence[ValueInfo] = ()) -> Message:
    """A manager's weekly DM: how the team is, what it said, and one thing to try.

    At most about twenty blocks and well under Slack's text limits: comments are at most five,
    each clipped to 300 characters, and the internal customers' comments at most three.
    """
    blocks: list[Block] = [header(header_text(data, lang))]
    for index, group in enumerate(_parts(data, lang, SLACK, values)):
        if index:
            blocks.append(divider())
        blocks.extend(_part_block(part) for part in group)
    blocks.append(context(t(lang, "digest.anonymity_note", k=data.k)))
    text = t(
        lang,
        "digest.text",
        team=escaped_clip(" ".join(data.team_name.split()), TEAM_SHOWN_MAX),
        count=data.answered,
        invited=data.invited,
    )
    return slack_message(text, blocks)


def digest_plain_text(data: DigestData, lang: str, values: Sequence[ValueInfo] = ()) -> str:
    """The same digest as readable plain text, for a terminal: no mrkdwn, nothing escaped."""
    title = plain_safe(header_text(data, lang))
    out = [title, "=" * len(title)]
    for group in _parts(data, lang, PLAIN, values):
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
