"""Mentions inside a kudos read as Slack shows them, and a repost never pings a crowd (issue #17).

The giver's words are reposted in the receiver's DM and in the celebration: a person they named
must read as a name (a live `<@U…>`), not as `&lt;@U23DANIEL&gt;`, while `<!here>`, `<!channel>`,
`<!everyone>` and user groups become plain `@here` / `@it-team` that notify nobody.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import t
from bot.markup import shown_text
from bot.views import kudos as views
from tests.support.app_harness import RunningApp, running_app
from tests.test_kudos_e2e import dms_to

EMMA, ANA, LUIS, NOAH, DANIEL = "U04EMMA", "U02ANA", "U03LUIS", "U10NOAH", "U23DANIEL"
KUDOS_CHANNEL = "C0KUDOS"


def shown(text: str) -> str:
    return shown_text(text, group_word="group")


# --- the rendering, as a pure function ---------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("gracias <@U23DANIEL> por revisar", "gracias <@U23DANIEL> por revisar"),
        ("thanks <@U23DANIEL|daniel> for the review", "thanks <@U23DANIEL> for the review"),
        ("enterprise user <@W12AB>", "enterprise user <@W12AB>"),
        ("see <#C0GENERAL> and <#C0RANDOM|random>", "see <#C0GENERAL> and <#C0RANDOM>"),
        ("private <#G42>", "private <#G42>"),
    ],
)
def test_people_and_channels_the_giver_named_stay_live(written: str, expected: str) -> None:
    assert shown(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("<!here> the VPN is back", "@here the VPN is back"),
        ("<!channel> thanks", "@channel thanks"),
        ("<!everyone|everyone> thanks", "@everyone thanks"),
        ("thanks <!subteam^S0ITTEAM|@it-team>!", "thanks @it-team!"),
        ("thanks <!subteam^S0ITTEAM|it-team>", "thanks @it-team"),
        ("thanks <!subteam^S0ITTEAM>", "thanks @group"),
    ],
)
def test_broadcasts_and_user_groups_become_plain_text(written: str, expected: str) -> None:
    assert shown(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("R&D <3 > all", "R&amp;D &lt;3 &gt; all"),
        ("<https://evil.example|google.com>", "&lt;https://evil.example|google.com&gt;"),
        ("<!date^1392734382^{date}|Feb 18>", "&lt;!date^1392734382^{date}|Feb 18&gt;"),
        ("<@not-an-id>", "&lt;@not-an-id&gt;"),
        ("<@U1 <!here>>", "&lt;@U1 @here&gt;"),
        (
            "a group label cannot ping: <!subteam^S1|<!here>>",
            "a group label cannot ping: &lt;!subteam^S1|@here&gt;",
        ),
        ("<!subteam^S1|@a&amp;b>", "@a&amp;b"),
    ],
)
def test_everything_else_stays_escaped(written: str, expected: str) -> None:
    assert shown(written) == expected


@pytest.mark.parametrize("written", ["<!here>", "<!channel>", "<!everyone>", "<!subteam^S1|@x>"])
def test_nothing_shown_can_notify_a_crowd(written: str) -> None:
    rendered = shown(f"hi {written} and <@U1> & <@U2|b>")
    assert "<!" not in rendered
    assert rendered.count("<") == 2  # the two people, and nothing else live


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_long_quote_is_clipped_between_mentions_never_inside_one(lang: str) -> None:
    words = "thanks <@U23DANIEL> " * 200
    quote = views.quoted_words(words, lang, 300)
    assert len(quote) <= 300
    assert quote.endswith("…")
    body = quote.removeprefix("> ").removesuffix("…")
    assert body.count("<") == body.count(">")  # no `<@U23DA` cut in half


def test_a_group_without_its_handle_reads_in_the_readers_language() -> None:
    assert views.quoted_words("gracias <!subteam^S1>", "es", 100) == "> gracias @grupo"
    assert views.quoted_words("thanks <!subteam^S1>", "en", 100) == "> thanks @group"


# --- end to end: the receiver's DM and the celebration ----------------------------------------


def blocks_text(message: dict[str, Any]) -> str:
    texts = []
    for block in message.get("blocks") or []:
        texts.append(str((block.get("text") or {}).get("text") or ""))
    return "\n".join(texts)


def celebration(app: RunningApp) -> dict[str, Any]:
    app.settle()
    [post] = [m for m in app.fake.messages(KUDOS_CHANNEL) if m.get("bot_id")]
    return post


@pytest.fixture
def celebrating_app(database_url: str, clock: Any) -> Any:
    with running_app(database_url, clock, kudos_channel=KUDOS_CHANNEL) as app:
        yield app


def test_a_person_named_in_a_mention_reads_as_a_name_in_the_dm_and_the_post(
    celebrating_app: RunningApp,
) -> None:
    """The demo's case: Diego's @Aplauso message thanks Ana, naming Daniel in the words."""
    app = celebrating_app
    bot = app.fake.bot_user_id
    app.slack.app_mention(
        EMMA, f"<@{bot}> <@{ANA}> gracias <@{DANIEL}> por revisar el contrato", "C0GENERAL"
    )
    [dm] = dms_to(app, ANA)  # Spanish
    assert f"> gracias <@{DANIEL}> por revisar el contrato" in blocks_text(dm)
    assert "&lt;@" not in blocks_text(dm)
    assert f"gracias <@{DANIEL}> por revisar" in dm["text"]  # the notification too
    post = celebration(app)  # the workspace language: English
    assert f"> gracias <@{DANIEL}> por revisar el contrato" in blocks_text(post)
    assert "&lt;@" not in blocks_text(post)


def test_a_slash_kudos_naming_someone_in_the_words_shows_them_by_name(
    celebrating_app: RunningApp,
) -> None:
    app = celebrating_app
    app.slack.slash_command(
        "/kudos", f"<@{NOAH}> thanks for helping <@{LUIS}> with the R&amp;D demo", user_id=EMMA
    )
    [dm] = dms_to(app, NOAH)  # English
    assert f"> thanks for helping <@{LUIS}> with the R&amp;D demo" in blocks_text(dm)
    assert f"<@{LUIS}> with the R&amp;D demo" in blocks_text(celebration(app))


@pytest.mark.parametrize(("receiver", "group"), [(NOAH, "@group"), (ANA, "@grupo")])
def test_here_and_user_groups_in_a_quoted_message_ping_nobody(
    celebrating_app: RunningApp, receiver: str, group: str
) -> None:
    """A :clap: on a message quotes it word for word, broadcasts and all."""
    app = celebrating_app
    words = f"<!here> deploy done, thanks <@{LUIS}> and <!subteam^S0ITTEAM> <!channel>"
    ts = app.fake.add_message("C0GENERAL", receiver, words)
    app.slack.reaction_added(EMMA, "clap", "C0GENERAL", ts)
    [dm] = dms_to(app, receiver)
    post = celebration(app)
    for message in (dm, post):
        text = blocks_text(message) + message["text"]
        assert "<!" not in text
        assert f"> @here deploy done, thanks <@{LUIS}> and " in blocks_text(message)
        assert "@channel" in blocks_text(message)
    assert f"and {group} @channel" in blocks_text(dm)
    assert t("en", "kudos.usergroup") == "group"
