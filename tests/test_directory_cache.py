"""A cold directory is not slow: people are learnt before they act, and kept in memory.

`users.list` loads the directory once at start (by the process that runs the jobs), Slack's
`team_join` / `user_change` events keep it current, and each process remembers the people and
settings it read, so answering a request does not wait on Slack or the database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text

from bot.i18n import t
from storage.models import Person
from storage.repositories.settings_snapshot import SNAPSHOT_SECONDS
from tests.support.app_harness import RunningApp

NEWCOMER, EMMA, ANA = "U77NEWBIE", "U04EMMA", "U02ANA"


def users_info_about(app: RunningApp, user_id: str) -> int:
    app.settle()
    return sum(1 for call in app.fake.calls_to("users.info") if call.params.get("user") == user_id)


def person(app: RunningApp, user_id: str) -> Person | None:
    with app.database.unit_of_work() as uow:
        return uow.people.get(user_id)


def as_event(app: RunningApp, user_id: str) -> dict[str, Any]:
    """The user object as Slack puts it in `team_join` / `user_change`: no locale in it."""
    user = dict(app.fake.user(user_id) or {})
    user.pop("locale", None)
    return user


@contextmanager
def statements(app: RunningApp) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(app.database.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(app.database.engine, "before_cursor_execute", note)


def test_a_newcomer_announced_by_team_join_gives_their_first_kudos_without_a_look_up(
    app: RunningApp,
) -> None:
    app.fake.add_user(NEWCOMER, "nuria", real_name="Nuria Vidal", locale="es-ES")
    assert app.slack.event({"type": "team_join", "user": as_event(app, NEWCOMER)}).status == 200
    app.settle()
    joined = person(app, NEWCOMER)
    assert joined is not None
    assert (joined.real_name, joined.locale) == ("Nuria Vidal", "es-ES")  # joins are rare: asked
    assert users_info_about(app, NEWCOMER) == 1

    reply = app.slack.slash_command("/kudos", f"<@{ANA}> #helpful gracias", user_id=NEWCOMER)
    assert reply.status == 200
    assert users_info_about(app, NEWCOMER) == 1  # known already: no look-up for the kudos
    [confirmation] = app.answers()
    assert confirmation["text"] == t("es", "kudos.confirm.sent", receivers=f"<@{ANA}>")


def test_a_profile_change_is_stored_and_keeps_the_locale_slack_did_not_send(
    app: RunningApp,
) -> None:
    app.runtime.services.people.meet(EMMA)
    before = users_info_about(app, EMMA)
    changed = as_event(app, EMMA)
    changed["profile"] = {
        **changed.get("profile", {}),
        "display_name": "Em",
        "real_name": "Emma C.",
    }
    assert app.slack.event({"type": "user_change", "user": changed}).status == 200
    app.settle()
    stored = person(app, EMMA)
    assert stored is not None
    assert (stored.display_name, stored.real_name, stored.locale) == ("Em", "Emma C.", "en-US")
    assert users_info_about(app, EMMA) == before  # statuses change all day: no look-up per event
    assert app.runtime.services.people.language(EMMA) == "en"


def test_the_directory_is_loaded_once_at_start_and_then_kudos_need_no_look_up(
    app: RunningApp,
) -> None:
    people = app.runtime.services.people
    assert people.warm_up(crawl=True) > 25  # the whole demo workspace, from users.list
    assert people.warm_up(crawl=True) > 25  # fresh now: no second crawl
    assert len(app.fake.calls_to("users.list")) == 1
    app.slack.slash_command("/kudos", f"<@{ANA}> #helpful thanks for the review", user_id=EMMA)
    assert [call.params.get("user") for call in app.fake.calls_to("users.info")] == []
    assert len(app.answers()) == 1


def test_a_remembered_person_is_answered_in_their_language_without_the_database(
    app: RunningApp,
) -> None:
    people = app.runtime.services.people
    people.meet(ANA)
    with statements(app) as seen:
        assert people.known_language(ANA) == ("es", True)
        assert people.language(ANA) == "es"
    assert seen == []


def test_a_settings_change_is_seen_at_once_here_and_soon_in_other_processes(
    app: RunningApp,
) -> None:
    with app.database.unit_of_work() as uow:
        settings = uow.settings.get()
        settings.kudos_daily_limit = 1
        uow.settings.save(settings)
    kudos = app.runtime.services.kudos
    assert kudos.help().daily_limit == 1  # this process wrote it: seen at once
    with app.database.engine.begin() as connection:  # as another worker or instance would
        connection.execute(text("UPDATE workspace_settings SET kudos_daily_limit = 7"))
    time.sleep(SNAPSHOT_SECONDS + 0.2)
    assert kudos.help().daily_limit == 7
