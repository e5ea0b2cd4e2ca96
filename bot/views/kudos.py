"""Everything Aplauso shows about kudos: the DMs, the celebration, the refusals and the help.

Pure functions from plain data (engagement.kudos_model) to Block Kit, so listeners stay thin and
every surface can be checked against Slack's limits in unit tests. Two rules hold throughout:
what a person wrote is escaped, except that the people and channels they named read as Slack
shows them (`bot.markup.shown_pieces`), while `@here`, `@channel` and user groups become plain
text (a kudos must never ping a crowd); and every message carries a plain `text` fallback,
which is what notifications and screen readers show.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from bot.i18n import t
from bot.markup import shown_pieces
from bot.views.blocks import (
    SECTION_TEXT_MAX,
    Block,
    actions,
    button,
    clip,
    context,
    escape_mrkdwn,
    escaped_clip,
    header,
    mention,
    pieces_within,
    section,
    slack_message,
)
from engagement.kudos_model import UNDO_MINUTES, Celebrated, GivenKudos, SourceKind, ValueInfo

UNDO_ACTION = "kudos_undo"
THANKS_BACK_ACTION = "kudos_thanks_back"
GIVE_KUDOS_ACTION = "home_give_kudos"

RETURNED_TEXT_MAX = 2900
FALLBACK_QUOTE_MAX = 150
HASHTAG_SHOWN_MAX = 40
USER_WRITTEN_PARAM_MAX = 80
# Reason-key parameters that hold what a person typed (`@name`, a user group): escaped.
USER_WRITTEN_PARAMS = frozenset({"name", "usergroup"})
# Parameters that hold a user id (shown as a mention) or (user id, name) pairs.
USER_ID_PARAMS = frozenset({"user"})
PEOPLE_PARAMS = frozenset({"matches"})
SKIP_REASONS = frozenset({"self", "bot", "deactivated", "unknown"})

Message = tuple[str, list[Block]]

# ---------------------------------------------------------------------------------------------
# Small helpers


def people(user_ids: Sequence[str], lang: str) -> str:
    """`<@a>, <@b> and <@c>`: reads like a sentence in either language."""
    mentions = [mention(user_id) for user_id in user_ids]
    if len(mentions) <= 1:
        return "".join(mentions)
    return f"{', '.join(mentions[:-1])} {t(lang, 'kudos.and')} {mentions[-1]}"


def link(url: str, label: str) -> str:
    """A mrkdwn link whose URL cannot break out of the `<…|…>` syntax."""
    safe_url = escape_mrkdwn(url.replace("|", "%7C"))
    return f"<{safe_url}|{escape_mrkdwn(label)}>"


def _normalized(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if char.isalnum() and char.isascii())


def value_hashtag(value: ValueInfo, lang: str) -> str:
    """The hashtag to suggest for a value, in the reader's language when the aliases tell it.

    Aliases mix languages (`helpful`, `servicial`, …), so the one matching the localized name
    (`Servicial` → `servicial`, `Fácil de tratar` → `facil`) is picked; failing that, the key.
    """
    name = _normalized(value.name(lang))
    aliases = [alias for alias in value.aliases if alias]
    if name in aliases:
        return f"#{name}"
    prefixes = [alias for alias in aliases if len(alias) >= 4 and name.startswith(alias)]
    if prefixes:
        return f"#{max(prefixes, key=len)}"
    return f"#{value.key}"


def _value_line(value: ValueInfo | None, lang: str) -> str | None:
    return t(lang, "kudos.value", value=value.label(lang)) if value else None


# ---------------------------------------------------------------------------------------------
# Messages about one kudos


def _source_link(kudos: GivenKudos, lang: str) -> Block | None:
    if not kudos.permalink:
        return None
    return context(link(kudos.permalink, t(lang, "kudos.view_message")))


def _short(message: str, lang: str) -> str:
    """A one-line taste of the message for notifications, shown as in the quote."""
    flat = " ".join(message.split())
    return "".join(pieces_within(_shown(flat, lang), FALLBACK_QUOTE_MAX))


def _shown(message: str, lang: str) -> list[str]:
    return shown_pieces(message, group_word=t(lang, "kudos.usergroup"))


def quoted_words(message: str, lang: str, limit: int) -> str:
    """The giver's words as a block quote that reads as Slack shows them: people and channels
    they mentioned by name, user groups and `@here` as plain text that pings nobody, the rest
    escaped (a line of theirs cannot end the quote early), within `limit`."""
    pieces = ["> "] + ["\n> " if piece == "\n" else piece for piece in _shown(message, lang)]
    return "".join(pieces_within(pieces, limit))


def _kudos_body(kudos: GivenKudos, lang: str, lines: list[str]) -> list[Block]:
    """What every telling of a kudos shows under its headline: value, quoted words, source."""
    value = _value_line(kudos.value, lang)
    if value:
        lines = [*lines, value]
    blocks: list[Block] = [section("\n".join(lines))]
    if kudos.message.strip():
        blocks.append(section(quoted_words(kudos.message, lang, SECTION_TEXT_MAX)))
    source = _source_link(kudos, lang)
    if source:
        blocks.append(source)
    return blocks


def receiver_dm_marker(kudos_id: int) -> str:
    """The block id that tells which kudos a receiver's DM is about, so an undo finds it."""
    return f"kudos_dm:{kudos_id}"


def receiver_dm(kudos: GivenKudos, lang: str) -> Message:
    """The moment that matters most: someone learns their help was noticed.

    It quotes the giver's words, names the value, and offers a one-click way to say thanks back,
    because recognition that flows both ways is what builds the habit.
    """
    giver = mention(kudos.giver_id)
    by_reaction = kudos.source_kind == SourceKind.REACTION
    headline_key = "kudos.dm.headline_reaction" if by_reaction else "kudos.dm.headline"
    lines = [t(lang, headline_key, giver=giver)]
    blocks = _kudos_body(kudos, lang, lines)
    blocks.append(
        actions(
            button(
                t(lang, "kudos.dm.thanks_back"),
                THANKS_BACK_ACTION,
                value=kudos.giver_id,
                style="primary",
            ),
            block_id=receiver_dm_marker(kudos.kudos_id),
        )
    )
    text = t(lang, "kudos.dm.text_reaction" if by_reaction else "kudos.dm.text", giver=giver)
    if kudos.message.strip():
        text += f" “{_short(kudos.message, lang)}”"
    return slack_message(text, blocks)


def _skipped_line(user_id: str, reason: str, lang: str) -> str:
    known = reason if reason in SKIP_REASONS else "unknown"
    return "• " + t(lang, f"kudos.confirm.skipped_{known}", user=mention(user_id))


def _remaining_line(remaining: int, lang: str) -> str:
    if remaining <= 0:
        return t(lang, "kudos.confirm.remaining_none")
    return t(lang, "kudos.confirm.remaining", count=remaining)


def _cost_line(kudos: GivenKudos, lang: str) -> str | None:
    """Why a kudos used more (or less) of the daily limit than one, only when it did: one
    per person named, one per whole user group."""
    if not kudos.receiver_ids or (kudos.units <= 1 and not kudos.usergroups):
        return None
    key = "kudos.confirm.cost_group" if kudos.usergroups else "kudos.confirm.cost_people"
    return t(lang, key, count=kudos.units, limit=kudos.daily_limit)


def giver_confirmation(kudos: GivenKudos, lang: str, *, undo_available: bool = True) -> Message:
    """Tells the giver it worked, who was left out and why, and how many kudos are left today.

    The Undo button is there for slips (wrong person, typo) and only while undo is possible;
    a duplicate (a retry or a double submit) created nothing, so there is nothing to undo.
    """
    if kudos.duplicate:
        text = t(lang, "kudos.confirm.duplicate")
        return slack_message(text, [section(text)])

    if kudos.receiver_ids:
        headline = t(lang, "kudos.confirm.sent", receivers=people(kudos.receiver_ids, lang))
    else:
        headline = t(lang, "kudos.confirm.nobody")
    lines = [headline]
    value = _value_line(kudos.value, lang)
    if value and kudos.receiver_ids:
        lines.append(value)
    blocks: list[Block] = [section("\n".join(lines))]

    if kudos.skipped:
        skipped = [t(lang, "kudos.confirm.skipped_title")]
        skipped += [_skipped_line(s.user_id, s.reason, lang) for s in kudos.skipped]
        blocks.append(section("\n".join(skipped)))

    notes = [_remaining_line(kudos.remaining_today, lang)]
    cost = _cost_line(kudos, lang)
    if cost:
        notes.insert(0, cost)
    if kudos.receiver_ids:
        if not kudos.celebrate:
            notes.append(t(lang, "kudos.confirm.private"))
        elif kudos.celebration_channel:
            notes.append(
                t(lang, "kudos.confirm.celebrated", channel=f"<#{kudos.celebration_channel}>")
            )
    blocks.append(context(" ".join(notes)))
    if kudos.receiver_ids and kudos.celebration_refused:
        refused = t(lang, "kudos.confirm.not_celebrated", channel=f"<#{kudos.celebration_refused}>")
        blocks.append(context(refused))

    if kudos.unknown_hashtag:
        blocks.append(
            context(unknown_hashtag_note(lang, kudos.unknown_hashtag, kudos.values_on_offer))
        )
    if undo_available and kudos.receiver_ids:
        blocks.append(
            section(
                t(lang, "kudos.confirm.undo_hint", minutes=UNDO_MINUTES),
                accessory=button(
                    t(lang, "kudos.confirm.undo"),
                    UNDO_ACTION,
                    value=str(kudos.kudos_id),
                    style="danger",
                ),
            )
        )
    return slack_message(headline, blocks)


def _single(text: str) -> Message:
    return slack_message(text, [section(text)])


def undo_done(lang: str) -> Message:
    """Confirms the undo, so the giver is not left wondering whether it went through."""
    return _single(t(lang, "kudos.undo.done"))


def undo_refused(lang: str, reason_key: str) -> Message:
    """Said kindly: undo is a short safety net (too late), or the Undo was not theirs (a
    forwarded or shared message)."""
    return _single(t(lang, reason_key))


def channel_post(kudos: GivenKudos, lang: str) -> Message:
    """The public celebration: recognition seen by others is what makes good service contagious.

    Everyone involved is mentioned in the fallback text too, so they are notified.
    """
    giver = mention(kudos.giver_id)
    receivers = people(kudos.receiver_ids, lang)
    lines = [t(lang, "kudos.channel.headline", giver=giver, receivers=receivers)]
    blocks = _kudos_body(kudos, lang, lines)
    text = t(lang, "kudos.channel.text", giver=giver, receivers=receivers)
    return slack_message(text, blocks)


def celebration_withdrawn(lang: str) -> Message:
    """What a celebration post becomes when the message its kudos came from is deleted."""
    note = t(lang, "kudos.channel.withdrawn")
    return slack_message(note, [section(note)])


def _problem_param(key: str, value: object) -> object:
    if key in USER_WRITTEN_PARAMS:
        return escaped_clip(str(value), USER_WRITTEN_PARAM_MAX)
    if key in USER_ID_PARAMS:
        return mention(str(value))
    if key in PEOPLE_PARAMS and isinstance(value, (list, tuple)):
        return ", ".join(
            f"{mention(str(user_id))} ({escaped_clip(str(name), USER_WRITTEN_PARAM_MAX)})"
            for user_id, name in value
        )
    return value


def _problem_params(params: Mapping[str, object]) -> dict[str, object]:
    return {key: _problem_param(key, value) for key, value in params.items()}


def _named(key: str, value: object, params: Mapping[str, object]) -> object:
    """A parameter as plain text: a person by name (`user_name`, else their id)."""
    if key in USER_ID_PARAMS:
        return params.get(f"{key}_name") or value
    if key in PEOPLE_PARAMS and isinstance(value, (list, tuple)):
        return ", ".join(str(name) for _, name in value)
    return value


def modal_problem(lang: str, reason_key: str, params: Mapping[str, object]) -> str:
    """Why a modal was refused, for `response_action: errors`: plain text, where `<@U…>`
    would show raw, so people are named."""
    return t(lang, reason_key, **{key: _named(key, v, params) for key, v in params.items()})


def kudos_problem(
    lang: str, reason_key: str, params: Mapping[str, object], returned_text: str | None
) -> Message:
    """Why a kudos was refused, in words the giver can act on, and their text handed back.

    Losing a carefully written thank-you to a typo in a name is how people stop giving them.
    `name` and `usergroup` are what the person typed, so they are escaped here; `user` is a
    user id and `matches` (user id, name) pairs, shown as mentions.
    """
    reason = t(lang, reason_key, **_problem_params(params))
    blocks: list[Block] = [section(reason)]
    if returned_text and returned_text.strip():
        fence = "```"
        budget = RETURNED_TEXT_MAX - 2 * len(fence) - 2
        body = escaped_clip(returned_text, budget)
        blocks.append(context(t(lang, "kudos.problem.returned")))
        blocks.append(section(f"{fence}\n{body}\n{fence}"))
    return slack_message(reason, blocks)


# ---------------------------------------------------------------------------------------------
# Help and notes


def _emoji_code(reaction: str) -> str:
    name = reaction.strip().strip(":")
    return f":{name}:" if name else ""


CELEBRATION_NOTES = {
    Celebrated.KUDOS_CHANNEL: "kudos.help.channel",
    Celebrated.TEAM_CHANNEL: "kudos.help.channel_team",
    Celebrated.NOWHERE: "kudos.help.channel_none",
}


def kudos_help(
    lang: str,
    values: Sequence[ValueInfo],
    reactions: Sequence[str],
    daily_limit: int,
    celebrated: Celebrated = Celebrated.KUDOS_CHANNEL,
) -> Message:
    """`/kudos help`: every way to thank someone, short enough to read in ten seconds; a
    celebration or a reaction is promised only where this workspace has one."""
    ways = [
        t(lang, "kudos.help.ways_title"),
        t(lang, "kudos.help.way_command"),
        t(lang, "kudos.help.way_shortcut"),
        t(lang, "kudos.help.way_message"),
    ]
    emoji = [code for code in (_emoji_code(r) for r in reactions) if code]
    if emoji:
        ways.append(t(lang, "kudos.help.way_reaction", reactions=" ".join(emoji[:10])))
    ways.append(t(lang, "kudos.help.way_mention"))
    blocks: list[Block] = [header(t(lang, "kudos.help.title")), section("\n".join(ways))]
    if values:
        listed = [f"`{value_hashtag(v, lang)}` {v.label(lang)}" for v in values]
        blocks.append(section(t(lang, "kudos.help.values_title") + "\n" + "\n".join(listed)))
    blocks.append(
        context(
            t(lang, "kudos.help.limit", limit=daily_limit),
            t(lang, CELEBRATION_NOTES[celebrated]),
            t(lang, "kudos.help.home"),
            t(lang, "kudos.help.top"),
        )
    )
    return slack_message(t(lang, "kudos.help.text"), blocks)


def unknown_hashtag_note(lang: str, hashtag: str, values: Sequence[ValueInfo]) -> str:
    """One mrkdwn line: the kudos still went out, and here are the hashtags that would have worked.

    The kudos is not refused for a typo in a hashtag; the thank-you matters more than the tag.
    """
    shown = escaped_clip(hashtag.lstrip("#").replace("`", ""), HASHTAG_SHOWN_MAX)
    listed = ", ".join(f"`{value_hashtag(v, lang)}`" for v in values) or "—"
    return clip(t(lang, "kudos.hashtag.unknown", hashtag=shown, values=listed), SECTION_TEXT_MAX)
