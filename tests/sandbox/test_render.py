"""What Slack would show, as readable text for the demo's console."""

from __future__ import annotations

from sandbox.render import blocks_to_text, message_to_text, mrkdwn_to_text, view_to_text

NAMES = {"U_ANA": "Ana", "U_BOB": "Bob"}


def test_mrkdwn_links_mentions_and_escapes_read_naturally() -> None:
    text = "<@U_ANA> thanked <@U_BOB|bob> in <#C1|team>: see <https://x.test|the doc> &amp; <!here>"
    assert mrkdwn_to_text(text, NAMES) == (
        "@Ana thanked @Bob in #team: see the doc (https://x.test) & @here"
    )
    assert mrkdwn_to_text("<@U_ZED>") == "@U_ZED"
    assert mrkdwn_to_text("<!subteam^S1|@sales> hi") == "@sales hi"


def test_a_digest_reads_like_the_screen() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly digest"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Kudos for <@U_ANA>"},
            "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Open"}},
        },
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Score* 4.5"}]},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Anonymous, k ≥ 5"}]},
        {"type": "image", "image_url": "https://x.test/c.png", "alt_text": "score chart"},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Thank"}},
                {"type": "static_select", "placeholder": {"type": "plain_text", "text": "Pick"}},
            ],
        },
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "Why"},
            "element": {"type": "plain_text_input"},
        },
    ]
    assert blocks_to_text(blocks, NAMES).splitlines() == [
        "Weekly digest",
        "=============",
        "Kudos for @Ana",
        "[ Open ]",
        "  *Score* 4.5",
        "-" * 40,
        "Anonymous, k ≥ 5",
        "[image: score chart]",
        "[ Thank ]  [ Pick v ]",
        "Why: ____",
    ]


def test_a_message_falls_back_to_its_text_and_accepts_form_encoded_blocks() -> None:
    assert message_to_text({"text": "Hi <@U_BOB>"}, NAMES) == "Hi @Bob"
    params = {
        "text": "x",
        "blocks": '[{"type": "section", "text": {"type": "mrkdwn", "text": "B"}}]',
    }
    assert message_to_text(params) == "B"


def test_a_modal_shows_title_blocks_and_buttons() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Give kudos"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": "To whom?"}}],
    }
    assert view_to_text(view) == "[ Give kudos ]\nTo whom?\n[ Cancel ]  [ Send ]"
    assert view_to_text({"type": "home", "blocks": []}) == "[ Home ]"
