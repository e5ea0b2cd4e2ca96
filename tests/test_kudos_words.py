"""Which value a hashtag names, and what is left of a typed kudos as its words.

The second half of `tests/test_kudos_parsing.py`: the same texts, values and helpers.
"""

from __future__ import annotations

import time

import pytest

from bot.markup import read_kudos_markup
from engagement.kudos_model import ValueInfo
from engagement.kudos_parsing import ParsedKudosText, addressees_of
from engagement.values import choose_value, match_value, normalize_tag
from tests.test_kudos_parsing import BOT, BY_KEY, VALUES, parse

# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["#Fácil", "#facil", "#FACIL", "FÁCIL", " Facil "])
def test_normalize_tag_ignores_case_accents_and_the_hash(tag: str) -> None:
    assert normalize_tag(tag) == "facil"


@pytest.mark.parametrize(
    ("tag", "normalized"),
    [
        ("trato-personal", "trato_personal"),
        ("Trato personal", "trato_personal"),
        ("Fácil de tratar", "facil_de_tratar"),
        ("ﬁable", "fiable"),
        ("", ""),
        ("#", ""),
    ],
)
def test_normalize_tag_turns_spaces_and_hyphens_into_underscores(tag: str, normalized: str) -> None:
    assert normalize_tag(tag) == normalized


@pytest.mark.parametrize(
    "tag",
    [
        "Trato_Personal",
        "tratopersonal",
        "trato-personal",
        "#trato_personal",
        "PersonalTouch",
        "personal-touch",
        "cercana",
    ],
)
def test_personal_touch_matches_however_it_is_written(tag: str) -> None:
    assert match_value(tag, VALUES) == BY_KEY["personal_touch"]


@pytest.mark.parametrize("tag", ["FÁCIL", "#Fácil", "facil-de-tratar", "fácildetratar", "Easy"])
def test_convenient_matches_by_alias_or_spanish_name(tag: str) -> None:
    assert match_value(tag, VALUES) == BY_KEY["convenient"]


def test_a_value_matches_by_its_english_or_spanish_name_without_aliases() -> None:
    teamwork = ValueInfo("teamwork", ":people_holding_hands:", "Team player", "Buen compañero")

    assert match_value("team-player", [teamwork]) == teamwork
    assert match_value("buencompañero", [teamwork]) == teamwork
    assert match_value("TEAMWORK", [teamwork]) == teamwork


def test_a_key_wins_over_another_values_alias() -> None:
    fast = ValueInfo("fast", ":rocket:", "Fast", "Veloz")

    assert match_value("fast", [*VALUES, fast]) == fast
    assert match_value("quick", [*VALUES, fast]) == BY_KEY["timely"]


@pytest.mark.parametrize("tag", ["rockstar", "", "#"])
def test_an_unknown_hashtag_matches_nothing(tag: str) -> None:
    assert match_value(tag, VALUES) is None


def test_choose_value_takes_the_first_match_and_lists_unknown_tags_once() -> None:
    chosen, unknown = choose_value(["wow", "timely", "helpful", "Wow", "rockstar"], VALUES)

    assert chosen == BY_KEY["timely"]
    assert unknown == ("wow", "rockstar")


def test_choose_value_with_no_hashtags_or_no_values_chooses_nothing() -> None:
    assert choose_value([], VALUES) == (None, ())
    assert choose_value(["helpful"], []) == (None, ("helpful",))


# --- the words --------------------------------------------------------------------------------


def test_the_receivers_are_known_before_the_values_are() -> None:
    """The service looks people up before its transaction, where the values are read."""
    typed = read_kudos_markup("<@U1> @Ana <!subteam^S1|@devs> <@U1> @ana #helpful", bot_user_id=BOT)

    addressees = addressees_of(typed)

    assert (addressees.user_ids, addressees.names, addressees.usergroup_ids) == (
        ("U1",),
        ("Ana",),
        ("S1",),
    )


def test_the_marks_carry_no_slack_syntax_into_the_domain() -> None:
    typed = read_kudos_markup(
        f"<@{BOT}> <@U1|luis> <!here> <#C1|general> #4521 #wow", bot_user_id=BOT
    )

    assert [(m.kind.value, m.value) for m in typed.marks] == [
        ("aside", BOT),
        ("person", "U1"),
        ("aside", "!here"),
        ("hashtag", "general"),
        ("hashtag", "wow"),
    ]


def test_empty_text_gives_empty_everything() -> None:
    empty = ParsedKudosText((), (), (), (), "")

    assert parse("") == empty
    assert parse("   \n\t ") == empty


def test_a_multiline_message_keeps_its_line_breaks_and_collapses_spaces() -> None:
    parsed = parse("<@U1>   thanks  for:\n  - the   fix\n\n\n\n- the   docs #helpful\n#timely")

    assert parsed.message == "thanks for:\n- the fix\n\n- the docs"


def test_receivers_on_their_own_first_line_are_cut_with_the_line_break() -> None:
    assert parse("<@U1> <@U2>\nthanks\nfor everything").message == "thanks\nfor everything"


def test_only_receivers_leave_an_empty_message() -> None:
    parsed = parse("<@U1> @ana #helpful")

    assert parsed.message == ""
    assert parsed.user_ids == ("U1",)


def test_a_realistic_5000_character_message_is_parsed_quickly() -> None:
    sentence = "thanks @ana for the help with <https://x.com/a#b|the doc> #helpful and more. "
    text = "<@U1> <@U2> " + sentence * (5000 // len(sentence))

    started = time.perf_counter()
    parsed = parse(text)
    elapsed = time.perf_counter() - started

    assert len(text) >= 4900
    assert parsed.user_ids == ("U1", "U2")
    assert parsed.names == ("ana",)
    assert elapsed < 1.0


@pytest.mark.parametrize(
    ("unit", "repeat"),
    [
        ("@a", 50_000),
        ("#", 100_000),
        ("<", 100_000),
        ("<a", 50_000),
        ("a", 100_000),
        ("a.", 50_000),
        ("#a", 50_000),
        ("@a ", 33_000),
        ("#helpful ", 11_000),
        ("<@U1> ", 16_000),
        ("http://", 14_000),
        ("a@b.", 25_000),
        ("&amp; ", 16_000),
        ("@a-", 33_000),
        ("- ", 50_000),
    ],
)
def test_hostile_100k_inputs_are_parsed_in_linear_time(unit: str, repeat: int) -> None:
    """Four times the text costs about four times the work, never sixteen (quadratic): CPU
    time of this process, best of three, so a busy machine does not decide the verdict."""
    quarter = _cpu_seconds_to_parse(unit * (repeat // 4))
    whole = _cpu_seconds_to_parse(unit * repeat)
    assert whole < max(8 * quarter, 0.05)


def test_an_unclosed_bracket_before_100k_letters_is_parsed_in_linear_time() -> None:
    quarter = _cpu_seconds_to_parse("<" + "a" * 25_000)
    whole = _cpu_seconds_to_parse("<" + "a" * 100_000)
    assert whole < max(8 * quarter, 0.05)


def _cpu_seconds_to_parse(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        parse(text)
        best = min(best, time.process_time() - started)
    return best
