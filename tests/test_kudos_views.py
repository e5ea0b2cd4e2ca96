"""Kudos surfaces read well in both languages, never ping anyone by accident and fit Slack."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.i18n import t
from bot.views import kudos as views
from bot.views import kudos_modal as modal
from bot.views.blocks import MODAL_TITLE_MAX
from bot.views.limits import view_problems
from engagement.kudos_model import (
    MESSAGE_MAX,
    GivenKudos,
    SkippedReceiver,
    SourceKind,
    ValueInfo,
)
from tests.support.blocks import all_text, buttons, input_block, message_fits

LANGS = ["en", "es"]
WHEN = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
PERMALINK = "https://example.slack.com/archives/C1/p1700000000000100"
PING = "<!channel> <!here> <@U999> & <!subteam^S1>"

HELPFUL = ValueInfo(
    "helpful",
    ":handshake:",
    "Helpful",
    "Servicial",
    ("helpful", "kind", "servicial", "amable"),
)
CONVENIENT = ValueInfo(
    "convenient",
    ":sparkles:",
    "Convenient",
    "Fácil de tratar",
    ("convenient", "easy", "facil", "comodo"),
)
PERSONAL = ValueInfo(
    "personal_touch",
    ":heart:",
    "Personal touch",
    "Trato personal",
    ("personaltouch", "personal_touch", "tratopersonal"),
)
NO_ALIASES = ValueInfo("bold", ":fire:", "Bold", "Audaz")
VALUES = [HELPFUL, CONVENIENT, PERSONAL, NO_ALIASES]

KUDOS = GivenKudos(
    kudos_id=42,
    giver_id="UANA",
    receiver_ids=("ULUIS", "UMAX"),
    value=HELPFUL,
    message="Thanks for unblocking the release on a Friday night!",
    source_kind=SourceKind.COMMAND,
    channel_id="C1",
    message_ts="1700000000.000100",
    permalink=PERMALINK,
    celebrate=True,
    created_at=WHEN,
    remaining_today=3,
    celebration_channel="CKUDOS",
)


# --- the modal -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_modal_titles_fit_24_characters_in_spanish_too(lang: str) -> None:
    for key in ("title", "submit", "close"):
        assert len(t(lang, f"kudos.modal.{key}")) <= MODAL_TITLE_MAX
    view = modal.kudos_modal(lang, VALUES, private_metadata="{}")
    assert view_problems(view) == []
    assert view["type"] == "modal"
    assert view["callback_id"] == modal.KUDOS_MODAL_CALLBACK


@pytest.mark.parametrize("lang", LANGS)
def test_the_kudos_modal_asks_who_why_and_whether_to_celebrate(lang: str) -> None:
    view = modal.kudos_modal(lang, VALUES, private_metadata='{"channel": "C1"}')
    assert view["private_metadata"] == '{"channel": "C1"}'

    receivers = input_block(view, modal.RECEIVERS_BLOCK)
    assert receivers["element"]["type"] == "multi_users_select"
    assert receivers["element"]["action_id"] == modal.RECEIVERS_ACTION
    assert receivers["element"]["max_selected_items"] == 10
    assert "initial_users" not in receivers["element"]

    value = input_block(view, modal.VALUE_BLOCK)
    assert value["optional"] is True
    assert value["element"]["action_id"] == modal.VALUE_ACTION
    assert [o["value"] for o in value["element"]["options"]] == [v.key for v in VALUES]
    assert value["element"]["options"][0]["text"]["text"] == HELPFUL.label(lang)
    assert "initial_option" not in value["element"]

    message = input_block(view, modal.MESSAGE_BLOCK)["element"]
    assert message["type"] == "plain_text_input"
    assert message["action_id"] == modal.MESSAGE_ACTION
    assert message["multiline"] is True
    assert (message["min_length"], message["max_length"]) == (1, MESSAGE_MAX)
    assert message["placeholder"]["text"]

    celebrate = input_block(view, modal.CELEBRATE_BLOCK)
    assert celebrate["optional"] is True
    checkboxes = celebrate["element"]
    assert checkboxes["action_id"] == modal.CELEBRATE_ACTION
    assert [o["value"] for o in checkboxes["options"]] == [modal.CELEBRATE_OPTION_VALUE]
    assert checkboxes["initial_options"] == checkboxes["options"]


def test_the_modal_can_be_prefilled_from_a_command_or_a_message() -> None:
    view = modal.kudos_modal(
        "en",
        VALUES,
        private_metadata="m",
        initial_receivers=["ULUIS", "UMAX"],
        initial_value="convenient",
        initial_message="Thanks!",
        quote="The deploy is green again <!channel>",
        quote_permalink=PERMALINK,
        celebrate=False,
    )
    assert view_problems(view) == []
    receivers = input_block(view, modal.RECEIVERS_BLOCK)["element"]
    assert receivers["initial_users"] == ["ULUIS", "UMAX"]
    select = input_block(view, modal.VALUE_BLOCK)["element"]
    assert select["initial_option"] == select["options"][1]
    assert input_block(view, modal.MESSAGE_BLOCK)["element"]["initial_value"] == "Thanks!"
    assert "initial_options" not in input_block(view, modal.CELEBRATE_BLOCK)["element"]
    text = all_text(view["blocks"])
    assert "The deploy is green again &lt;!channel&gt;" in text
    assert PERMALINK in text
    assert "<!channel>" not in text


def test_an_unknown_initial_value_leaves_the_value_unselected() -> None:
    view = modal.kudos_modal("en", VALUES, private_metadata="", initial_value="nope")
    assert "initial_option" not in input_block(view, modal.VALUE_BLOCK)["element"]


def test_a_modal_without_values_skips_the_value_picker() -> None:
    view = modal.kudos_modal("es", [], private_metadata="")
    assert view_problems(view) == []
    assert modal.VALUE_BLOCK not in [b.get("block_id") for b in view["blocks"]]


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_quote_and_message_are_clipped_to_what_slack_accepts(lang: str) -> None:
    view = modal.kudos_modal(
        lang,
        VALUES * 40,
        private_metadata="",
        initial_receivers=[f"U{n:03d}" for n in range(30)],
        initial_message="x" * 5000,
        quote="<" * 5000,
        quote_permalink=PERMALINK,
    )
    assert view_problems(view) == []
    assert len(input_block(view, modal.RECEIVERS_BLOCK)["element"]["initial_users"]) == 10
    assert len(input_block(view, modal.VALUE_BLOCK)["element"]["options"]) <= 100
    assert len(input_block(view, modal.MESSAGE_BLOCK)["element"]["initial_value"]) == MESSAGE_MAX
    quote_block = view["blocks"][1]
    assert len(quote_block["text"]["text"]) < 500
    assert "&lt;" in quote_block["text"]["text"]


# --- the receiver's DM -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_receiver_dm_offers_to_say_thanks_back(lang: str) -> None:
    text, blocks = views.receiver_dm(KUDOS, lang)
    message_fits((text, blocks))
    assert "<@UANA>" in text
    shown = all_text(blocks)
    assert "<@UANA>" in shown
    assert HELPFUL.label(lang) in shown
    assert "> Thanks for unblocking the release" in shown
    assert PERMALINK in shown
    [thanks] = buttons(blocks)
    assert thanks["action_id"] == views.THANKS_BACK_ACTION
    assert thanks["value"] == "UANA"
    assert thanks["style"] == "primary"


@pytest.mark.parametrize("lang", LANGS)
def test_a_kudos_by_reaction_says_so_and_quotes_the_message(lang: str) -> None:
    by_reaction = dataclasses.replace(
        KUDOS, source_kind=SourceKind.REACTION, value=None, message="Shipped the fix"
    )
    text, blocks = views.receiver_dm(by_reaction, lang)
    message_fits((text, blocks))
    headline = blocks[0]["text"]["text"]
    assert headline == t(lang, "kudos.dm.headline_reaction", giver="<@UANA>")
    assert text.startswith(t(lang, "kudos.dm.text_reaction", giver="<@UANA>"))
    assert "> Shipped the fix" in all_text(blocks)


def test_a_kudos_without_value_or_link_still_reads_well() -> None:
    plain = dataclasses.replace(KUDOS, value=None, permalink=None)
    text, blocks = views.receiver_dm(plain, "en")
    message_fits((text, blocks))
    assert "Value" not in all_text(blocks)
    assert "View the message" not in all_text(blocks)


# --- the giver's confirmation ----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_giver_is_told_who_got_it_and_can_undo_for_ten_minutes(lang: str) -> None:
    text, blocks = views.giver_confirmation(KUDOS, lang)
    message_fits((text, blocks))
    assert "<@ULUIS>" in text
    assert "<@UMAX>" in text
    shown = all_text(blocks)
    assert t(lang, "kudos.confirm.remaining", count=3) in shown
    assert "10" in shown
    assert "<#CKUDOS>" in shown
    [undo] = buttons(blocks)
    assert undo["action_id"] == views.UNDO_ACTION
    assert undo["value"] == "42"
    assert undo["style"] == "danger"


@pytest.mark.parametrize("lang", LANGS)
def test_the_last_kudos_of_the_day_is_said_nicely(lang: str) -> None:
    last = dataclasses.replace(KUDOS, remaining_today=0)
    _, blocks = views.giver_confirmation(last, lang)
    assert t(lang, "kudos.confirm.remaining_none") in all_text(blocks)
    one = dataclasses.replace(KUDOS, remaining_today=1)
    _, blocks = views.giver_confirmation(one, lang)
    assert t(lang, "kudos.confirm.remaining", count=1) in all_text(blocks)


@pytest.mark.parametrize("lang", LANGS)
def test_skipped_receivers_are_explained_kindly(lang: str) -> None:
    skipped = (
        SkippedReceiver("UANA", "self"),
        SkippedReceiver("UBOT", "bot"),
        SkippedReceiver("UGONE", "deactivated"),
        SkippedReceiver("UWHO", "unknown"),
        SkippedReceiver("UODD", "something new"),
    )
    text, blocks = views.giver_confirmation(dataclasses.replace(KUDOS, skipped=skipped), lang)
    message_fits((text, blocks))
    shown = all_text(blocks)
    for user, reason in [
        ("UANA", "self"),
        ("UBOT", "bot"),
        ("UGONE", "deactivated"),
        ("UWHO", "unknown"),
        ("UODD", "unknown"),
    ]:
        assert t(lang, f"kudos.confirm.skipped_{reason}", user=f"<@{user}>") in shown


@pytest.mark.parametrize("lang", LANGS)
def test_a_duplicate_kudos_is_recorded_once_and_has_no_undo(lang: str) -> None:
    text, blocks = views.giver_confirmation(dataclasses.replace(KUDOS, duplicate=True), lang)
    message_fits((text, blocks))
    assert text == t(lang, "kudos.confirm.duplicate")
    assert buttons(blocks) == []


def test_no_undo_button_once_undo_is_unavailable() -> None:
    _, blocks = views.giver_confirmation(KUDOS, "en", undo_available=False)
    assert buttons(blocks) == []
    assert "undo" not in all_text(blocks).lower()


def test_a_private_kudos_says_it_was_not_posted() -> None:
    private = dataclasses.replace(KUDOS, celebrate=False)
    _, blocks = views.giver_confirmation(private, "en")
    assert t("en", "kudos.confirm.private") in all_text(blocks)


@pytest.mark.parametrize("lang", LANGS)
def test_a_celebration_slack_refused_is_named_with_the_invite_to_fix_it(lang: str) -> None:
    refused = dataclasses.replace(KUDOS, celebration_channel=None, celebration_refused="C0RANDOM")
    text, blocks = views.giver_confirmation(refused, lang)
    message_fits((text, blocks))
    shown = all_text(blocks)
    assert "<#C0RANDOM>" in shown
    assert "/invite @Aplauso" in shown
    assert t(lang, "kudos.confirm.celebrated", channel="<#C0RANDOM>") not in shown


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "undo",
    [
        views.undo_done,
        lambda lang: views.undo_refused(lang, "kudos.errors.undo_expired"),
        lambda lang: views.undo_refused(lang, "kudos.errors.not_your_kudos"),
    ],
)
def test_undo_answers_are_short_and_never_empty(lang: str, undo: Any) -> None:
    text, blocks = undo(lang)
    message_fits((text, blocks))
    assert text in all_text(blocks)


# --- the public celebration ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_channel_post_mentions_everyone_involved(lang: str) -> None:
    text, blocks = views.channel_post(KUDOS, lang)
    message_fits((text, blocks))
    for user in ("<@UANA>", "<@ULUIS>", "<@UMAX>"):
        assert user in text
        assert user in all_text(blocks)
    shown = all_text(blocks)
    assert HELPFUL.label(lang) in shown
    assert "> Thanks for unblocking" in shown
    assert PERMALINK in shown
    assert f" {t(lang, 'kudos.and')} <@UMAX>" in text


# --- safety and size on every surface --------------------------------------------------------


def every_message(kudos: GivenKudos, lang: str) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        views.receiver_dm(kudos, lang),
        views.receiver_dm(dataclasses.replace(kudos, source_kind=SourceKind.REACTION), lang),
        views.giver_confirmation(kudos, lang),
        views.channel_post(kudos, lang),
        views.kudos_problem(
            lang, "kudos.errors.message_too_long", {"max": 1, "length": 2}, kudos.message
        ),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_what_people_wrote_cannot_ping_the_channel(lang: str) -> None:
    kudos = dataclasses.replace(KUDOS, message=f"Great job {PING}\n> not a quote end")
    for text, blocks in every_message(kudos, lang):
        for shown in (text, all_text(blocks)):
            assert "<!channel>" not in shown
            assert "<!here>" not in shown
            assert "<!subteam" not in shown
    # A person named in the quoted words is shown as Slack shows a mention (issue #17), never
    # as a raw escaped id; see tests/test_kudos_rendering.py.
    for message_text, blocks in (views.receiver_dm(kudos, lang), views.channel_post(kudos, lang)):
        assert "&lt;@U999&gt;" not in message_text + all_text(blocks)
    view = modal.kudos_modal(lang, VALUES, private_metadata="", quote=PING)
    assert "<!channel>" not in all_text(view["blocks"])


@pytest.mark.parametrize("lang", LANGS)
def test_a_5000_character_message_still_fits_every_surface(lang: str) -> None:
    for body in ("a" * 5000, "<&>" * 1700, "line\n" * 1000):
        kudos = dataclasses.replace(
            KUDOS,
            message=body,
            receiver_ids=tuple(f"U{n:04d}" for n in range(40)),
            skipped=tuple(SkippedReceiver(f"UX{n:03d}", "bot") for n in range(60)),
        )
        for message in every_message(kudos, lang):
            message_fits(message)


def test_a_multiline_message_is_quoted_on_every_line() -> None:
    kudos = dataclasses.replace(KUDOS, message="first\nsecond")
    _, blocks = views.channel_post(kudos, "en")
    assert "> first\n> second" in all_text(blocks)
