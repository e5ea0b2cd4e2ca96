"""The app over real signed HTTP requests, answering through the fake Slack."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.app_harness import RunningApp
from tests.support.databases import DatabaseFactory, is_postgres


def get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def replies(app: RunningApp) -> list[dict[str, Any]]:
    return app.visible("response_url")


def test_aplauso_help_answers_an_english_speaker_privately_in_english(app: RunningApp) -> None:
    response = app.slack.slash_command(
        "/aplauso", "help", user_id="U04EMMA", channel_id="C0GENERAL"
    )
    assert response.status == 200
    [reply] = replies(app)
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == "Help for Aplauso: kudos, pulse surveys and anonymous feedback."
    assert "internal customer" in json.dumps(reply["blocks"])


def test_aplauso_help_answers_a_spanish_speaker_in_spanish_once_it_has_met_them(
    app: RunningApp,
) -> None:
    """The first answer may not wait on Slack for a locale: it comes in the workspace's
    language, and Aplauso looks the person up right after answering."""
    app.slack.slash_command("/aplauso", "", user_id="U02ANA", channel_id="C0GENERAL")
    [first] = replies(app)
    assert first["text"].startswith("Help for Aplauso")
    app.slack.slash_command("/aplauso", "", user_id="U02ANA", channel_id="C0GENERAL")
    [_, second] = replies(app)
    assert second["text"].startswith("Ayuda de Aplauso")
    assert "cliente interno" in json.dumps(second["blocks"], ensure_ascii=False)


def test_an_unknown_subcommand_gets_the_help_and_says_so(app: RunningApp) -> None:
    app.slack.slash_command("/aplauso", "dance", user_id="U04EMMA", channel_id="C0GENERAL")
    [reply] = replies(app)
    assert "I don't know `dance` yet" in reply["blocks"][0]["text"]["text"]


def test_someone_slack_does_not_know_still_gets_help_in_the_default_language(
    app: RunningApp,
) -> None:
    app.slack.slash_command("/aplauso", "help", user_id="UNOBODY", channel_id="C0GENERAL")
    [reply] = replies(app)
    assert reply["text"].startswith("Help for Aplauso")


def test_opening_app_home_publishes_a_welcome_in_the_users_language(app: RunningApp) -> None:
    assert app.slack.app_home_opened("U03LUIS").status == 200
    [published] = app.visible("views.publish")
    assert published["user_id"] == "U03LUIS"
    view = (
        published["view"] if isinstance(published["view"], dict) else json.loads(published["view"])
    )
    assert view["type"] == "home"
    assert "Luis" in view["blocks"][0]["text"]["text"]
    assert "bienvenida" in view["blocks"][0]["text"]["text"]


def test_the_people_directory_remembers_whom_it_met(app: RunningApp) -> None:
    app.slack.slash_command("/aplauso", "help", user_id="U02ANA", channel_id="C0GENERAL")
    app.settle()
    app.slack.slash_command("/aplauso", "help", user_id="U02ANA", channel_id="C0GENERAL")
    app.settle()
    assert len(app.fake.calls_to("users.info")) == 1
    with app.database.unit_of_work() as uow:
        ana = uow.people.get("U02ANA")
        assert ana is not None
        assert (ana.locale, ana.tz) == ("es-LA", "America/Mexico_City")


def test_a_forged_signature_is_refused_and_changes_nothing(app: RunningApp) -> None:
    body = b"command=%2Faplauso&text=help&user_id=U04EMMA"
    headers = app.slack.sign(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    response = app.slack.raw(body, headers)
    assert response.status == 401
    app.settle()
    assert app.fake.calls == []


def test_a_request_without_a_signature_is_refused(app: RunningApp) -> None:
    response = app.slack.raw(
        b"command=%2Faplauso", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 401


def test_a_signature_older_than_five_minutes_is_refused(app: RunningApp) -> None:
    body = b"command=%2Faplauso&text=help&user_id=U04EMMA"
    response = app.slack.raw(body, app.slack.sign(body, timestamp=int(time.time()) - 301))
    assert response.status == 401


def test_a_signed_but_malformed_body_gets_a_4xx_not_a_500(app: RunningApp) -> None:
    for body, content_type in [
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        (b"{not json", "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe\x00garbage", "application/octet-stream"),
    ]:
        headers = app.slack.sign(body)
        headers["Content-Type"] = content_type
        response = app.slack.raw(body, headers)
        assert 400 <= response.status < 500, (body, response.status, response.body)
        assert "Traceback" not in response.body


def test_health_is_ok_while_the_database_answers(app: RunningApp) -> None:
    assert get(app.url + "/healthz") == (200, {"status": "ok", "database": "ok"})


def test_unknown_paths_are_404(app: RunningApp) -> None:
    status, _ = get(app.url + "/nope")
    assert status == 404


def test_health_reports_an_unreachable_database_and_recovers_by_itself(
    app: RunningApp, database_factory: DatabaseFactory
) -> None:
    url = str(app.database.engine.url.render_as_string(hide_password=False))
    with database_outage(url, database_factory):
        status, body = get(app.url + "/healthz")
        assert status == 503
        assert body["status"] == "error"
        assert body["database"].startswith("unreachable")
    assert get(app.url + "/healthz") == (200, {"status": "ok", "database": "ok"})


class database_outage:  # noqa: N801 - reads as a context manager
    """Makes the database unreachable for new connections, then brings it back."""

    def __init__(self, url: str, factory: DatabaseFactory) -> None:
        self.url = url
        self.factory = factory
        self.moved: tuple[Path, Path] | None = None

    def _admin_sql(self, statement: str) -> None:
        assert self.factory.server_url is not None
        admin = create_engine(self.factory.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(statement))
        admin.dispose()

    def __enter__(self) -> None:
        if is_postgres(self.url):
            name = make_url(self.url).database
            self._admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            self._admin_sql(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"  # noqa: S608 (test-made name)
            )
        else:
            folder = Path(str(make_url(self.url).database)).parent
            self.moved = (folder, folder.with_name(folder.name + "-away"))
            folder.rename(self.moved[1])

    def __exit__(self, *_: object) -> None:
        if is_postgres(self.url):
            name = make_url(self.url).database
            self._admin_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        elif self.moved:
            self.moved[1].rename(self.moved[0])
