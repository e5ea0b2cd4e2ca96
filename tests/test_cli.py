"""The `aplauso` command line, driven as outside tests drive it: a real process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import t
from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient
from storage.migrate import MIGRATIONS_DIR
from tests.support.cli_runner import (
    SIGNING_SECRET,
    aplauso,
    free_port,
    health,
    one_line_failure,
)


def teams(env: dict[str, str]) -> list[dict[str, Any]]:
    result = aplauso("team", "list", "--json", env=env)
    assert result.returncode == 0, result.stderr
    loaded: list[dict[str, Any]] = json.loads(result.stdout)
    return loaded


def team(env: dict[str, str], name: str) -> dict[str, Any]:
    return next(found for found in teams(env) if found["name"] == name)


def ok(*args: str, env: dict[str, str]) -> str:
    result = aplauso(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.strip()


HELP_PAGES = [
    ([], "aplauso"),
    (["serve"], "serve"),
    (["demo"], "demo"),
    (["doctor"], "doctor"),
    (["db"], "db"),
    (["db", "upgrade"], "db_upgrade"),
    (["jobs"], "jobs"),
    (["jobs", "run"], "jobs_run"),
    (["team"], "team"),
    (["team", "set"], "team_set"),
    (["team", "list"], "team_list"),
    (["team", "show"], "team_show"),
    (["team", "remove"], "team_remove"),
    (["admin"], "admin"),
    (["admin", "add"], "admin_add"),
    (["admin", "remove"], "admin_remove"),
    (["admin", "list"], "admin_list"),
]


@pytest.mark.parametrize(
    ("command", "key"),
    HELP_PAGES,
    ids=[" ".join(command) or "aplauso" for command, _ in HELP_PAGES],
)
def test_every_command_has_a_help_page_that_says_what_it_does(
    command: list[str], key: str, env: dict[str, str]
) -> None:
    result = aplauso(*command, "--help", env=env)
    assert result.returncode == 0
    assert "usage: aplauso" in result.stdout
    first_words = " ".join(t("en", f"cli.help.{key}").split()[:4])
    assert first_words in " ".join(result.stdout.split())


def test_help_speaks_spanish_in_a_spanish_shell(env: dict[str, str]) -> None:
    result = aplauso("team", "set", "--help", env={**env, "LANG": "es_ES.UTF-8"})
    assert "Crea un equipo, o cambia solo lo que indiques" in " ".join(result.stdout.split())


def test_version_prints_the_installed_version(env: dict[str, str]) -> None:
    from importlib.metadata import version

    result = aplauso("--version", env=env)
    assert (result.returncode, result.stdout.strip()) == (0, f"aplauso {version('aplauso')}")


def test_a_wrong_argument_prints_one_clear_line_and_fails(env: dict[str, str]) -> None:
    result = aplauso("jobs", "run", "party", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "invalid choice: 'party'" in result.stderr


def test_jobs_run_offers_every_scheduled_job_including_feedback(env: dict[str, str]) -> None:
    assert "feedback" in aplauso("jobs", "run", "--help", env=env).stdout
    assert ok("jobs", "run", "feedback", env=env).startswith("feedback: sent 0")


def test_serve_without_a_bot_token_names_the_variable(env: dict[str, str]) -> None:
    env = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
    line = one_line_failure(aplauso("serve", env=env))
    assert "SLACK_BOT_TOKEN" in line


def test_a_database_url_sqlalchemy_cannot_parse_is_one_line_and_exit_2(env: dict[str, str]) -> None:
    result = aplauso("db", "upgrade", env={**env, "DATABASE_URL": "nonsense"})
    assert result.returncode == 2
    assert one_line_failure(result).startswith("aplauso: DATABASE_URL")


def test_db_upgrade_says_how_many_migrations_it_applied(
    env: dict[str, str], tmp_path: Path
) -> None:
    migrations = len(list((MIGRATIONS_DIR / "versions").glob("[0-9]*.py")))
    target = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    assert ok("db", "upgrade", env=target).startswith(f"applied {migrations} migrations;")
    assert "already at the latest version" in ok("db", "upgrade", env=target)


def test_team_set_creates_a_team_from_member_ids_and_lists_it(env: dict[str, str]) -> None:
    line = ok(
        "team", "set", "Sales", "--manager", "U01CARMEN", "--members", "U02ANA,U03LUIS",
        "--channel", "C0SALES", env=env,
    )  # fmt: skip
    assert line == "created team Sales: manager Carmen (U01CARMEN), 2 members; channel C0SALES"
    [sales] = teams(env)
    assert (sales["manager"], sales["member_count"], sales["channel"]) == (
        "U01CARMEN",
        2,
        "C0SALES",
    )


def test_one_member_is_one_member_in_both_languages(env: dict[str, str]) -> None:
    assert ok("team", "set", "Legal", "--manager", "U22ISABEL", "--members", "U23DANIEL", env=env)
    assert ok("team", "list", env=env).endswith(", 1 member")
    spanish = ok("team", "list", env={**env, "LANG": "es_MX.UTF-8"})
    assert spanish == "Legal: responsable Isabel (U22ISABEL), 1 miembro"


def test_people_channels_and_groups_are_accepted_as_admins_type_them(
    env: dict[str, str],
) -> None:
    ok(
        "team", "set", "Sales", "--manager", "@carmen", "--members", "Ana,<@U03LUIS|luis>,@emma",
        "--channel", "<#C0SALES|sales>", env=env,
    )  # fmt: skip
    ok("team", "set", "IT", "--manager", "Priya", "--usergroup", "@it-team", env=env)
    sales, it = team(env, "Sales"), team(env, "IT")
    assert (sales["manager"], sorted(sales["members"])) == (
        "U01CARMEN", ["U02ANA", "U03LUIS", "U04EMMA"]
    )  # fmt: skip
    assert sales["channel"] == "C0SALES"
    assert (it["manager"], it["usergroup"], it["member_count"]) == ("U16PRIYA", "S0ITTEAM", 6)


def test_a_channel_typed_by_name_is_found_in_slack(env: dict[str, str]) -> None:
    ok("team", "set", "Sales", "--manager", "U01CARMEN", "--members", "U02ANA", env=env)
    ok("team", "set", "Sales", "--channel", "#Sales", env=env)
    assert team(env, "Sales")["channel"] == "C0SALES"


def test_an_installation_without_the_channel_read_scopes_is_told_to_reinstall(
    fake: FakeSlack, env: dict[str, str]
) -> None:
    fake.revoke_scopes("channels:read", "groups:read")  # installed before the manifest had them
    line = one_line_failure(
        aplauso("team", "set", "Sales", "--manager", "U01CARMEN", "--channel", "#sales", env=env)
    )
    assert "channels:read" in line
    assert "reinstall the app" in line
    assert teams(env) == []


def test_team_set_changes_only_the_fields_it_is_given(env: dict[str, str]) -> None:
    ok("team", "set", "IT", "--manager", "U16PRIYA", "--members", "U17PABLO", env=env)
    ok(
        "team", "set", "Sales", "--manager", "U01CARMEN", "--members", "U02ANA,U03LUIS",
        "--channel", "C0SALES", "--served-by", "IT", env=env,
    )  # fmt: skip
    ok("team", "set", "sales", "--manager", "U04EMMA", env=env)
    sales = team(env, "Sales")
    assert (sales["manager"], sorted(sales["members"])) == ("U04EMMA", ["U02ANA", "U03LUIS"])
    assert (sales["channel"], sales["served_by"]) == ("C0SALES", ["IT"])
    ok("team", "set", "Sales", "--add-members", "U05DIEGO", "--remove-members", "@ana", env=env)
    assert sorted(team(env, "Sales")["members"]) == ["U03LUIS", "U05DIEGO"]
    ok("team", "set", "Sales", "--no-channel", "--no-served-by", env=env)
    sales = team(env, "Sales")
    assert (sales["channel"], sales["served_by"], sales["member_count"]) == (None, [], 2)


def test_members_replace_the_list_and_stop_mirroring_a_user_group(env: dict[str, str]) -> None:
    ok("team", "set", "IT", "--manager", "U16PRIYA", "--usergroup", "S0ITTEAM", env=env)
    line = ok("team", "set", "IT", "--members", "U17PABLO,U18GRACE", env=env)
    assert line == "updated team IT: manager Priya (U16PRIYA), 2 members"
    it = team(env, "IT")
    assert (sorted(it["members"]), it["usergroup"]) == (["U17PABLO", "U18GRACE"], None)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--manager", "UNOBODY", "--members", "U02ANA"], "can't find the Slack user UNOBODY"),
        (["--manager", "U01CARMEN", "--members", "U02ANA,UGHOST"], "UGHOST"),
        (["--manager", "U01CARMEN", "--usergroup", "SNOPE"], "user group SNOPE"),
        (["--manager", "U01CARMEN", "--usergroup", "@no-such-team"], "no Slack user group"),
        (["--manager", "U01CARMEN", "--members", "U90DEPLOYBOT"], "is a bot"),
        (["--manager", "U91FORMER", "--members", "U02ANA"], "deactivated"),
        (["--manager", "@nobody-here", "--members", "U02ANA"], "can't find anyone called"),
        (["--manager", "U01CARMEN", "--members", "U02ANA", "--channel", "C0NOPE"], "no channel"),
        (["--manager", "U01CARMEN", "--members", "U02ANA", "--channel", "C0RANDOM"], "/invite"),
        (["--manager", "U01CARMEN", "--members", "U02ANA", "--channel", "#no-such"], "no channel"),
        (["--manager", "U01CARMEN", "--members", "U02ANA", "--channel", "#random"], "/invite"),
        (["--manager", "U01CARMEN"], "no team Sales yet"),
        ([], "nothing to change"),
    ],
)
def test_unknown_ids_and_bad_input_are_one_clear_line_that_changes_nothing(
    env: dict[str, str], arguments: list[str], message: str
) -> None:
    line = one_line_failure(aplauso("team", "set", "Sales", *arguments, env=env))
    assert message in line
    assert teams(env) == []


def test_removing_someone_who_is_not_a_member_is_refused(env: dict[str, str]) -> None:
    ok("team", "set", "Sales", "--manager", "U01CARMEN", "--members", "U02ANA", env=env)
    line = one_line_failure(aplauso("team", "set", "Sales", "--remove-members", "U03LUIS", env=env))
    assert "U03LUIS is not in team Sales" in line
    assert one_line_failure(aplauso("team", "set", "Sales", "--remove-members", "U02ANA", env=env))
    assert team(env, "Sales")["members"] == ["U02ANA"]


def test_team_show_names_everyone_and_both_directions_of_service(env: dict[str, str]) -> None:
    ok("team", "set", "IT", "--manager", "U16PRIYA", "--members", "U17PABLO", env=env)
    ok(
        "team", "set", "Sales", "--manager", "U01CARMEN", "--members", "U02ANA,U03LUIS",
        "--served-by", "IT", env=env,
    )  # fmt: skip
    assert ok("team", "show", "it", env=env).splitlines() == [
        "Team IT",
        "  manager: Priya (U16PRIYA)",
        "  members (1): Pablo (U17PABLO)",
        "  channel: none",
        "  user group: none",
        "  rates the service of: none",
        "  its service is rated by: Sales",
    ]
    assert "There is no team called Nope." in one_line_failure(
        aplauso("team", "show", "Nope", env=env)
    )


def test_team_remove_removes_the_team_and_what_named_it_as_supplier(env: dict[str, str]) -> None:
    ok("team", "set", "IT", "--manager", "U16PRIYA", "--members", "U17PABLO", env=env)
    ok(
        "team", "set", "Sales", "--manager", "U01CARMEN", "--members", "U02ANA",
        "--served-by", "IT", env=env,
    )  # fmt: skip
    line = ok("team", "remove", "IT", env=env)
    assert line.startswith("removed team IT (1 member); its past results stay, anonymous")
    [sales] = teams(env)
    assert sales["served_by"] == []
    assert "no team called IT" in one_line_failure(aplauso("team", "remove", "IT", env=env))


def test_admins_are_added_listed_and_removed(env: dict[str, str]) -> None:
    assert ok("admin", "list", env=env).startswith("no admins yet")
    assert ok("admin", "add", "U22ISABEL", env=env) == "U22ISABEL is now an admin"
    assert ok("admin", "add", "@isabel", env=env) == "U22ISABEL was already an admin"
    assert ok("admin", "add", "U01CARMEN", env=env) == "U01CARMEN is now an admin"
    assert ok("admin", "list", env=env).splitlines() == ["Carmen (U01CARMEN)", "Isabel (U22ISABEL)"]
    assert ok("admin", "remove", "U22ISABEL", env=env) == "U22ISABEL is no longer an admin"
    assert ok("admin", "remove", "U22ISABEL", env=env) == "U22ISABEL was not an admin"
    assert "UNOBODY" in one_line_failure(aplauso("admin", "add", "UNOBODY", env=env))


def test_without_a_bot_token_asking_slack_is_one_line_naming_the_variable(
    env: dict[str, str],
) -> None:
    env = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
    for command in (
        ["admin", "add", "U22ISABEL"],
        ["team", "set", "IT", "--manager", "U16PRIYA", "--usergroup", "S0ITTEAM"],
    ):
        assert "SLACK_BOT_TOKEN is not set" in one_line_failure(aplauso(*command, env=env))
    assert ok("admin", "remove", "U22ISABEL", env=env) == "U22ISABEL was not an admin"
    assert teams(env) == []


def serve(env: dict[str, str], *flags: str) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), *flags],
        env=env, cwd=env["APLAUSO_TEST_CWD"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    return process, port


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    return stderr


def test_serve_answers_health_and_a_signed_help_then_stops_cleanly_on_sigterm(
    env: dict[str, str], fake: FakeSlack
) -> None:
    process, port = serve(env)
    try:
        answer = health(port)
        assert answer is not None
        assert answer[0] == 200
        assert json.loads(answer[1]) == {
            "status": "ok", "database": "ok", "slack": "ok", "scheduler": "ok"
        }  # fmt: skip
        kit = SignedSlackClient(f"http://127.0.0.1:{port}", SIGNING_SECRET, fake=fake)
        help_reply = kit.slash_command(
            "/aplauso", "help", user_id="U04EMMA", channel_id="C0GENERAL"
        )
        assert help_reply.status == 200
        deadline = time.monotonic() + 10
        while not fake.calls_to("response_url") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake.calls_to("response_url")
    finally:
        stderr = stop(process)
    assert "SIGTERM received, shutting down" in stderr
    assert fake.bot_token not in stderr
    assert SIGNING_SECRET not in stderr
    assert "POST /slack/events 200" in stderr
    assert fake.calls[0].method == "auth.test"  # checked before serving


def test_jobs_run_digest_sends_each_manager_one_digest_per_team_and_week(
    env: dict[str, str], fake: FakeSlack
) -> None:
    ok("team", "set", "Ops", "--manager", "U01CARMEN", "--members", "U02ANA,U03LUIS", env=env)
    first = ok("jobs", "run", "digest", "--at", "2026-11-30T12:00:00+00:00", env=env)
    again = ok("jobs", "run", "digest", "--at", "2026-11-30T12:15:00+00:00", env=env)
    assert first.startswith("digest: sent 1")
    assert again.startswith("digest: sent 0")
    digests = [m for m in fake.dm_messages("U01CARMEN") if m.get("metadata")]
    assert len(digests) == 1
    assert len(fake.files) == 1  # its chart


def test_socket_mode_connects_before_serving_and_reports_the_socket_in_health(
    env: dict[str, str], fake: FakeSlack
) -> None:
    process, port = serve({**env, "SLACK_APP_TOKEN": fake.app_token}, "--no-scheduler")
    try:
        answer = health(port)
        assert answer is not None
        assert json.loads(answer[1]) == {
            "status": "ok", "database": "ok", "slack": "ok", "scheduler": "off",
            "socket_mode": "connected", "socket_mode_seconds_since_connected": "0",
        }  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=b"{}"),
                timeout=2,
            )
        refused.value.close()
        assert refused.value.code == 404  # events arrive over the socket, not over HTTP
    finally:
        stderr = stop(process)
    assert "Socket Mode on" in stderr
    assert fake.app_token not in stderr


def test_jobs_run_pulse_sends_once_per_week_as_if_the_clock_read_at(
    env: dict[str, str], fake: FakeSlack
) -> None:
    ok("team", "set", "Ops", "--manager", "U01CARMEN", "--members", "U02ANA,U03LUIS", env=env)
    first = ok("jobs", "run", "pulse", "--at", "2026-11-24T20:00:00+00:00", env=env)
    again = ok("jobs", "run", "pulse", "--at", "2026-11-24T20:15:00+00:00", env=env)
    assert first.startswith("pulse: sent 2")
    assert again.startswith("pulse: sent 0")
    assert len([m for m in fake.dm_messages("U02ANA") if m.get("bot_id")]) == 1
    reminders = ok("jobs", "run", "reminders", "--at", "2026-11-26T21:00:00+00:00", env=env)
    assert reminders.startswith("reminders: sent 2")


def test_serve_refuses_to_start_without_the_secret_key_and_says_how_to_make_one(
    env: dict[str, str],
) -> None:
    result = aplauso("serve", env={k: v for k, v in env.items() if k != "APLAUSO_SECRET_KEY"})
    assert result.returncode == 2
    line = one_line_failure(result)
    assert "APLAUSO_SECRET_KEY" in line
    assert "Fernet.generate_key" in line


def test_serve_runs_the_scheduler_once_and_no_scheduler_means_no_jobs(
    env: dict[str, str], fake: FakeSlack, database_url: str
) -> None:
    from storage.db import make_engine
    from storage.unit_of_work import Database

    ok("team", "set", "Ops", "--manager", "U01CARMEN", "--members", "U02ANA", env=env)
    database = Database(make_engine(database_url))
    with database.unit_of_work() as uow:  # make the digest due whatever today is
        settings = uow.settings.get()
        settings.digest_weekday, settings.digest_hour = 0, 0
        uow.settings.save(settings)
    database.dispose()

    def digests() -> list[dict[str, Any]]:
        return [m for m in fake.dm_messages("U01CARMEN") if m.get("metadata")]

    def serve_for_a_while(*flags: str, patience: float = 15) -> None:
        process, port = serve(env, *flags)
        try:
            assert health(port) is not None
            deadline = time.monotonic() + patience
            while time.monotonic() < deadline and not digests():
                time.sleep(0.1)
            time.sleep(1)
        finally:
            stop(process)

    serve_for_a_while("--no-scheduler", patience=3)
    assert digests() == []
    serve_for_a_while()
    assert len(digests()) == 1
    serve_for_a_while()  # a restart sends nothing twice
    assert len(digests()) == 1
