"""Anonymous feedback end to end: the writer stays anonymous both ways, even to a database dump;
everything reaches the other side at delivery slots."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import inspect, text

from bot.i18n import t
from bot.views import feedback as views
from bot.views import feedback_modal as forms
from engagement.feedback_rules import next_slot
from engagement.teams import TeamSpec
from schedules.jobs import JOBS
from tests.support.app_harness import RunningApp

WRITER, MANAGER, OTHER = "U09JAVIER", "U08JAMES", "U10NOAH"  # Javier (es) writes to James (en)


def setup_teams(app: RunningApp) -> dict[str, int]:
    ids = {}
    for name, manager, members in [
        ("Logistics", MANAGER, [WRITER, OTHER, "U11LUCIA", "U12LIAM", "U13VALEN", "U15MARTA"]),
        ("IT", "U16PRIYA", ["U17PABLO", "U18GRACE"]),
        ("Legal", "U22ISABEL", ["U23DANIEL"]),
    ]:
        team = app.runtime.services.teams.set_team(TeamSpec(name, manager, members)).team
        assert team.id is not None
        ids[name] = team.id
    return ids


def open_modal(app: RunningApp, user_id: str) -> dict[str, Any]:
    app.settle()
    return app.fake.open_modals(user_id)[-1]


def submit_feedback(
    app: RunningApp,
    user_id: str,
    team_id: int,
    body: str,
    *,
    anonymous: bool = True,
    kind: str = "concern",
) -> Any:
    app.slack.slash_command("/feedback", "", user_id=user_id)
    modal = open_modal(app, user_id)
    options = [{"value": forms.ANONYMOUS_OPTION}] if anonymous else []
    state = {
        forms.TEAM_BLOCK: {
            forms.TEAM_ACTION: {"type": "static_select", "selected_option": {"value": str(team_id)}}
        },
        forms.KIND_BLOCK: {
            forms.KIND_ACTION: {"type": "static_select", "selected_option": {"value": kind}}
        },
        forms.TEXT_BLOCK: {forms.TEXT_ACTION: {"type": "plain_text_input", "value": body}},
        forms.OPTIONS_BLOCK: {
            forms.OPTIONS_ACTION: {"type": "checkboxes", "selected_options": options}
        },
    }
    response = app.slack.view_submission(
        forms.FEEDBACK_MODAL, user_id=user_id, view_id=modal["id"], state_values=state,
        private_metadata=modal.get("private_metadata", ""),
    )  # fmt: skip
    app.settle()
    return response


def bot_dms(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.dm_messages(user_id) if m.get("bot_id")]


def deliver(app: RunningApp) -> int:
    """The feedback job at the next delivery slot; how many cards it posted."""
    slot = next_slot(app.clock())
    app.clock.set(slot)
    sent = JOBS["feedback"].run(app.runtime.services, slot).sent
    app.settle()
    return sent


def handle_of(app: RunningApp, user_id: str) -> str:
    """The writer's own handle, from the latest note in their DM."""
    [button] = [
        element
        for block in bot_dms(app, user_id)[-1]["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    return str(button["value"])


def thread_id_of(app: RunningApp) -> str:
    with app.database.engine.connect() as connection:
        return str(connection.execute(text("SELECT id FROM feedback_threads")).scalar())


def press(app: RunningApp, user_id: str, action_id: str, thread_id: str) -> None:
    app.slack.block_action(action_id, user_id=user_id, value=thread_id, channel_id=f"D{user_id}")
    app.settle()


def reply(app: RunningApp, user_id: str, action_id: str, thread_id: str, body: str) -> Any:
    press(app, user_id, action_id, thread_id)
    modal = app.fake.open_modals(user_id)[-1]
    state = {
        forms.REPLY_BLOCK: {forms.REPLY_ACTION_INPUT: {"type": "plain_text_input", "value": body}}
    }
    response = app.slack.view_submission(
        forms.REPLY_MODAL, user_id=user_id, view_id=modal["id"], state_values=state,
        private_metadata=modal.get("private_metadata", ""),
    )  # fmt: skip
    app.settle()
    return response


def full_conversation(app: RunningApp) -> str:
    teams = setup_teams(app)
    submit_feedback(
        app, WRITER, teams["Logistics"], "Las urgencias de última hora nos están quemando."
    )
    deliver(app)
    thread = thread_id_of(app)
    reply(app, MANAGER, views.MANAGER_REPLY_ACTION, thread, "Thank you. Can you tell me more?")
    deliver(app)
    reply(
        app,
        WRITER,
        views.WRITER_REPLY_ACTION,
        handle_of(app, WRITER),
        "Casi todas llegan los viernes por la tarde.",
    )
    deliver(app)
    press(app, MANAGER, views.ACKNOWLEDGE_ACTION, thread)
    press(app, MANAGER, views.RESOLVE_ACTION, thread)
    deliver(app)
    return thread


def test_feedback_reaches_the_manager_at_the_next_slot_without_the_writers_name(
    app: RunningApp,
) -> None:
    teams = setup_teams(app)
    submit_feedback(
        app, WRITER, teams["Logistics"], "Las urgencias de última hora nos están quemando."
    )
    [receipt] = bot_dms(app, WRITER)
    assert views.WRITER_REPLY_ACTION in json.dumps(receipt)
    assert "urgencias" not in json.dumps(receipt, ensure_ascii=False)  # no copy in the DM
    assert "Logistics" not in json.dumps(receipt)
    assert bot_dms(app, MANAGER) == []  # not before the slot
    assert deliver(app) == 1
    [card] = bot_dms(app, MANAGER)
    assert "urgencias de última hora" in json.dumps(card, ensure_ascii=False)
    assert WRITER not in json.dumps(card)
    assert "javier" not in json.dumps(card).lower()


def test_a_full_conversation_flows_both_ways(app: RunningApp) -> None:
    full_conversation(app)
    manager_side = bot_dms(app, MANAGER)
    writer_side = bot_dms(app, WRITER)
    card_ts = manager_side[0]["ts"]
    assert "Casi todas llegan los viernes" in json.dumps(manager_side, ensure_ascii=False)
    assert all(m.get("thread_ts") == card_ts for m in manager_side[1:])
    assert WRITER not in json.dumps(manager_side)
    assert "Can you tell me more" not in json.dumps(writer_side)  # read in the modal instead
    app.slack.block_action(
        views.WRITER_REPLY_ACTION,
        user_id=WRITER,
        value=handle_of(app, WRITER),
        channel_id=f"D{WRITER}",
    )
    app.settle()
    conversation = json.dumps(app.fake.open_modals(WRITER)[-1], ensure_ascii=False)
    assert "Can you tell me more" in conversation
    assert "Casi todas llegan los viernes" in conversation


def test_a_database_dump_after_a_full_conversation_names_no_writer(app: RunningApp) -> None:
    full_conversation(app)
    with app.database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            if table in ("people", "team_members", "welcomes"):
                continue  # the directory, team lists and welcomes name everyone alike
            for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings():  # noqa: S608
                dumped = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False).lower()
                assert WRITER.lower() not in dumped, table
                assert "javier" not in dumped, table


def test_the_writer_hears_there_is_news_at_a_slot_but_not_what(app: RunningApp) -> None:
    teams = setup_teams(app)
    submit_feedback(app, WRITER, teams["Logistics"], "Las urgencias nos queman.")
    deliver(app)
    thread = thread_id_of(app)
    reply(app, MANAGER, views.MANAGER_REPLY_ACTION, thread, "Thank you. Can you tell me more?")
    press(app, MANAGER, views.RESOLVE_ACTION, thread)
    assert len(bot_dms(app, WRITER)) == 1  # only the receipt: an arrival now would time them
    deliver(app)
    _, news = bot_dms(app, WRITER)  # one note for both
    assert news["text"] == t("es", "feedback.writer.news")
    assert "Thank you" not in json.dumps(news)
    deliver(app)
    assert len(bot_dms(app, WRITER)) == 2


def test_a_double_submitted_modal_delivers_once(app: RunningApp) -> None:
    teams = setup_teams(app)
    app.slack.slash_command("/feedback", "", user_id=WRITER)
    modal = open_modal(app, WRITER)
    state = {
        forms.TEAM_BLOCK: {
            forms.TEAM_ACTION: {
                "type": "static_select",
                "selected_option": {"value": str(teams["IT"])},
            }
        },
        forms.KIND_BLOCK: {
            forms.KIND_ACTION: {"type": "static_select", "selected_option": {"value": "service"}}
        },
        forms.TEXT_BLOCK: {
            forms.TEXT_ACTION: {"type": "plain_text_input", "value": "La VPN cae cada mañana."}
        },
        forms.OPTIONS_BLOCK: {
            forms.OPTIONS_ACTION: {
                "type": "checkboxes",
                "selected_options": [{"value": "anonymous"}],
            }
        },
    }
    for _ in range(2):
        app.slack.view_submission(
            forms.FEEDBACK_MODAL, user_id=WRITER, view_id=modal["id"], state_values=state,
            private_metadata=modal.get("private_metadata", ""),
        )  # fmt: skip
    app.settle()
    assert len(bot_dms(app, WRITER)) == 1
    deliver(app)
    assert len(bot_dms(app, "U16PRIYA")) == 1


def test_empty_or_too_long_text_is_refused_inline(app: RunningApp) -> None:
    teams = setup_teams(app)
    for body in ("   ", "x" * 3001):
        response = submit_feedback(app, WRITER, teams["IT"], body)
        assert response.json["response_action"] == "errors"
    deliver(app)
    assert bot_dms(app, "U16PRIYA") == []


def test_the_daily_limit_counts_under_a_daily_hash_not_the_person(app: RunningApp) -> None:
    teams = setup_teams(app)
    with app.database.unit_of_work() as uow:
        settings = uow.settings.get()
        settings.feedback_daily_limit = 2
        uow.settings.save(settings)
    for n in range(2):
        assert submit_feedback(app, WRITER, teams["IT"], f"idea {n}").status == 200
    refused = submit_feedback(app, WRITER, teams["IT"], "idea 3")
    assert refused.json["response_action"] == "errors"
    with app.database.engine.connect() as connection:
        keys = (
            connection.execute(text("SELECT writer_key FROM feedback_daily_counts")).scalars().all()
        )
    assert len(keys) == 1
    assert WRITER not in keys[0]


def test_only_the_recipient_can_reply_acknowledge_or_resolve(app: RunningApp) -> None:
    teams = setup_teams(app)
    submit_feedback(app, WRITER, teams["Logistics"], "Más formación, por favor.")
    thread = thread_id_of(app)
    press(app, OTHER, views.RESOLVE_ACTION, thread)
    with app.database.engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM feedback_threads")).scalar() == "open"


def test_a_manager_replying_to_a_resolved_conversation_reopens_it(app: RunningApp) -> None:
    thread = full_conversation(app)
    reply(
        app,
        MANAGER,
        views.MANAGER_REPLY_ACTION,
        thread,
        "One more thing: we changed the Friday plan.",
    )
    with app.database.engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM feedback_threads")).scalar() == "open"


def test_signed_feedback_shows_the_writer(app: RunningApp) -> None:
    teams = setup_teams(app)
    submit_feedback(
        app, WRITER, teams["Legal"], "Gracias por el contrato.", anonymous=False, kind="praise"
    )
    deliver(app)
    [card] = bot_dms(app, "U22ISABEL")
    assert f"<@{WRITER}>" in json.dumps(card)


def test_feedback_leaves_only_at_the_next_slot_and_only_once(app: RunningApp) -> None:
    teams = setup_teams(app)
    submit_feedback(app, WRITER, teams["IT"], "Idea sobre los tickets.")
    deps = app.runtime.services
    slot = next_slot(app.clock())
    assert JOBS["feedback"].run(deps, slot - timedelta(minutes=1)).sent == 0
    assert bot_dms(app, "U16PRIYA") == []
    assert JOBS["feedback"].run(deps, slot).sent == 1
    assert JOBS["feedback"].run(deps, slot + timedelta(hours=3)).sent == 0
    assert len(bot_dms(app, "U16PRIYA")) == 1
    with app.database.engine.connect() as connection:  # storage keeps the slot, not the moment
        stored = connection.execute(text("SELECT deliver_after FROM feedback_threads")).scalar()
    assert str(stored).startswith(slot.strftime("%Y-%m-%d %H:00:00"))


def test_a_team_without_an_active_manager_sends_feedback_to_an_admin(app: RunningApp) -> None:
    teams = setup_teams(app)
    app.fake.deactivate_user("U16PRIYA")
    assert app.runtime.services.admin.add_admin("U01CARMEN")
    with app.database.unit_of_work() as uow:
        person = uow.people.get("U16PRIYA")
        assert person is not None
        person.deleted = True
        uow.people.upsert(person)
    submit_feedback(app, WRITER, teams["IT"], "Nadie responde los tickets.")
    deliver(app)
    assert len(bot_dms(app, "U01CARMEN")) == 1  # no active manager: it goes to an admin
    assert "Nadie responde" in json.dumps(bot_dms(app, "U01CARMEN"), ensure_ascii=False)


def test_feedback_list_shows_each_side_their_open_conversations(app: RunningApp) -> None:
    teams = setup_teams(app)
    submit_feedback(app, WRITER, teams["Logistics"], "Primera idea sobre turnos.")
    app.slack.slash_command("/feedback", "list", user_id=WRITER)
    app.slack.slash_command("/feedback", "list", user_id=MANAGER)
    app.settle()
    writer_list, manager_list = app.visible("response_url")[-2:]
    assert "Logistics" in json.dumps(writer_list)
    assert "Primera idea" not in json.dumps(writer_list, ensure_ascii=False)  # words prove little
    assert "Primera idea" in json.dumps(manager_list, ensure_ascii=False)


def test_writers_are_forgotten_30_days_after_resolution(app: RunningApp) -> None:
    full_conversation(app)
    deps = app.runtime.services
    JOBS["feedback"].run(deps, app.clock() + timedelta(days=29))
    with app.database.engine.connect() as connection:
        assert connection.execute(text("SELECT writer_token FROM feedback_threads")).scalar()
    JOBS["feedback"].run(deps, app.clock() + timedelta(days=31))
    with app.database.engine.connect() as connection:
        assert (
            connection.execute(text("SELECT writer_token FROM feedback_threads")).scalar() is None
        )


def test_a_dm_slack_refuses_tells_the_writer_and_keeps_the_text_in_the_conversation(
    app: RunningApp,
) -> None:
    teams = setup_teams(app)
    app.fake.deactivate_user("U16PRIYA")  # Slack knows; Aplauso's directory does not yet
    submit_feedback(app, WRITER, teams["IT"], "Los tickets se pierden.")
    deliver(app)
    _, failed = bot_dms(app, WRITER)
    assert failed["text"] == t("es", "feedback.writer.failed")
    assert "Los tickets se pierden." not in json.dumps(bot_dms(app, WRITER), ensure_ascii=False)
    app.slack.block_action(
        views.WRITER_REPLY_ACTION, user_id=WRITER, value=handle_of(app, WRITER),
        channel_id=f"D{WRITER}",
    )  # fmt: skip
    app.settle()
    modal = json.dumps(app.fake.open_modals(WRITER)[-1], ensure_ascii=False)
    assert "Los tickets se pierden." in modal  # every word, to copy


def test_logs_of_a_full_conversation_name_no_writer_and_no_text(
    app: RunningApp, caplog: Any
) -> None:
    import logging

    from bot.logging_setup import configure_logging

    configure_logging("DEBUG")  # what `serve` does with APLAUSO_LOG_LEVEL=DEBUG, the chattiest
    caplog.set_level(logging.DEBUG)
    full_conversation(app)
    logged = caplog.text.lower()
    assert WRITER.lower() not in logged
    assert "javier" not in logged
    assert "urgencias" not in logged


def test_admins_see_how_many_messages_were_flagged_but_not_who_wrote_them(app: RunningApp) -> None:
    teams = setup_teams(app)
    submit_feedback(app, WRITER, teams["Logistics"], "Un mensaje grosero.")
    deliver(app)
    press(app, MANAGER, views.FLAG_ACTION, thread_id_of(app))
    assert app.runtime.services.admin.add_admin("U01CARMEN")
    app.slack.slash_command("/aplauso", "settings", user_id="U01CARMEN")
    app.settle()
    shown = app.visible("response_url")[-1]["text"]
    assert "Comentarios marcados como abusivos: 1" in shown
    assert WRITER not in shown
