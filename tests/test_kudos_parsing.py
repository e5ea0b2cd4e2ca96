"""Kudos text parsing: receivers, hashtags and the words shown, from Slack and plain text.

Each text goes through both halves: `bot/markup.py` marks Slack's syntax, then
`engagement/kudos_parsing.py` reads receivers, value and words from the marks.
"""

from __future__ import annotations

import pytest

from bot.markup import read_kudos_markup
from engagement.kudos_model import ValueInfo
from engagement.kudos_parsing import ParsedKudosText, read_kudos_text
from engagement.values import choose_value

# The same data as DEFAULT_VALUES in storage/migrations/versions/0001_initial_schema.py,
# copied so these tests do not depend on a migration module.
DEFAULT_VALUE_DATA: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "knowledgeable",
        ":bulb:",
        "Knowledgeable",
        "Conocedor",
        (
            "knowledgeable",
            "knowledge",
            "expert",
            "conocedor",
            "conocedora",
            "conocimiento",
            "experto",
            "experta",
        ),
    ),
    (
        "empowered",
        ":zap:",
        "Empowered",
        "Resolutivo",
        (
            "empowered",
            "empowerment",
            "resolutivo",
            "resolutiva",
            "empoderado",
            "empoderada",
            "autonomia",
        ),
    ),
    (
        "helpful",
        ":handshake:",
        "Helpful",
        "Servicial",
        ("helpful", "kind", "servicial", "amable", "util", "atento", "atenta"),
    ),
    (
        "honest",
        ":ballot_box_with_check:",
        "Honest",
        "Honesto",
        ("honest", "honesty", "honesto", "honesta", "honestidad", "transparente"),
    ),
    (
        "convenient",
        ":sparkles:",
        "Convenient",
        "Fácil de tratar",
        ("convenient", "easy", "facil", "comodo", "conveniente", "practico", "practica"),
    ),
    (
        "timely",
        ":stopwatch:",
        "Timely",
        "Oportuno",
        ("timely", "quick", "fast", "oportuno", "oportuna", "rapido", "rapida", "agil"),
    ),
    (
        "reliable",
        ":anchor:",
        "Reliable",
        "Confiable",
        ("reliable", "dependable", "confiable", "fiable", "cumplidor", "cumplidora"),
    ),
    (
        "personal_touch",
        ":heart:",
        "Personal touch",
        "Trato personal",
        (
            "personaltouch",
            "personal_touch",
            "personal",
            "tratopersonal",
            "trato_personal",
            "cercano",
            "cercana",
        ),
    ),
)
VALUES = tuple(
    ValueInfo(key, emoji, name_en, name_es, aliases)
    for key, emoji, name_en, name_es, aliases in DEFAULT_VALUE_DATA
)
BY_KEY = {value.key: value for value in VALUES}
BOT = "UBOT"


def parse(text: str) -> ParsedKudosText:
    return read_kudos_text(read_kudos_markup(text, bot_user_id=BOT), VALUES)


# --- receivers -------------------------------------------------------------------------------


def test_slack_mentions_before_a_value_are_receivers_and_leave_only_the_words() -> None:
    parsed = parse("<@U1> <@U2|luis> #helpful thanks for unblocking the release")

    assert parsed.user_ids == ("U1", "U2")
    assert parsed.hashtags == ("helpful",)
    assert choose_value(parsed.hashtags, VALUES) == (BY_KEY["helpful"], ())
    assert parsed.message == "thanks for unblocking the release"


def test_plain_at_names_are_receivers_and_a_spanish_alias_picks_the_value() -> None:
    parsed = parse("@ana @luis #servicial gracias")

    assert parsed.names == ("ana", "luis")
    assert parsed.user_ids == ()
    assert choose_value(parsed.hashtags, VALUES) == (BY_KEY["helpful"], ())
    assert parsed.message == "gracias"


def test_enterprise_grid_w_ids_are_receivers() -> None:
    assert parse("<@W123> nice").user_ids == ("W123",)


@pytest.mark.parametrize(
    ("text", "group_id"),
    [
        ("<!subteam^S1|@it-team> #timely fixed the VPN", "S1"),
        ("<!subteam^S1> #timely fixed the VPN", "S1"),
    ],
)
def test_a_user_group_is_a_receiver(text: str, group_id: str) -> None:
    parsed = parse(text)

    assert parsed.usergroup_ids == (group_id,)
    assert parsed.user_ids == ()
    assert parsed.names == ()
    assert choose_value(parsed.hashtags, VALUES) == (BY_KEY["timely"], ())
    assert parsed.message == "fixed the VPN"


def test_the_bot_mention_is_neither_a_receiver_nor_part_of_the_message() -> None:
    parsed = parse("<@UBOT> thanks <@U1> for the demo #helpful")

    assert parsed.user_ids == ("U1",)
    assert parsed.message == "thanks <@U1> for the demo"


def test_the_bot_followed_by_receivers_leaves_only_the_words() -> None:
    parsed = parse("<@UBOT> <@U1> and <@U2>: kudos para el equipo")

    assert parsed.user_ids == ("U1", "U2")
    assert parsed.message == "kudos para el equipo"


def test_without_a_bot_id_every_user_mention_is_a_receiver() -> None:
    assert read_kudos_text(read_kudos_markup("<@UBOT> <@U1> hi")).user_ids == ("UBOT", "U1")


def test_a_mention_later_in_the_sentence_is_a_receiver_but_stays_in_the_words() -> None:
    parsed = parse("@ana thanks for helping @luis with the migration")

    assert parsed.names == ("ana", "luis")
    assert parsed.message == "thanks for helping @luis with the migration"


def test_receivers_joined_by_commas_and_conjunctions_are_all_cut() -> None:
    parsed = parse("<@U1>, <@U2> and @ana y @luis &amp; @marta & @rosa: gracias")

    assert parsed.user_ids == ("U1", "U2")
    assert parsed.names == ("ana", "luis", "marta", "rosa")
    assert parsed.message == "gracias"


def test_a_conjunction_not_followed_by_a_receiver_stays_in_the_words() -> None:
    assert parse("@ana and the whole team, thank you").message == "and the whole team, thank you"


def test_duplicated_mentions_are_reported_once_in_order() -> None:
    parsed = parse("<@U2> <@U1> <@U2|luis> @ana @Ana @ana <!subteam^S1> <!subteam^S1|@x> hi")

    assert parsed.user_ids == ("U2", "U1")
    assert parsed.names == ("ana",)
    assert parsed.usergroup_ids == ("S1",)
    assert parsed.message == "hi"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@josé gracias", ("josé",)),
        ("@ana.torres thanks", ("ana.torres",)),
        ("@luis_p thanks", ("luis_p",)),
        ("@maría-josé gracias", ("maría-josé",)),
        (
            "@ana, @luis. @marta! @rosa: @jo; (@pau) done",
            ("ana", "luis", "marta", "rosa", "jo", "pau"),
        ),
        ("thanks @ana.", ("ana",)),
        ("@ana's fix was great", ("ana",)),
    ],
)
def test_plain_names_allow_unicode_dots_and_underscores_but_not_trailing_punctuation(
    text: str, names: tuple[str, ...]
) -> None:
    assert parse(text).names == names


def test_a_decomposed_accent_is_still_part_of_the_name() -> None:
    assert parse("@jose\u0301 gracias").names == ("josé",)


@pytest.mark.parametrize(
    "text",
    [
        "write to ana@example.com for access",
        "write to ana.torres@example.com",
        "see https://medium.com/@ana for the post",
        "see x.com/@ana",
        "<mailto:ana@example.com|ana@example.com>",
    ],
)
def test_email_addresses_and_urls_are_not_mentions(text: str) -> None:
    parsed = parse(text)

    assert parsed.names == ()
    assert parsed.message == text


@pytest.mark.parametrize("broadcast", ["<!channel>", "<!here>", "<!here|here>", "<!everyone>"])
def test_channel_wide_mentions_are_never_receivers_and_are_removed(broadcast: str) -> None:
    parsed = parse(f"{broadcast} <@U1> great launch {broadcast} today")

    assert parsed.user_ids == ("U1",)
    assert parsed.names == ()
    assert parsed.message == "great launch today"


def test_plain_channel_wide_words_are_not_names() -> None:
    parsed = parse("@here @ana thanks @channel")

    assert parsed.names == ("ana",)
    assert parsed.message == "thanks"


# --- hashtags ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<@U1> see https://x.com/a#b thanks",
        "<@U1> see <https://x.com/a#b> thanks",
        "<@U1> see <https://x.com/a#b|the doc> thanks",
        "<@U1> see www.x.com/page#section thanks",
        "<@U1> see x.com/#section thanks",
    ],
)
def test_a_hash_inside_a_url_is_not_a_hashtag(text: str) -> None:
    parsed = parse(text)

    assert parsed.hashtags == ()
    assert parsed.message == text.removeprefix("<@U1> ")


def test_a_channel_link_is_the_hashtag_slack_made_of_a_typed_word() -> None:
    """With `should_escape`, a typed `#helpful` arrives as `<#C…|helpful>` when a channel has
    that name: it is still the value, and an unknown one stays in the words as typed."""
    parsed = parse("<@U1> thanks for the help in <#C123|general> <#C9|helpful>")

    assert parsed.hashtags == ("general", "helpful")
    assert parsed.message == "thanks for the help in #general"


def test_a_private_channel_link_has_no_name_and_is_no_hashtag() -> None:
    parsed = parse("<@U1> <#G42|> thanks")

    assert parsed.hashtags == ()
    assert parsed.message == "<#G42|> thanks"


def test_picked_people_and_groups_read_as_their_names_in_the_words() -> None:
    parsed = parse("<@U1|ana> thanks for looping in <@U2|luis.p> and <!subteam^S1|@it-team>")

    assert parsed.user_ids == ("U1", "U2")
    assert parsed.usergroup_ids == ("S1",)
    assert parsed.message == "thanks for looping in @luis.p and @it-team"


def test_a_number_is_not_a_hashtag() -> None:
    parsed = parse("<@U1> closed ticket #4521 fast")

    assert parsed.hashtags == ()
    assert parsed.message == "closed ticket #4521 fast"


def test_hashtags_keep_their_spelling_without_the_hash_and_lose_trailing_punctuation() -> None:
    parsed = parse("#helpful, #trato_personal! #Fácil. #trato-personal)")

    assert parsed.hashtags == ("helpful", "trato_personal", "Fácil")


def test_an_unknown_hashtag_stays_in_the_words_and_is_reported_as_unknown() -> None:
    parsed = parse("<@U1> #rockstar #helpful you saved the day")

    assert parsed.hashtags == ("rockstar", "helpful")
    assert parsed.message == "#rockstar you saved the day"
    assert choose_value(parsed.hashtags, VALUES) == (BY_KEY["helpful"], ("rockstar",))


def test_without_values_every_hashtag_stays_in_the_words() -> None:
    parsed = read_kudos_text(read_kudos_markup("<@U1> #helpful thanks"))

    assert parsed.hashtags == ("helpful",)
    assert parsed.message == "#helpful thanks"


def test_a_value_hashtag_is_removed_anywhere_and_punctuation_closes_up() -> None:
    parsed = parse("<@U1> great job #helpful! Also #timely, as always")

    assert parsed.message == "great job! Also, as always"


def test_a_value_hashtag_in_parentheses_leaves_no_empty_parentheses() -> None:
    assert parse("<@U1> saved the demo (#timely) again").message == "saved the demo again"


def test_a_value_hashtag_before_the_receivers_is_cut_with_them() -> None:
    assert parse("#helpful @ana: thanks").message == "thanks"
