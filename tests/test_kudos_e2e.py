"""Kudos end to end: signed requests from every surface, answered through the fake Slack."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.views import kudos as views
from bot.views import kudos_modal as modal
from engagement.teams import TeamSpec
from tests.support.app_harness import RunningApp

EMMA, ANA, LUIS, NOAH, CARMEN = "U04EMMA", "U02ANA", "U03LUIS", "U10NOAH", "U01CARMEN"


def kudos_rows(app: RunningApp) -> list[tuple[str, tuple[str, ...], str | None, str]]:
    app.settle()
    from sqlmodel import Session, col, select

    from storage.models import Kudos
    from storage.repositories import KudosRepository

    with Session(app.database.engine) as session:
        rows = session.exec(select(Kudos).order_by(col(Kudos.id))).all()
        kudos = KudosRepository(session)
        return [
            (k.giver_id, tuple(kudos.receiver_ids(k.id or 0)), k.value_key, k.source_kind)
            for k in rows
            if k.withdrawn_at is None
        ]


def dms_to(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.dm_messages(user_id) if m.get("bot_id") or m.get("user") != user_id]


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


def test_slash_kudos_thanks_two_people_with_a_value(app: RunningApp) -> None:
    response = app.slack.slash_command(
        "/kudos", f"<@{ANA}> <@{LUIS}|luis> #helpful thanks for unblocking the release",
        user_id=EMMA, channel_id="C0GENERAL",
    )  # fmt: skip
    assert response.status == 200
    assert kudos_rows(app) == [(EMMA, (ANA, LUIS), "helpful", "command")]
    [confirmation] = app.answers()
    assert response.json is not None
    assert response.json["text"] == confirmation["text"]
    assert app.visible("response_url") == []  # answered in the acknowledgement: one call less
    assert confirmation["response_type"] == "ephemeral"
    assert "3" in text_of(confirmation)  # kudos left today
    assert views.UNDO_ACTION in text_of(confirmation)
    for receiver in (ANA, LUIS):
        [dm] = dms_to(app, receiver)
        assert "thanks for unblocking the release" in text_of(dm)
        assert views.THANKS_BACK_ACTION in text_of(dm)


def test_the_receiver_reads_the_dm_in_their_own_language(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", f"<@{ANA}> #helpful great demo", user_id=EMMA)
    [dm] = dms_to(app, ANA)
    assert "Servicial" in text_of(dm)


def test_plain_at_names_are_resolved_through_the_directory(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", "@noah #timely quick fix", user_id=EMMA)
    assert kudos_rows(app) == [(EMMA, (NOAH,), "timely", "command")]


def test_an_unknown_name_is_explained_and_the_text_given_back(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", "@nobodyhere thanks a lot", user_id=EMMA)
    [reply] = app.answers()
    assert "nobodyhere" in text_of(reply)
    assert "thanks a lot" in text_of(reply)
    assert kudos_rows(app) == []


def test_a_user_group_thanks_every_member_and_counts_once(app: RunningApp) -> None:
    app.slack.slash_command(
        "/kudos", "<!subteam^S0ITTEAM|@it-team> #reliable the VPN is back", user_id=ANA
    )
    [(giver, receivers, value, _)] = kudos_rows(app)
    assert (giver, value) == (ANA, "reliable")
    assert set(receivers) == {"U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL", EMMA}
    assert "4" in text_of(app.answers()[0])


def test_self_kudos_is_refused_kindly(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", f"<@{EMMA}> I am great", user_id=EMMA)
    [reply] = app.answers()
    assert "yourself" in text_of(reply)
    assert "I am great" in text_of(reply)
    assert kudos_rows(app) == []


def test_over_the_limit_the_giver_sees_the_limit_and_gets_the_text_back(app: RunningApp) -> None:
    app.slack.slash_command(
        "/kudos", "<@U02ANA> <@U03LUIS> <@U05DIEGO> <@U06OLIVIA> <@U07SOFIA> thanks all",
        user_id=EMMA,
    )  # fmt: skip
    app.settle()
    app.slack.slash_command("/kudos", f"<@{NOAH}> one more please", user_id=EMMA)
    app.settle()
    last = app.answers()[-1]
    assert "5" in text_of(last)
    assert "one more please" in text_of(last)
    assert len(kudos_rows(app)) == 1


def test_a_5000_character_kudos_is_refused_with_the_text_returned(app: RunningApp) -> None:
    long_text = "gracias " * 625
    app.slack.slash_command("/kudos", f"<@{ANA}> {long_text}", user_id=EMMA)
    [reply] = app.answers()
    assert "1000" in text_of(reply) or "1,000" in text_of(reply)
    assert kudos_rows(app) == []


def test_an_unknown_hashtag_saves_the_kudos_without_a_value_and_lists_the_values(
    app: RunningApp,
) -> None:
    app.slack.slash_command("/kudos", f"<@{ANA}> #rockstar you rock", user_id=EMMA)
    assert kudos_rows(app) == [(EMMA, (ANA,), None, "command")]
    assert "rockstar" in text_of(app.answers()[0])


def test_kudos_help_explains_every_way_to_give(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", "help", user_id=EMMA)
    [reply] = app.answers()
    assert "/kudos" in text_of(reply)
    assert ":clap:" in text_of(reply)


def open_modal(app: RunningApp, user_id: str) -> dict[str, Any]:
    app.settle()
    [view] = app.fake.open_modals(user_id)
    return view


def modal_state(
    receivers: list[str], message: str, value: str | None = None, celebrate: bool = True
) -> dict[str, Any]:
    return {
        modal.RECEIVERS_BLOCK: {
            modal.RECEIVERS_ACTION: {"type": "multi_users_select", "selected_users": receivers}
        },
        modal.VALUE_BLOCK: {
            modal.VALUE_ACTION: {
                "type": "static_select",
                "selected_option": {"value": value} if value else None,
            }
        },
        modal.MESSAGE_BLOCK: {modal.MESSAGE_ACTION: {"type": "plain_text_input", "value": message}},
        modal.CELEBRATE_BLOCK: {
            modal.CELEBRATE_ACTION: {
                "type": "checkboxes",
                "selected_options": [{"value": modal.CELEBRATE_OPTION_VALUE}] if celebrate else [],
            }
        },
    }


def test_slash_kudos_without_text_opens_the_modal(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", "", user_id=EMMA)
    assert open_modal(app, EMMA)["callback_id"] == modal.KUDOS_MODAL_CALLBACK


def test_the_modal_gives_kudos_once_even_when_submitted_twice(app: RunningApp) -> None:
    app.slack.global_shortcut("give_kudos", user_id=ANA)
    view = open_modal(app, ANA)
    state = modal_state([LUIS], "gracias por la ayuda con el pedido", "timely")
    first = app.slack.view_submission(
        modal.KUDOS_MODAL_CALLBACK, user_id=ANA, view_id=view["id"], state_values=state,
        private_metadata=view.get("private_metadata", ""),
    )  # fmt: skip
    assert first.status == 200
    app.slack.view_submission(
        modal.KUDOS_MODAL_CALLBACK, user_id=ANA, view_id=view["id"], state_values=state,
        private_metadata=view.get("private_metadata", ""),
    )  # fmt: skip
    assert kudos_rows(app) == [(ANA, (LUIS,), "timely", "modal")]
    assert len(dms_to(app, LUIS)) == 1


def test_modal_validation_errors_show_inline(app: RunningApp) -> None:
    app.slack.global_shortcut("give_kudos", user_id=ANA)
    view = open_modal(app, ANA)
    response = app.slack.view_submission(
        modal.KUDOS_MODAL_CALLBACK, user_id=ANA, view_id=view["id"],
        state_values=modal_state([ANA], "me"),
    )  # fmt: skip
    assert response.json is not None
    assert response.json["response_action"] == "errors"
    assert modal.RECEIVERS_BLOCK in response.json["errors"]


def test_a_celebrated_kudos_is_posted_to_the_kudos_channel_mentioning_everyone(
    database_url: str, clock: Any
) -> None:
    from tests.support.app_harness import running_app

    with running_app(database_url, clock, kudos_channel="C0KUDOS") as app:
        app.slack.slash_command(
            "/kudos", f"<@{ANA}> #honest thanks for owning the bug", user_id=EMMA
        )
        app.settle()
        [post] = [m for m in app.fake.messages("C0KUDOS") if m.get("bot_id")]
        assert f"<@{EMMA}>" in text_of(post)
        assert f"<@{ANA}>" in text_of(post)


def test_a_team_channel_is_preferred_for_the_celebration(database_url: str, clock: Any) -> None:
    from tests.support.app_harness import running_app

    with running_app(database_url, clock, kudos_channel="C0KUDOS") as app:
        app.runtime.services.teams.set_team(TeamSpec("Sales", CARMEN, [ANA], channel_id="C0SALES"))
        app.slack.slash_command("/kudos", f"<@{ANA}> thanks", user_id=EMMA)
        app.settle()
        assert [m for m in app.fake.messages("C0SALES") if m.get("bot_id")]
        assert not [m for m in app.fake.messages("C0KUDOS") if m.get("bot_id")]


def test_the_message_shortcut_prefills_the_author_and_quotes_the_message(app: RunningApp) -> None:
    ts = app.fake.add_message("C0GENERAL", NOAH, "Deployed the fix for the invoices")
    app.slack.message_shortcut(
        "kudos_message", user_id=EMMA, channel_id="C0GENERAL",
        message={"type": "message", "user": NOAH, "ts": ts, "text": "Deployed the fix for the invoices"},
    )  # fmt: skip
    view = open_modal(app, EMMA)
    assert NOAH in text_of(view)
    assert "Deployed the fix" in text_of(view)
    assert "permalink" in view.get("private_metadata", "")
    app.slack.view_submission(
        modal.KUDOS_MODAL_CALLBACK, user_id=EMMA, view_id=view["id"],
        state_values=modal_state([NOAH], "you saved month-end"),
        private_metadata=view["private_metadata"],
    )  # fmt: skip
    assert kudos_rows(app) == [(EMMA, (NOAH,), None, "message_shortcut")]


def test_a_reaction_gives_the_author_one_kudos_even_when_slack_retries(app: RunningApp) -> None:
    ts = app.fake.add_message("C0GENERAL", NOAH, "Here is the report you asked for")
    first = app.slack.reaction_added(EMMA, "clap", "C0GENERAL", ts)
    app.slack.event(first.sent["event"], event_id=first.sent["event_id"], retry_num=1)
    app.slack.reaction_added(EMMA, "aplauso", "C0GENERAL", ts)
    assert kudos_rows(app) == [(EMMA, (NOAH,), None, "reaction")]
    [dm] = dms_to(app, NOAH)
    assert "Here is the report" in text_of(dm)


def test_other_emoji_and_reacting_to_yourself_give_nothing(app: RunningApp) -> None:
    ts = app.fake.add_message("C0GENERAL", NOAH, "lunch?")
    app.slack.reaction_added(EMMA, "pizza", "C0GENERAL", ts)
    app.slack.reaction_added(NOAH, "clap", "C0GENERAL", ts)
    assert kudos_rows(app) == []


def test_removing_the_reaction_the_same_day_withdraws_the_kudos(app: RunningApp) -> None:
    ts = app.fake.add_message("C0GENERAL", NOAH, "fixed")
    app.slack.reaction_added(EMMA, "clap", "C0GENERAL", ts)
    app.settle()
    app.slack.reaction_removed(EMMA, "clap", "C0GENERAL", ts)
    assert kudos_rows(app) == []


def test_mentioning_the_bot_gives_kudos(app: RunningApp) -> None:
    app.slack.app_mention(
        EMMA, f"<@{app.fake.bot_user_id}> thanks <@{ANA}> for the quick answer #timely", "C0GENERAL"
    )
    assert kudos_rows(app) == [(EMMA, (ANA,), "timely", "mention")]


def test_undo_within_ten_minutes_takes_the_kudos_back(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", f"<@{ANA}> thanks", user_id=EMMA)
    app.settle()
    [(kudos_id,)] = [(k,) for k in _kudos_ids(app)]
    app.clock.advance(timedelta(minutes=5))
    app.slack.block_action(
        views.UNDO_ACTION, user_id=EMMA, value=str(kudos_id), channel_id="C0GENERAL"
    )
    assert kudos_rows(app) == []


def test_undo_after_ten_minutes_is_too_late(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", f"<@{ANA}> thanks", user_id=EMMA)
    app.settle()
    [kudos_id] = _kudos_ids(app)
    app.clock.advance(timedelta(minutes=11))
    app.slack.block_action(
        views.UNDO_ACTION, user_id=EMMA, value=str(kudos_id), channel_id="C0GENERAL"
    )
    assert len(kudos_rows(app)) == 1


def test_say_thanks_back_opens_the_modal_prefilled(app: RunningApp) -> None:
    app.slack.block_action(views.THANKS_BACK_ACTION, user_id=ANA, value=EMMA, channel_id=f"D{ANA}")
    view = open_modal(app, ANA)
    assert EMMA in text_of(view)


def test_app_home_shows_kudos_received_this_month(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", f"<@{ANA}> #helpful thanks for the onboarding", user_id=EMMA)
    app.settle()
    app.slack.app_home_opened(ANA)
    app.settle()
    home = app.fake.home_view(ANA)
    assert home is not None
    assert "thanks for the onboarding" in text_of(home)
    assert views.GIVE_KUDOS_ACTION in text_of(home)


@pytest.mark.parametrize("text", ["hola", "help"])
def test_a_direct_message_gets_a_pointer_in_the_users_language(app: RunningApp, text: str) -> None:
    app.slack.direct_message(ANA, text)
    app.settle()
    replies = [m for m in app.fake.dm_messages(ANA) if m.get("bot_id")]
    assert len(replies) == 1
    assert "/kudos" in text_of(replies[0])


def _kudos_ids(app: RunningApp) -> list[int]:
    from sqlmodel import Session, select

    from storage.models import Kudos

    with Session(app.database.engine) as session:
        return [k.id or 0 for k in session.exec(select(Kudos)).all()]
