"""The database goes down under mixed traffic and comes back: nothing anyone did is lost.

Kudos by slash command, by @mention and by the modal, and pulse clicks, are sent from several
threads while the database is stopped and started again. Afterwards every single action was
either recorded exactly once or its person was told "couldn't save that, please try again";
events answered with an error status are delivered again, as Slack does, and count once.

PostgreSQL: a server of the test's own is stopped (`pg_ctl stop -m fast`) and started.
SQLite: the database's folder is moved away and back; an open SQLite file keeps working
through its descriptors, so the engine's idle connections are dropped too, as a lost disk
would drop them.
"""

from __future__ import annotations

import logging
import random
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.i18n import t
from bot.views import kudos_modal as modal
from bot.views import pulse as pulse_views
from engagement.clock import ManualClock
from sandbox.slack_requests import SlackResponse
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.app_harness import RunningApp, running_app
from tests.support.databases import DatabaseFactory
from tests.support.private_postgres import PrivatePostgres
from tests.support.pulse_app import TUESDAY, WEEK, make_team, pulses_to, question_keys, run
from tests.test_kudos_e2e import modal_state

APOLOGIES = {t(lang, "errors.database_unavailable") for lang in ("en", "es")}
RECEIVER, OTHER_RECEIVER = "U02ANA", "U03LUIS"
GIVERS = [
    "U01CARMEN", "U04EMMA", "U05DIEGO", "U06OLIVIA", "U07SOFIA", "U08JAMES", "U09JAVIER",
    "U10NOAH", "U11LUCIA", "U12LIAM", "U13VALEN", "U14ETHAN", "U15MARTA", "U16PRIYA",
    "U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH",
]  # fmt: skip
PULSE_PEOPLE = ["U21RAUL", "U22ISABEL", "U23DANIEL", "U24CHLOE", "U25MATEO", "U26ROSA"]


@dataclass
class Outage:
    url: str
    stop: Callable[[], None]
    start: Callable[[], None]
    sqlite: bool


@pytest.fixture
def outage(database_factory: DatabaseFactory, tmp_path: Path) -> Iterator[Outage]:
    if database_factory.postgres:
        server = PrivatePostgres().create()
        _migrate(server.url)
        try:
            yield Outage(server.url, server.stop, server.start, sqlite=False)
        finally:
            server.remove()
        return
    folder, away = tmp_path / "db", tmp_path / "db-away"
    folder.mkdir()
    url = f"sqlite:///{folder / 'aplauso.db'}"
    _migrate(url)

    def stop() -> None:
        shutil.move(folder, away)

    def start() -> None:
        shutil.move(away, folder)

    yield Outage(url, stop, start, sqlite=True)


def _migrate(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


@dataclass
class Action:
    kind: str  # command, mention, modal, pulse
    person: str
    message: str = ""
    view: dict[str, Any] = field(default_factory=dict)
    pulse: tuple[dict[str, Any], str] | None = None
    responses: list[SlackResponse] = field(default_factory=list)


def _prepare(app: RunningApp) -> list[Action]:
    """People met, modals open and pulses sent while the database is up."""
    with app.database.unit_of_work() as uow:
        uow.settings.get().kudos_daily_limit = 50
    for person in [*GIVERS, RECEIVER, OTHER_RECEIVER]:
        app.runtime.services.people.meet(person)
    make_team(app, "Field", "U01CARMEN", PULSE_PEOPLE)
    run(app, "pulse", TUESDAY.replace(hour=20))
    actions: list[Action] = []
    for index, giver in enumerate(GIVERS):
        kind = ("command", "mention", "modal")[index % 3]
        action = Action(kind, giver, f"thanks for the outage drill number {index}")
        if kind == "modal":
            app.slack.global_shortcut("give_kudos", user_id=giver)
            app.settle()
            [action.view] = app.fake.open_modals(giver)
        actions.append(action)
    for person in PULSE_PEOPLE:
        [message] = pulses_to(app, person)
        actions += [Action("pulse", person, pulse=(message, key)) for key in question_keys(message)]
    app.fake.clear_calls()
    random.Random(15).shuffle(actions)  # every kind meets the database up, down and back
    return actions


def _send(app: RunningApp, action: Action) -> None:
    receiver = OTHER_RECEIVER if action.person == RECEIVER else RECEIVER
    if action.kind == "command":
        words = f"<@{receiver}> {action.message}"
        response = app.slack.slash_command("/kudos", words, user_id=action.person, channel_id="C0GENERAL")  # fmt: skip
    elif action.kind == "mention":
        words = f"<@{app.fake.bot_user_id}> <@{receiver}> {action.message}"
        response = app.slack.app_mention(action.person, words, "C0GENERAL")
    elif action.kind == "modal":
        response = app.slack.view_submission(
            modal.KUDOS_MODAL_CALLBACK, user_id=action.person, view_id=action.view["id"],
            state_values=modal_state([receiver], action.message),
            private_metadata=action.view.get("private_metadata", ""),
        )  # fmt: skip
    else:
        assert action.pulse is not None
        message, key = action.pulse
        response = app.slack.block_action(
            f"{pulse_views.SCORE_ACTION_PREFIX}4", user_id=action.person,
            value=pulse_views.score_value(WEEK.isoformat(), key, 4),
            message=message, channel_id=f"D{action.person}",
        )  # fmt: skip
    action.responses.append(response)


def _traffic_through_an_outage(app: RunningApp, outage: Outage, actions: list[Action]) -> None:
    sent = 0
    lock = threading.Lock()
    third = len(actions) // 3
    went_down, came_back = threading.Event(), threading.Event()

    def send(action: Action) -> None:
        nonlocal sent
        _send(app, action)
        with lock:
            sent += 1
            if sent == third:
                outage.stop()
                if outage.sqlite:
                    app.database.engine.dispose()  # idle connections go down with the disk
                went_down.set()
            elif sent == 2 * third:
                outage.start()
                came_back.set()

    with ThreadPoolExecutor(6) as senders:
        list(senders.map(send, actions))
    assert went_down.is_set()
    assert came_back.is_set()
    app.settle()
    for action in actions:  # Slack delivers again what was answered with an error status
        first = action.responses[0]
        if action.kind == "mention" and first.status >= 500:
            event, event_id = first.sent["event"], first.sent["event_id"]
            action.responses.append(app.slack.event(event, event_id=event_id, retry_num=1))
    app.settle()


def _recorded(app: RunningApp, action: Action) -> int:
    with app.database.engine.connect() as connection:
        if action.kind == "pulse":
            assert action.pulse is not None
            sql = "SELECT count(*) FROM pulse_pending WHERE user_id = :u AND question_key = :k"
            pending = connection.execute(text(sql), {"u": action.person, "k": action.pulse[1]})
            return 1 - int(pending.scalar_one())
        sql = "SELECT count(*) FROM kudos WHERE message = :m AND withdrawn_at IS NULL"
        return int(connection.execute(text(sql), {"m": action.message}).scalar_one())


def _told(app: RunningApp, action: Action) -> bool:
    """The apology reached the person: in the answer, by response_url, ephemeral or DM."""
    for response in action.responses:
        body = response.json if isinstance(response.json, dict) else {}
        if body.get("text") in APOLOGIES or set((body.get("errors") or {}).values()) & APOLOGIES:
            return True
    urls = {r.sent.get("response_url") for r in action.responses}
    for call in app.fake.calls_to("response_url"):
        if call.params.get("response_url") in urls and call.params.get("text") in APOLOGIES:
            return True
    private = [*app.fake.ephemerals(action.person), *app.fake.dm_messages(action.person)]
    return action.kind in ("mention", "modal") and any(m.get("text") in APOLOGIES for m in private)


def test_every_action_is_recorded_once_or_its_person_is_told(
    outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    with running_app(outage.url, ManualClock(TUESDAY.replace(hour=20))) as app:
        actions = _prepare(app)
        with caplog.at_level(logging.WARNING):
            _traffic_through_an_outage(app, outage, actions)
        outcomes = [(a.kind, a.person, _recorded(app, a), _told(app, a)) for a in actions]
        statuses = {r.status for a in actions for r in a.responses}
    wrong = [o for o in outcomes if not ((o[2] == 1 and not o[3]) or (o[2] == 0 and o[3]))]
    recorded, told = sum(o[2] == 1 for o in outcomes), sum(o[3] for o in outcomes)
    print(f"outage: {len(outcomes)} actions, {recorded} recorded once, {told} told to try again")
    assert wrong == [], wrong
    assert any(told for *_, told in outcomes), "the outage never met a request"
    assert any(recorded for *_, recorded, _ in outcomes)
    assert statuses <= {200, 503}
    assert "listener failed" not in caplog.text
    assert "request failed" not in caplog.text
