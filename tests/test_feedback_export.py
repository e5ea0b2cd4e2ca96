"""A Slack export of anonymous feedback conversations names no writer.

Three people write to three managers in the same delivery window, and each conversation runs
its full course: the card, the manager's reply, the writer's answer, acknowledge, resolve. A
workspace admin then reads everything the fake Slack recorded in every one of those DMs, as
an export (or Slack's Discovery API) holds it: every message posted or edited, its text,
blocks, button values and metadata. Modals and ephemeral messages are not in an export.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from bot.i18n import t
from bot.views import feedback as views
from engagement.feedback_model import FeedbackKind
from engagement.feedback_rules import next_slot
from sandbox.demo_workspace import person
from schedules.jobs import JOBS
from tests.support.app_harness import RunningApp
from tests.test_feedback import bot_dms, press, reply, setup_teams, submit_feedback

WRITERS = {  # writer: (team, first words, answer)
    "U09JAVIER": ("Logistics", "Las urgencias de los viernes nos queman.", "Sobre todo Ventas."),
    "U17PABLO": ("IT", "La VPN se cae cada mañana a las nueve.", "Desde la oficina de Lima."),
    "U23DANIEL": ("Legal", "Faltan plantillas de contrato en la wiki.", "Las de proveedores."),
}
MANAGERS = {"Logistics": "U08JAMES", "IT": "U16PRIYA", "Legal": "U22ISABEL"}
SLACK_WRITES = ("chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete")


def deliver(app: RunningApp) -> None:
    slot = next_slot(app.clock())
    app.clock.set(slot)
    JOBS["feedback"].run(app.runtime.services, slot)
    app.settle()


def export(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    """Everything recorded in the app's DM with this person, as an export would hold it."""
    dm = f"D{user_id}"
    recorded = [
        call.params
        for method in SLACK_WRITES
        for call in app.fake.calls_to(method)
        if call.ok
        and method != "chat.postEphemeral"
        and call.params.get("channel") in (dm, user_id)
    ]
    return [*recorded, *app.fake.dm_messages(user_id)]


def values_in(node: Any) -> set[str]:
    """Every button value, block id, action id and metadata string: what could pair two DMs."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("value", "block_id", "action_id") and isinstance(value, str):
                found.add(value)
            found |= values_in(value)
            if key == "metadata":
                found.add(json.dumps(value, sort_keys=True))
    elif isinstance(node, list):
        for item in node:
            found |= values_in(item)
    return found


def shape(messages: list[dict[str, Any]]) -> list[str]:
    """A DM's content with what is unique to every message (ids, times, handles) removed."""
    cleaned = []
    for message in messages:
        kept = {k: v for k, v in message.items() if k in ("text", "blocks")}
        text = json.dumps(kept, sort_keys=True, ensure_ascii=False)
        for value in values_in(message):
            text = text.replace(value, "*")
        cleaned.append(text)
    return sorted(cleaned)


def run_conversations(app: RunningApp) -> dict[str, str]:
    """The three full conversations; returns each writer's thread id."""
    teams = setup_teams(app)
    for writer, (team, words, _) in WRITERS.items():
        submit_feedback(app, writer, teams[team], words)
    deliver(app)
    with app.database.engine.connect() as connection:
        by_team: dict[str, str] = dict(
            connection.execute(
                text("SELECT t.name, f.id FROM feedback_threads f JOIN teams t ON t.id = f.team_id")
            ).all()
        )
    threads = {writer: str(by_team[team]) for writer, (team, _, _) in WRITERS.items()}
    for writer, (team, _, _) in WRITERS.items():
        assert len(bot_dms(app, MANAGERS[team])) == 1  # the card, at the slot
        reply(
            app,
            MANAGERS[team],
            views.MANAGER_REPLY_ACTION,
            threads[writer],
            f"Thanks, {team} is on it.",
        )
    deliver(app)
    for writer, (_, _, answer) in WRITERS.items():
        [handle] = [v for v in values_in(bot_dms(app, writer)[-1]) if v.startswith("a1.")]
        reply(app, writer, views.WRITER_REPLY_ACTION, handle, answer)
    deliver(app)
    for writer, (team, _, _) in WRITERS.items():
        press(app, MANAGERS[team], views.ACKNOWLEDGE_ACTION, threads[writer])
        press(app, MANAGERS[team], views.RESOLVE_ACTION, threads[writer])
    deliver(app)
    return threads


def test_a_slack_export_of_full_conversations_names_no_writer(app: RunningApp) -> None:
    threads = run_conversations(app)
    writers = {w: export(app, w) for w in WRITERS}
    managers = {m: export(app, m) for m in MANAGERS.values()}
    manager_side = json.dumps(managers, ensure_ascii=False)
    for writer, (team, words, answer) in WRITERS.items():
        assert words in manager_side  # the conversations did happen
        assert answer in manager_side
        someone = person(writer)
        for name in (writer, someone.name, someone.real_name):  # the managers' DMs: nobody named
            assert name.lower() not in manager_side.lower()
        mine = json.dumps(writers[writer], ensure_ascii=False)
        said = [words, answer, f"Thanks, {team} is on it.", threads[writer]]
        for kind in FeedbackKind:
            said += [t("es", f"feedback.kind.{kind.value}"), t("en", f"feedback.kind.{kind.value}")]
        for leak in said:  # the writer's DM: nothing of it
            assert leak not in mine, (writer, leak)
        words_shown = json.dumps(shape(writers[writer]), ensure_ascii=False)  # random ids out:
        for leak in [*MANAGERS, *MANAGERS.values()]:  # a handle may hold "IT" by chance
            assert leak not in words_shown, (writer, leak)
        assert not values_in(writers[writer]) & values_in(managers), "a value pairs two DMs"
    # and every writer's DM looks the same as the others': the export tells them apart by
    # nothing but the person, so pairing a writer with a conversation is a guess among three
    shapes = {writer: shape(messages) for writer, messages in writers.items()}
    assert len({json.dumps(s) for s in shapes.values()}) == 1
    assert len(shapes["U09JAVIER"]) >= 3  # a receipt and the news, posted and kept
