"""Two slips the review found: a double click on Undo, and a typed `&` shown as `&amp;`."""

from __future__ import annotations

import json
import threading
from typing import Any

from bot.views import kudos as views
from tests.support.app_harness import RunningApp

EMMA, ANA = "U04EMMA", "U02ANA"


def _only_kudos_id(app: RunningApp) -> int:
    from sqlalchemy import text

    app.settle()
    with app.database.engine.connect() as connection:
        [(kudos_id,)] = connection.execute(text("SELECT id FROM kudos")).all()
    return int(kudos_id)


def _undo(app: RunningApp, kudos_id: int) -> Any:
    return app.slack.block_action(
        views.UNDO_ACTION, user_id=EMMA, value=str(kudos_id), channel_id="C0GENERAL"
    )


def _undo_replies(app: RunningApp) -> list[str]:
    return [
        reply["text"] for reply in app.visible("response_url") if "undo" in reply["text"].lower()
    ]


def test_a_second_undo_says_it_was_already_undone(app: RunningApp) -> None:
    app.slack.command("/kudos", "@ana thanks for the demo", as_user=EMMA, channel_id="C0GENERAL")
    kudos_id = _only_kudos_id(app)
    _undo(app, kudos_id)
    app.settle()
    _undo(app, kudos_id)
    assert _undo_replies(app) == [
        ":leftwards_arrow_with_hook: Done, that kudos is undone.",
        "That kudos is already undone.",
    ]


def test_a_double_click_on_undo_undoes_once_and_says_so_once(app: RunningApp) -> None:
    app.slack.command("/kudos", "@ana thanks for the demo", as_user=EMMA, channel_id="C0GENERAL")
    kudos_id = _only_kudos_id(app)
    clicks = [threading.Thread(target=_undo, args=(app, kudos_id)) for _ in range(2)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    assert sorted(_undo_replies(app)) == [
        ":leftwards_arrow_with_hook: Done, that kudos is undone.",
        "That kudos is already undone.",
    ]


def _as_seen(mrkdwn: str) -> str:
    """What a person reads: Slack turns its three escapes back into characters once."""
    return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _texts(message: dict[str, Any]) -> list[str]:
    found = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        found.append(json.dumps(block, ensure_ascii=False))
    return found


def test_a_typed_ampersand_reads_as_an_ampersand_in_every_message(app: RunningApp) -> None:
    """Slack sends typed `&`, `<`, `>` escaped; shown once more escaped, `R&D` read `R&amp;D`."""
    typed = f"<@{ANA}|ana> thanks for the R&amp;D demo &lt;3 #helpful"
    app.slack.slash_command("/kudos", typed, user_id=EMMA, channel_id="C0GENERAL")
    mention = f"<@{app.fake.bot_user_id}> <@{ANA}> thanks for the Q&amp;A &gt; all"
    app.slack.app_mention(EMMA, mention, "C0GENERAL")
    app.settle()
    dms = [m for m in app.fake.dm_messages(ANA) if m.get("bot_id")]
    assert len(dms) == 2
    seen = [_as_seen(text) for dm in dms for text in _texts(dm)]
    assert any("R&D demo <3" in text for text in seen)
    assert any("Q&A > all" in text for text in seen)
    assert not any("&amp;" in text or "&lt;" in text for text in seen)
    with app.database.engine.connect() as connection:
        stored = sorted(row[0] for row in connection.exec_driver_sql("SELECT message FROM kudos"))
    assert stored == ["thanks for the Q&A > all", "thanks for the R&D demo <3"]


def test_a_typed_mention_lookalike_stays_text(app: RunningApp) -> None:
    """`&lt;@U02ANA&gt;` is what Slack sends when someone types `<@U02ANA>` by hand."""
    app.slack.slash_command(
        "/kudos", "&lt;@U02ANA&gt; thanks", user_id=EMMA, channel_id="C0GENERAL"
    )
    app.settle()
    assert [m for m in app.fake.dm_messages(ANA) if m.get("bot_id")] == []
