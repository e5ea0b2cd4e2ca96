"""Kudos refusals, help and notes: friendly words in both languages that fit Slack and ping
nobody; modal errors name people, since modals show mentions as raw markup."""

from __future__ import annotations

import dataclasses

import pytest

from bot.i18n import catalog, t
from bot.views import kudos as views
from bot.views.limits import block_problems
from engagement.kudos_model import ValueInfo
from tests.support.blocks import all_text, message_fits
from tests.test_kudos_views import (
    CONVENIENT,
    HELPFUL,
    KUDOS,
    LANGS,
    NO_ALIASES,
    PERSONAL,
    VALUES,
)

# --- refusals --------------------------------------------------------------------------------

REASONS: dict[str, dict[str, object]] = {
    "kudos.errors.no_receivers": {},
    "kudos.errors.only_self": {},
    "kudos.errors.message_empty": {},
    "kudos.errors.message_too_long": {"max": 1000, "length": 1200},
    "kudos.errors.daily_limit": {"limit": 5, "remaining": 0, "reset": "00:00 (Europe/Madrid)"},
    "kudos.errors.unknown_name": {"name": "nadie"},
    "kudos.errors.ambiguous_name": {"name": "ana", "matches": (("U1", "Ana"), ("U2", "Ana P"))},
    "kudos.errors.unknown_usergroup": {"usergroup": "@devs"},
    "kudos.errors.not_a_person": {"user": "UBOT"},
    "kudos.errors.undo_expired": {},
    "kudos.errors.not_your_kudos": {},
    "kudos.errors.already_undone": {},
    "kudos.errors.too_many_receivers": {"max": 20},
}


@pytest.mark.parametrize("lang", LANGS)
def test_every_reason_the_service_raises_has_friendly_words(lang: str) -> None:
    keys = {key for key in catalog(lang) if key.startswith("kudos.errors.")}
    assert keys == set(REASONS)
    for key, params in REASONS.items():
        text, blocks = views.kudos_problem(lang, key, params, None)
        message_fits((text, blocks))
        assert "{" not in text
        assert text == t(lang, key, **{**params, **RENDERED.get(key, {})})
        assert len(blocks) == 1


# The service passes plain user ids; the view shows them as mentions.
RENDERED: dict[str, dict[str, object]] = {
    "kudos.errors.ambiguous_name": {"matches": "<@U1> (Ana), <@U2> (Ana P)"},
    "kudos.errors.not_a_person": {"user": "<@UBOT>"},
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_kudos_hands_back_what_was_written(lang: str) -> None:
    wrote = "thanks <!channel> for ```everything```"
    text, blocks = views.kudos_problem(lang, "kudos.errors.unknown_name", {"name": "nadie"}, wrote)
    message_fits((text, blocks))
    shown = all_text(blocks)
    assert t(lang, "kudos.problem.returned") in shown
    assert "```\nthanks &lt;!channel&gt; for" in shown
    assert "<!channel>" not in shown


def test_a_huge_returned_text_is_clipped_inside_its_code_block() -> None:
    _, blocks = views.kudos_problem(
        "en", "kudos.errors.message_too_long", {"max": 1000, "length": 5000}, "&" * 5000
    )
    code = blocks[-1]["text"]["text"]
    assert len(code) <= 2900
    assert code.startswith("```\n")
    assert code.endswith("…\n```")
    assert "&amp" not in code.replace("&amp;", "")


def test_a_blank_returned_text_is_not_shown() -> None:
    _, blocks = views.kudos_problem("en", "kudos.errors.message_empty", {}, "  ")
    assert len(blocks) == 1


def test_a_typed_name_in_a_refusal_cannot_ping_anyone() -> None:
    text, blocks = views.kudos_problem(
        "en",
        "kudos.errors.unknown_name",
        {"name": "<!everyone>"},
        None,
    )
    assert "<!everyone>" not in text
    assert "&lt;!everyone&gt;" in all_text(blocks)
    ambiguous, _ = views.kudos_problem(
        "en",
        "kudos.errors.ambiguous_name",
        {"name": "ana", "matches": (("U1", "Ana <!here>"), ("U2", "Ana P"))},
        None,
    )
    assert "<@U1> (Ana &lt;!here&gt;), <@U2> (Ana P)" in ambiguous


# --- help and notes --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_kudos_help_lists_every_way_to_give_and_the_values(lang: str) -> None:
    text, blocks = views.kudos_help(lang, VALUES, ["clap", ":raised_hands:"], 5)
    message_fits((text, blocks))
    shown = all_text(blocks)
    assert "/kudos @ana" in shown
    assert ("#servicial" if lang == "es" else "#helpful") in shown
    if lang == "en":
        assert "Give kudos" in shown
        assert "Give kudos for this" in shown
    else:  # Spanish names the shortcuts by where they are, not by their English names
        assert "Give kudos" not in shown
        assert "el menú *+*" in shown
        assert "el menú *⋮*" in shown
    assert ":clap: :raised_hands:" in shown
    assert "@Aplauso" in shown
    assert t(lang, "kudos.help.limit", limit=5) in shown
    assert HELPFUL.label(lang) in shown


def test_help_without_reactions_does_not_mention_them() -> None:
    _, blocks = views.kudos_help("en", VALUES, [], 5)
    assert "React to a message" not in all_text(blocks)


@pytest.mark.parametrize(
    ("value", "lang", "hashtag"),
    [
        (HELPFUL, "en", "#helpful"),
        (HELPFUL, "es", "#servicial"),
        (CONVENIENT, "en", "#convenient"),
        (CONVENIENT, "es", "#facil"),
        (PERSONAL, "en", "#personaltouch"),
        (PERSONAL, "es", "#tratopersonal"),
        (NO_ALIASES, "es", "#bold"),
    ],
)
def test_values_are_suggested_with_a_hashtag_in_the_readers_language(
    value: ValueInfo, lang: str, hashtag: str
) -> None:
    assert views.value_hashtag(value, lang) == hashtag


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_hashtag_is_explained_in_one_line(lang: str) -> None:
    note = views.unknown_hashtag_note(lang, "#<!here>great", VALUES)
    assert "\n" not in note
    assert "<!here>" not in note
    assert "`#&lt;!here&gt;great`" in note
    assert ("`#servicial`" if lang == "es" else "`#helpful`") in note
    assert block_problems([{"type": "section", "text": {"type": "mrkdwn", "text": note}}]) == []


def test_the_confirmation_mentions_an_unknown_hashtag_and_the_values_that_work() -> None:
    typo = dataclasses.replace(
        KUDOS, value=None, unknown_hashtag="rockstar", values_on_offer=(HELPFUL,)
    )
    _, blocks = views.giver_confirmation(typo, "en")
    assert views.unknown_hashtag_note("en", "rockstar", [HELPFUL]) in all_text(blocks)
    _, plain_blocks = views.giver_confirmation(KUDOS, "en")
    assert "rockstar" not in all_text(plain_blocks)


@pytest.mark.parametrize("lang", LANGS)
def test_modal_errors_name_people_instead_of_raw_mentions(lang: str) -> None:
    named = views.modal_problem(
        lang, "kudos.errors.not_a_person", {"user": "U90BOT", "user_name": "Deploy Bot"}
    )
    assert named.startswith("Deploy Bot ")
    unnamed = views.modal_problem(lang, "kudos.errors.not_a_person", {"user": "U90BOT"})
    assert unnamed.startswith("U90BOT ")
    assert "<@" not in named + unnamed
