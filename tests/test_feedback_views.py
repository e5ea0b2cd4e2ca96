"""Feedback surfaces keep writers anonymous, never ping anyone by accident and fit Slack."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from bot.i18n import catalog, placeholders, t
from bot.views import feedback as views
from bot.views import feedback_modal as forms
from bot.views.blocks import MODAL_TITLE_MAX, SECTION_TEXT_MAX
from bot.views.limits import block_problems, view_problems
from engagement.feedback_model import (
    TEXT_MAX,
    Author,
    DeliveryFailedNotice,
    FeedbackKind,
    FeedbackLine,
    FeedbackMessageView,
    FeedbackThreadView,
    ManagerCard,
    ThreadMessage,
    ThreadStatus,
    WriterNews,
    WriterReceipt,
)
from engagement.teams_model import TeamRef
from tests.support.blocks import all_text, buttons, input_block
from tests.support.blocks import message_fits as fits_slack

LANGS = ["en", "es"]
WRITER = "UWRITER1"
MANAGER = "UMANAGER"
THREAD_ID = "fb_7f3a9c"
HANDLE = "a1.writer-side-handle"
PING = "<!channel> <!here> <@U999> & <!subteam^S1>"
HOSTILE = ("<!channel> & " * 300)[:TEXT_MAX]
AMPERSANDS = "&" * TEXT_MAX
TEAMS = [TeamRef(1, "Logistics"), TeamRef(2, "Billing & Payments"), TeamRef(3, "IT")]

ANONYMOUS = FeedbackThreadView(
    thread_id=THREAD_ID,
    team_name="Billing & Payments",
    kind=FeedbackKind.CONCERN,
    status=ThreadStatus.OPEN,
    first_text="Invoices reach the shop floor two weeks late. <!channel>",
    anonymous=True,
    writer_id=WRITER,  # set on purpose: the views must still not show it
    manager_id=MANAGER,
)
SIGNED = dataclasses.replace(ANONYMOUS, anonymous=False, kind=FeedbackKind.PRAISE)

FROM_WRITER = FeedbackMessageView(
    thread_id=THREAD_ID,
    team_name="Billing & Payments",
    author=Author.WRITER,
    text="It happened again this week <@U999>.",
    anonymous=True,
    writer_id=WRITER,
)
FROM_MANAGER = dataclasses.replace(FROM_WRITER, author=Author.MANAGER, text="Thank you, on it.")

ERROR_KEYS = {
    "feedback.errors.empty": set(),
    "feedback.errors.too_long": {"max", "length"},
    "feedback.errors.daily_limit": {"limit"},
    "feedback.errors.unknown_team": set(),
    "feedback.errors.no_recipient": set(),
    "feedback.errors.not_yours": set(),
    "feedback.errors.unknown_thread": set(),
    "feedback.errors.secret_missing": set(),
}
ERROR_PARAMS: dict[str, dict[str, object]] = {
    "feedback.errors.too_long": {"max": TEXT_MAX, "length": 3412},
    "feedback.errors.daily_limit": {"limit": 5},
}


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [element["action_id"] for element in buttons(blocks)]


def message_fits(message: tuple[str, list[dict[str, Any]]]) -> None:
    """Fits Slack, mentions no one, and shows no untranslated catalog key."""
    fits_slack(message)
    text, blocks = message
    assert not re.search(r"<!(channel|here|everyone|subteam)", text + all_text(blocks))
    shown = text + all_text(blocks)
    assert [key for key in catalog("en") if key.startswith("feedback.") and key in shown] == []


def every_message(lang: str, text: str) -> list[tuple[str, list[dict[str, Any]]]]:
    thread = dataclasses.replace(ANONYMOUS, first_text=text)
    signed = dataclasses.replace(SIGNED, first_text=text)
    reply = dataclasses.replace(FROM_WRITER, text=text)
    answer = dataclasses.replace(FROM_MANAGER, text=text)
    return [
        views.manager_card(thread, lang),
        views.manager_card(signed, lang),
        views.writer_receipt(WriterReceipt(HANDLE, True), lang),
        views.writer_receipt(WriterReceipt(HANDLE, False, routed_to_admins=True), lang),
        views.thread_message(reply, lang),
        views.thread_message(answer, lang),
        views.writer_news(HANDLE, lang),
        views.delivery_failed(HANDLE, lang),
        views.feedback_problem(lang, "feedback.errors.too_long", {"max": 3000, "length": 1}, text),
        views.feedback_list(lang, as_writer=[thread] * 25, as_manager=[signed] * 25),
    ]


# --- limits, in both languages, with the worst text a person can type ---------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("text", ["Short and kind.", HOSTILE, AMPERSANDS, PING * 70])
def test_every_message_fits_slack_and_pings_nobody(lang: str, text: str) -> None:
    for message in every_message(lang, text):
        message_fits(message)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("text", ["", HOSTILE, AMPERSANDS])
def test_both_modals_fit_slack(lang: str, text: str) -> None:
    many_teams = [TeamRef(n, f"Team {n} & co <!here>") for n in range(150)]
    for view in (
        forms.feedback_modal(
            lang,
            many_teams,
            default_team_id=3,
            small_team_warning=True,
            k=5,
            private_metadata='{"channel": "C1"}',
            initial_text=text,
        ),
        forms.reply_modal(lang, thread_id=THREAD_ID, to_manager=True, quoted=text),
        forms.reply_modal(lang, thread_id=THREAD_ID, to_manager=False, quoted=text),
        forms.reply_modal(
            lang,
            thread_id=HANDLE,
            to_manager=True,
            quoted=text,
            history=[
                FeedbackLine(Author(a), text or "x", w)
                for a in ("writer", "manager") * 30
                for w in (False, True)
            ],
        ),
    ):
        assert view_problems(view) == []
        assert view["type"] == "modal"
        assert "<!here>" not in all_text([b for b in view["blocks"] if b["type"] != "input"])


@pytest.mark.parametrize("lang", LANGS)
def test_modal_titles_fit_24_characters_in_spanish_too(lang: str) -> None:
    for prefix in ("feedback.modal", "feedback.reply"):
        for key in ("title", "submit", "close"):
            assert len(t(lang, f"{prefix}.{key}")) <= MODAL_TITLE_MAX
    assert t("es", "feedback.reply.title") == "Responder"


def test_buttons_and_options_fit_slack_in_both_languages() -> None:
    for lang in LANGS:
        for key, text in catalog(lang).items():
            if key.startswith("feedback.") and key.endswith(
                ("option", "reply", "acknowledge", "resolve", "flag", "open")
            ):
                assert len(text) <= 75, key


@pytest.mark.parametrize("lang", LANGS)
def test_a_full_length_text_reaches_the_manager_whole_over_several_sections(lang: str) -> None:
    words = ("The handover between shifts loses orders. " * 80)[:TEXT_MAX]
    _, blocks = views.manager_card(dataclasses.replace(ANONYMOUS, first_text=words), lang)
    quotes = [
        b["text"]["text"] for b in blocks if b.get("text", {}).get("text", "").startswith(">")
    ]
    assert len(quotes) == 2
    assert all(len(quote) <= SECTION_TEXT_MAX for quote in quotes)
    shown = " ".join(quote.removeprefix("> ") for quote in quotes)
    assert " ".join(shown.split()) == " ".join(words.split())
    assert "…" not in shown


def test_a_text_that_grows_too_much_when_escaped_is_clipped_not_refused() -> None:
    _, blocks = views.manager_card(dataclasses.replace(ANONYMOUS, first_text=AMPERSANDS), "en")
    assert block_problems(blocks) == []
    quotes = "".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    assert "&amp;" in quotes
    assert quotes.endswith("…")
    assert not re.search(r"&(?!amp;)", quotes), "an entity was cut in half"


# --- the feedback modal ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_feedback_modal_asks_to_whom_what_and_how_private(lang: str) -> None:
    view = forms.feedback_modal(
        lang, TEAMS, default_team_id=2, small_team_warning=False, k=5, private_metadata="m"
    )
    assert view["callback_id"] == forms.FEEDBACK_MODAL
    assert view["private_metadata"] == "m"
    assert t(lang, "feedback.modal.intro") in all_text(view["blocks"])

    team = input_block(view, forms.TEAM_BLOCK)
    assert team["label"]["text"] == t(lang, "feedback.modal.team_label")
    select = team["element"]
    assert (select["type"], select["action_id"]) == ("static_select", forms.TEAM_ACTION)
    assert [o["value"] for o in select["options"]] == ["1", "2", "3"]
    assert select["initial_option"] == select["options"][1]

    kind = input_block(view, forms.KIND_BLOCK)["element"]
    assert kind["action_id"] == forms.KIND_ACTION
    assert [o["value"] for o in kind["options"]] == [k.value for k in FeedbackKind]
    assert kind["initial_option"]["value"] == FeedbackKind.IDEA.value
    names = [o["text"]["text"] for o in kind["options"]]
    assert len(set(names)) == 5
    assert t(lang, "feedback.kind.service") in names

    text = input_block(view, forms.TEXT_BLOCK)["element"]
    assert (text["type"], text["action_id"], text["multiline"]) == (
        "plain_text_input",
        forms.TEXT_ACTION,
        True,
    )
    assert (text["min_length"], text["max_length"]) == (1, TEXT_MAX)
    assert "initial_value" not in text

    options = input_block(view, forms.OPTIONS_BLOCK)
    assert options["optional"] is True
    boxes = options["element"]
    assert (boxes["type"], boxes["action_id"]) == ("checkboxes", forms.OPTIONS_ACTION)
    assert [o["value"] for o in boxes["options"]] == [forms.ANONYMOUS_OPTION]
    assert [o["value"] for o in boxes["initial_options"]] == [forms.ANONYMOUS_OPTION]
    # what is protected and from whom, in so many words
    assert t(lang, "feedback.modal.protection") in all_text(view["blocks"])


def test_the_feedback_modal_says_plainly_what_is_protected_and_from_whom() -> None:
    said = t("en", "feedback.modal.protection")
    for promise in ("never sees your name", "next delivery time", "Slack admin", "your words"):
        assert promise in said


def test_the_small_team_warning_shows_only_when_asked() -> None:
    warned = forms.feedback_modal("es", TEAMS, default_team_id=None, small_team_warning=True, k=4)
    quiet = forms.feedback_modal("es", TEAMS, default_team_id=None, small_team_warning=False, k=4)
    warning = t("es", "feedback.modal.small_team", k=4)
    assert "menos de 4 personas" in warning
    assert warning in all_text(warned["blocks"])
    assert "menos de" not in all_text(quiet["blocks"])


def test_the_modal_keeps_what_was_typed_and_no_unknown_default() -> None:
    view = forms.feedback_modal(
        "en",
        TEAMS,
        default_team_id=99,
        small_team_warning=False,
        k=5,
        initial_text="x" * 5000,
    )
    assert "initial_option" not in input_block(view, forms.TEAM_BLOCK)["element"]
    assert input_block(view, forms.TEXT_BLOCK)["element"]["initial_value"] == "x" * TEXT_MAX


def test_only_the_first_hundred_teams_are_offered_but_the_default_stays() -> None:
    teams = [TeamRef(n, f"Team {n}") for n in range(150)]
    first = forms.feedback_modal("en", teams, default_team_id=5, small_team_warning=False, k=5)
    options = input_block(first, forms.TEAM_BLOCK)["element"]["options"]
    assert [o["value"] for o in options] == [str(n) for n in range(100)]

    late = forms.feedback_modal("en", teams, default_team_id=140, small_team_warning=False, k=5)
    select = input_block(late, forms.TEAM_BLOCK)["element"]
    assert len(select["options"]) == 100
    assert select["initial_option"]["value"] == "140"


def test_without_teams_the_modal_explains_instead_of_offering_an_empty_list() -> None:
    view = forms.feedback_modal("en", [], default_team_id=None, small_team_warning=False, k=5)
    assert view_problems(view) == []
    assert "submit" not in view
    assert [b for b in view["blocks"] if b["type"] == "input"] == []


# --- the reply modal -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_reply_modal_quotes_what_is_answered_and_remembers_the_thread(lang: str) -> None:
    view = forms.reply_modal(lang, thread_id=THREAD_ID, to_manager=True, quoted=PING * 40)
    assert view["callback_id"] == forms.REPLY_MODAL
    assert view["private_metadata"] == THREAD_ID
    assert view["title"]["text"] == t(lang, "feedback.reply.title")
    quote = view["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt;" in quote
    assert len(quote) < 600
    reply = input_block(view, forms.REPLY_BLOCK)["element"]
    assert (reply["action_id"], reply["multiline"]) == (forms.REPLY_ACTION_INPUT, True)
    assert reply["max_length"] == TEXT_MAX


def test_the_reply_modal_tells_each_side_what_the_other_will_see() -> None:
    writer = all_text(forms.reply_modal("en", thread_id="t", to_manager=True, quoted="q"))
    manager = all_text(forms.reply_modal("en", thread_id="t", to_manager=False, quoted="q"))
    assert "The manager will not see your name" in writer
    assert "leaves at the next delivery time" in writer
    assert "The writer stays anonymous" in manager
    assert "at the next delivery time" in manager
    signed = all_text(
        forms.reply_modal("en", thread_id="t", to_manager=True, quoted="q", anonymous=False)
    )
    assert "will not see your name" not in signed


# --- the manager's card ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_an_anonymous_card_never_shows_the_writer_even_if_the_id_is_known(lang: str) -> None:
    text, blocks = views.manager_card(ANONYMOUS, lang)
    assert WRITER not in text + all_text(blocks)
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == t(
        lang, "feedback.card.header_anonymous", team="Billing & Payments"
    )
    assert "Invoices reach the shop floor two weeks late. &lt;!channel&gt;" in all_text(blocks)
    assert t(lang, "feedback.kind.concern") in all_text(blocks)
    assert t(lang, "feedback.status.open") in all_text(blocks)


@pytest.mark.parametrize("lang", LANGS)
def test_signed_feedback_shows_the_writer(lang: str) -> None:
    _, blocks = views.manager_card(SIGNED, lang)
    assert f"<@{WRITER}>" in all_text(blocks)
    assert t(lang, "feedback.card.header_signed", team="Billing & Payments") in all_text(blocks)


def test_signed_feedback_without_a_known_writer_reads_as_anonymous() -> None:
    _, blocks = views.manager_card(dataclasses.replace(SIGNED, writer_id=None), "en")
    assert blocks[0]["text"]["text"] == "Anonymous feedback for Billing & Payments"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            ThreadStatus.OPEN,
            [
                views.MANAGER_REPLY_ACTION,
                views.ACKNOWLEDGE_ACTION,
                views.RESOLVE_ACTION,
                views.FLAG_ACTION,
            ],
        ),
        (
            ThreadStatus.ACKNOWLEDGED,
            [views.MANAGER_REPLY_ACTION, views.RESOLVE_ACTION, views.FLAG_ACTION],
        ),
        (ThreadStatus.RESOLVED, [views.MANAGER_REPLY_ACTION, views.FLAG_ACTION]),
    ],
)
def test_the_card_offers_only_the_buttons_that_still_make_sense(
    status: ThreadStatus, expected: list[str]
) -> None:
    _, blocks = views.manager_card(dataclasses.replace(ANONYMOUS, status=status), "en")
    assert action_ids(blocks) == expected
    assert t("en", f"feedback.status.{status.value}") in all_text(blocks)


def test_the_managers_buttons_carry_the_thread_id_and_the_writers_their_handle() -> None:
    """Never the same value in both people's DMs: a Slack export must not pair them."""
    managers = [views.manager_card(ANONYMOUS, "en"), views.thread_message(FROM_WRITER, "en")]
    writers = [
        views.writer_receipt(WriterReceipt(HANDLE, True), "en"),
        views.writer_news(HANDLE, "en"),
        views.delivery_failed(HANDLE, "en"),
    ]
    on_manager_side = [element for _, blocks in managers for element in buttons(blocks)]
    on_writer_side = [element for _, blocks in writers for element in buttons(blocks)]
    assert len(on_manager_side) == 5
    assert {element["value"] for element in on_manager_side} == {THREAD_ID}
    assert [element["value"] for element in on_writer_side] == [HANDLE] * 3
    assert {element["action_id"] for element in on_writer_side} == {views.WRITER_REPLY_ACTION}


def test_reply_is_primary_and_flagging_asks_first() -> None:
    _, blocks = views.manager_card(ANONYMOUS, "es")
    by_action = {element["action_id"]: element for element in buttons(blocks)}
    assert by_action[views.MANAGER_REPLY_ACTION]["style"] == "primary"
    assert by_action[views.FLAG_ACTION]["style"] == "danger"
    assert by_action[views.FLAG_ACTION]["confirm"]["title"]["text"]
    assert by_action[views.MANAGER_REPLY_ACTION]["text"]["text"] == "Responder"


def test_a_flagged_card_says_so_and_cannot_be_flagged_twice() -> None:
    _, blocks = views.manager_card(dataclasses.replace(ANONYMOUS, flagged=True), "en")
    assert views.FLAG_ACTION not in action_ids(blocks)
    assert "Flagged as abusive" in all_text(blocks)


def test_the_card_notification_does_not_show_the_feedback_itself() -> None:
    text, _ = views.manager_card(ANONYMOUS, "en")
    assert text == "New feedback for Billing &amp; Payments: Concern"


# --- the writer's side -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_receipt_says_how_and_when_it_goes_and_keeps_none_of_the_words(lang: str) -> None:
    text, sent = views.writer_receipt(WriterReceipt(HANDLE, True), lang)
    assert text == t(lang, "feedback.writer.receipt_anonymous")
    assert t(lang, "feedback.writer.where") in all_text(sent)
    assert [(b["action_id"], b["text"]["text"]) for b in buttons(sent)] == [
        (views.WRITER_REPLY_ACTION, t(lang, "feedback.writer.open"))
    ]
    _, signed = views.writer_receipt(WriterReceipt(HANDLE, False, routed_to_admins=True), lang)
    assert t(lang, "feedback.writer.receipt_signed") in all_text(signed)
    assert t(lang, "feedback.writer.to_admins") in all_text(signed)


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_in_the_writers_dm_names_the_team_the_kind_or_the_words(lang: str) -> None:
    """What a Slack export of the writer's DM holds must match nothing in the manager's."""
    for text, blocks in (
        views.writer_receipt(WriterReceipt(HANDLE, True), lang),
        views.writer_news(HANDLE, lang),
        views.delivery_failed(HANDLE, lang),
    ):
        shown = text + all_text(blocks)
        for leak in ("Billing", "Invoices", "It happened again", "Thank you, on it"):
            assert leak not in shown
        for kind in FeedbackKind:
            assert t(lang, f"feedback.kind.{kind.value}") not in shown


@pytest.mark.parametrize("lang", LANGS)
def test_an_anonymous_reply_never_shows_the_writer(lang: str) -> None:
    text, blocks = views.thread_message(FROM_WRITER, lang)
    assert WRITER not in text + all_text(blocks)
    assert t(lang, "feedback.thread.anonymous_replied") in all_text(blocks)
    assert "&lt;@U999&gt;" in all_text(blocks)
    assert action_ids(blocks) == [views.MANAGER_REPLY_ACTION]


def test_a_signed_reply_names_the_writer_to_the_manager() -> None:
    signed = dataclasses.replace(FROM_WRITER, anonymous=False)
    text, blocks = views.thread_message(signed, "en")
    assert f"<@{WRITER}> replied:" in all_text(blocks)
    assert f"<@{WRITER}>" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_managers_own_reply_comes_back_without_a_button(lang: str) -> None:
    _, blocks = views.thread_message(FROM_MANAGER, lang)
    assert blocks[0]["text"]["text"] == t(lang, "feedback.thread.you_replied")
    assert buttons(blocks) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_writers_conversation_modal_shows_both_sides_and_what_still_waits(lang: str) -> None:
    history = [
        FeedbackLine(Author.WRITER, "Invoices reach us late <!channel>."),
        FeedbackLine(Author.MANAGER, "Thank you, on it."),
        FeedbackLine(Author.WRITER, "Still late.", waiting=True),
    ]
    view = forms.reply_modal(lang, thread_id=HANDLE, to_manager=True, quoted="q", history=history)
    assert view["private_metadata"] == HANDLE
    shown = all_text(view["blocks"])
    assert "&lt;!channel&gt;" in shown
    assert shown.index("Invoices") < shown.index("Thank you") < shown.index("Still late")
    assert t(lang, "feedback.conversation.manager") in shown
    assert shown.count(t(lang, "feedback.conversation.waiting")) == 1
    assert view_problems(view) == []


# --- refusals --------------------------------------------------------------------------------


def test_the_service_error_keys_exist_in_both_languages_with_their_placeholders() -> None:
    for lang in LANGS:
        for key, expected in ERROR_KEYS.items():
            assert key in catalog(lang), f"{lang}: {key}"
            assert placeholders(catalog(lang)[key]) == expected, key


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(ERROR_KEYS))
def test_every_refusal_explains_itself_and_hands_the_text_back(lang: str, key: str) -> None:
    message = views.feedback_problem(lang, key, ERROR_PARAMS.get(key, {}), HOSTILE)
    message_fits(message)
    text, blocks = message
    assert text == t(lang, key, **ERROR_PARAMS.get(key, {}))
    assert "{" not in text
    assert t(lang, "feedback.problem.returned") in all_text(blocks)
    assert "```" in all_text(blocks)


def test_a_refusal_without_a_text_is_one_short_message() -> None:
    text, blocks = views.feedback_problem("es", "feedback.errors.empty", {}, None)
    assert blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    assert views.feedback_problem("es", "feedback.errors.empty", {}, "  ")[1] == blocks


# --- the list and the note -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_shows_both_sides_with_empty_states(lang: str) -> None:
    _, empty = views.feedback_list(lang, as_writer=[], as_manager=[])
    shown = all_text(empty)
    assert t(lang, "feedback.list.as_writer_empty") in shown
    assert t(lang, "feedback.list.as_manager_empty") in shown

    long_text = dataclasses.replace(ANONYMOUS, first_text=PING * 20, thread_id=HANDLE)
    text, blocks = views.feedback_list(lang, as_writer=[long_text], as_manager=[SIGNED])
    message_fits((text, blocks))
    shown = all_text(blocks)
    assert t(lang, "feedback.list.as_writer_title") in shown
    assert t(lang, "feedback.list.as_manager_title") in shown
    assert "Billing &amp; Payments" in shown
    assert t(lang, "feedback.status.open") in shown
    assert WRITER not in shown
    lines = [line for block in blocks for line in all_text(block).split("\n") if "• " in line]
    assert len(lines) == 2
    assert all(len(line) < 250 for line in lines)
    assert shown.count("&lt;!channel&gt;") == 1  # the manager's excerpt; the writer's has none
    [open_it] = buttons(blocks)
    assert (open_it["action_id"], open_it["value"]) == (views.WRITER_REPLY_ACTION, HANDLE)


def test_the_list_shows_at_most_twenty_per_part_and_counts_the_rest() -> None:
    _, blocks = views.feedback_list("en", as_writer=[ANONYMOUS] * 23, as_manager=[SIGNED] * 20)
    shown = all_text(blocks)
    assert shown.count("• ") == 40
    assert "…and 3 more." in shown
    assert block_problems(blocks) == []


# --- what the courier posts, and inline form errors ------------------------------------------


def test_each_note_the_service_posts_renders_as_its_view() -> None:
    receipt = WriterReceipt(HANDLE, True)
    assert views.render_note(ManagerCard(ANONYMOUS), "es") == views.manager_card(ANONYMOUS, "es")
    assert views.render_note(receipt, "en") == views.writer_receipt(receipt, "en")
    assert views.render_note(ThreadMessage(FROM_WRITER), "en") == views.thread_message(
        FROM_WRITER, "en"
    )
    assert views.render_note(WriterNews(HANDLE), "es") == views.writer_news(HANDLE, "es")
    failed = views.render_note(DeliveryFailedNotice(HANDLE), "en")
    assert failed == views.delivery_failed(HANDLE, "en")
    message_fits(failed)


@pytest.mark.parametrize(
    ("field", "block"),
    [
        ("team", forms.TEAM_BLOCK),
        ("kind", forms.KIND_BLOCK),
        ("text", forms.TEXT_BLOCK),
        (None, forms.TEXT_BLOCK),
        ("receivers", forms.TEXT_BLOCK),
    ],
)
def test_a_refusal_shows_under_the_input_it_is_about(field: str | None, block: str) -> None:
    errors = forms.feedback_form_errors("es", field, "feedback.errors.daily_limit", {"limit": 3})
    assert errors == {block: t("es", "feedback.errors.daily_limit", limit=3)}
    assert forms.reply_form_errors("en", "feedback.errors.empty", {}) == {
        forms.REPLY_BLOCK: t("en", "feedback.errors.empty")
    }
