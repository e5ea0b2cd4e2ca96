"""`aplauso demo`: the real app against the built-in fake Slack, over signed HTTP.

Nothing is simulated inside the app: the fake Slack answers its Web API calls, and the demo
plays people sending real, signed requests, then prints what Slack would have shown.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from cryptography.fernet import Fernet

from bot.background_server import BackgroundServer
from bot.config import Settings
from bot.runtime import Runtime, build_runtime, open_database
from bot.slack_directory import SlackDirectory
from bot.views import kudos as kudos_views
from engagement.clock import ManualClock
from engagement.directory import sync_people
from engagement.teams import TeamSpec, set_team
from sandbox.demo_scenario import scenario
from sandbox.demo_workspace import KUDOS_CHANNEL, PEOPLE, TEAMS, seed
from sandbox.fake_slack import FakeSlack
from sandbox.render import blocks_to_text, view_to_text
from sandbox.slack_requests import SignedSlackClient
from schedules.jobs import JOBS

# Monday morning of the demo week, in UTC.
DEMO_START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
VISIBLE_METHODS = {
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "views.publish",
    "views.open",
    "views.update",
    "views.push",
    "response_url",
    "files.completeUploadExternal",
}


@dataclass
class DemoStageImpl:
    kit: SignedSlackClient
    clock: ManualClock
    runtime: Runtime
    log: list[str] = field(default_factory=list)

    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def submit_kudos_modal(
        self, user_id: str, receivers: list[str], message: str, value: str | None
    ) -> object:
        """Fills and submits the modal the person has open, as Slack would send it."""
        fake = self.kit.fake
        assert fake is not None
        view = fake.open_modals(user_id)[-1]
        state: dict[str, Any] = {
            kudos_views.RECEIVERS_BLOCK: {
                kudos_views.RECEIVERS_ACTION: {
                    "type": "multi_users_select",
                    "selected_users": receivers,
                }
            },
            kudos_views.VALUE_BLOCK: {
                kudos_views.VALUE_ACTION: {
                    "type": "static_select",
                    "selected_option": {"value": value} if value else None,
                }
            },
            kudos_views.MESSAGE_BLOCK: {
                kudos_views.MESSAGE_ACTION: {"type": "plain_text_input", "value": message}
            },
            kudos_views.CELEBRATE_BLOCK: {
                kudos_views.CELEBRATE_ACTION: {
                    "type": "checkboxes",
                    "selected_options": [{"value": kudos_views.CELEBRATE_OPTION_VALUE}],
                }
            },
        }
        return self.kit.view_submission(
            kudos_views.KUDOS_MODAL_CALLBACK,
            user_id=user_id,
            view_id=str(view["id"]),
            state_values=state,
            private_metadata=str(view.get("private_metadata") or ""),
        )

    def run_job(self, name: str) -> str:
        job = JOBS.get(name)
        if job is None:
            return f"{name}: not available yet"
        report = job.run(self.runtime.job_dependencies(), self.clock())
        return report.summary()


def set_up_teams(runtime: Runtime) -> None:
    """What an admin does with `aplauso team set`, through the same services."""
    context = runtime.context
    directory = SlackDirectory(context.client)
    with context.database.unit_of_work() as uow:
        sync_people(uow, directory.all_profiles(), context.now())
    for with_suppliers in (False, True):
        for team in TEAMS:
            members = list(team.member_ids)
            if team.usergroup_id:
                members = directory.usergroup_member_ids(team.usergroup_id) or members
            with context.database.unit_of_work() as uow:
                set_team(
                    uow,
                    TeamSpec(
                        name=team.name,
                        manager_id=team.manager_id,
                        member_ids=members,
                        channel_id=team.channel_id,
                        usergroup_id=team.usergroup_id,
                        served_by=team.served_by if with_suppliers else (),
                        members_from_usergroup=bool(team.usergroup_id),
                    ),
                    directory.fetch_profile,
                    context.now(),
                )


def _names() -> dict[str, str]:
    return {p.user_id: p.real_name.split()[0] for p in PEOPLE}


def describe_call(method: str, params: dict[str, Any], names: dict[str, str]) -> str:
    """One thing Slack would show, as readable text with who sees it and where."""
    who = names.get(str(params.get("user") or params.get("user_id") or ""), "")
    channel = str(params.get("channel") or params.get("channel_id") or "")
    if method == "views.publish":
        where = f"Home tab of {who}"
        body = view_to_text(params.get("view") or {}, names)
    elif method in ("views.open", "views.push", "views.update"):
        where = "modal"
        body = view_to_text(params.get("view") or {}, names)
    else:
        if method in {"response_url", "chat.postEphemeral"}:
            where = f"only visible to {who or 'the requester'}"
        elif channel.startswith(("D", "U")):
            where = f"DM to {names.get(channel, channel)}"
        else:
            where = f"in channel {channel}"
        blocks = params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        body = blocks_to_text(blocks, names) if blocks else str(params.get("text") or "")
    indented = "\n".join("    " + line for line in body.splitlines())
    return f"  [{method} · {where}]\n{indented}"


def write_calls(out: Path, calls: list[Any]) -> None:
    folder = out / "slack-calls"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for call in calls:
        record = {
            "seq": call.seq,
            "method": call.method,
            "params": call.params,
            "ok": call.ok,
            "response": call.response,
        }
        path = folder / f"{call.seq:04d}-{call.method}.json"
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False, default=str))


def run_demo(out: Path, stream: TextIO | None = None) -> int:
    output = stream or sys.stdout
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    names = _names()
    transcript: list[str] = []

    def say(line: str = "") -> None:
        transcript.append(line)
        print(line, file=output, flush=True)

    with tempfile.TemporaryDirectory(prefix="aplauso-demo-") as workdir, FakeSlack() as fake:
        seed(fake)
        signing_secret = secrets.token_hex(16)
        settings = Settings(
            slack_bot_token=fake.bot_token,
            slack_signing_secret=signing_secret,
            slack_api_url=fake.api_url,
            database_url=f"sqlite:///{Path(workdir) / 'demo.db'}",
            kudos_channel=KUDOS_CHANNEL,
            secret_key=Fernet.generate_key().decode(),
        )
        clock = ManualClock(DEMO_START)
        database = open_database(settings)
        runtime = build_runtime(settings, database, clock)
        say("Aplauso demo: a week at a small company, against a built-in fake Slack.")
        set_up_teams(runtime)
        for team in TEAMS:
            say(
                f"  team {team.name}: manager {names[team.manager_id]}, {len(team.member_ids)} members"
            )
        with BackgroundServer(runtime.wsgi()) as server:
            stage = DemoStageImpl(
                kit=SignedSlackClient(server.url, signing_secret, fake=fake),
                clock=clock,
                runtime=runtime,
            )
            for step in scenario():
                say()
                say(f"▶ {step.narration}")
                before = len(fake.calls)
                response = step.act(stage)
                runtime.executor.wait_idle(timeout=15)
                status = getattr(response, "status", None)
                if isinstance(response, str):
                    say(f"  {response}")
                elif status is not None and status != 200:
                    say(f"  (Slack got HTTP {status})")
                for call in fake.calls[before:]:
                    if call.method in VISIBLE_METHODS and call.ok:
                        say(describe_call(call.method, call.params, names))
        runtime.executor.shutdown(wait=True)
        write_calls(out, list(fake.calls))
        database.dispose()
    (out / "transcript.txt").write_text("\n".join(transcript) + "\n", encoding="utf-8")
    say()
    say(
        f"Wrote every Slack call as JSON under {out / 'slack-calls'} and the transcript to {out / 'transcript.txt'}."
    )
    say(f"Demo finished in {time.perf_counter() - started:.1f} s.")
    return 0
