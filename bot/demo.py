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
from bot.views import feedback_modal as feedback_views
from bot.views import kudos_modal as kudos_views
from bot.views import pulse as pulse_views
from bot.views.digest import digest_plain_text
from bot.wiring import Runtime, build_runtime, open_database
from engagement.clock import ManualClock
from engagement.teams import TeamSpec
from sandbox.demo_scenario import scenario
from sandbox.demo_workspace import KUDOS_CHANNEL, PEOPLE, TEAMS, seed
from sandbox.fake_slack import FakeSlack
from sandbox.render import blocks_to_text, view_to_text
from sandbox.slack_requests import SignedSlackClient

# Monday morning of the demo week, in UTC.
DEMO_START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
MAX_SHOWN_PER_STEP = 8
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
    _threads: list[str] = field(default_factory=list)

    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def clock_now(self) -> datetime:
        return self.clock()

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

    def _latest_pulse(self, user_id: str) -> dict[str, Any] | None:
        fake = self.kit.fake
        assert fake is not None
        pulses = [
            m
            for m in fake.dm_messages(user_id)
            if m.get("bot_id")
            and any(b.get("block_id") == "pulse_controls" for b in m.get("blocks") or [])
        ]
        return pulses[-1] if pulses else None

    def answer_pulse(
        self, user_id: str, score: int, *, comment: str | None = None, double_click: bool = False
    ) -> str:
        """Clicks a score on every open question, as the person would; the first with a comment."""
        message = self._latest_pulse(user_id)
        if message is None:
            return "(no pulse in this DM)"
        week = self.clock().date() - timedelta(days=self.clock().weekday())
        keys = [
            b["block_id"][2:]
            for b in message.get("blocks") or []
            if b.get("block_id", "").startswith("a_")
        ]
        for index, key in enumerate(keys):
            if comment and index == 0:
                self._answer_with_comment(user_id, message, week.isoformat(), key, score, comment)
                continue
            clicks = 2 if double_click and index == 0 else 1
            for _ in range(clicks):
                self.kit.block_action(
                    f"{pulse_views.SCORE_ACTION_PREFIX}{score}",
                    user_id=user_id,
                    value=pulse_views.score_value(week.isoformat(), key, score),
                    message=message,
                    channel_id=str(message.get("channel") or f"D{user_id}"),
                )
            self.runtime.executor.wait_idle(timeout=15)
        return f"answered {len(keys)} questions" + (
            " (clicking the first one twice)" if double_click else ""
        )

    def _answer_with_comment(
        self, user_id: str, message: dict[str, Any], week: str, key: str, score: int, comment: str
    ) -> None:
        fake = self.kit.fake
        assert fake is not None
        self.kit.block_action(
            pulse_views.COMMENT_ACTION,
            user_id=user_id,
            value=json.dumps({"w": week, "q": key}),
            message=message,
            channel_id=str(message.get("channel") or f"D{user_id}"),
        )
        self.runtime.executor.wait_idle(timeout=15)
        modal = fake.open_modals(user_id)[-1]
        self.kit.view_submission(
            pulse_views.COMMENT_MODAL,
            user_id=user_id,
            view_id=str(modal["id"]),
            private_metadata=str(modal.get("private_metadata") or ""),
            state_values={
                pulse_views.COMMENT_SCORE_BLOCK: {
                    pulse_views.COMMENT_SCORE_ACTION: {
                        "type": "static_select",
                        "selected_option": {"value": str(score)},
                    }
                },
                pulse_views.COMMENT_TEXT_BLOCK: {
                    pulse_views.COMMENT_TEXT_ACTION: {"type": "plain_text_input", "value": comment}
                },
            },
        )
        self.runtime.executor.wait_idle(timeout=15)

    def press_pulse_button(self, user_id: str, action_id: str) -> object:
        message = self._latest_pulse(user_id)
        if message is None:
            return "(no pulse in this DM)"
        week = self.clock().date() - timedelta(days=self.clock().weekday())
        return self.kit.block_action(
            action_id,
            user_id=user_id,
            value=week.isoformat(),
            message=message,
            channel_id=str(message.get("channel") or f"D{user_id}"),
        )

    def send_feedback(
        self, user_id: str, team_name: str, kind: str, text: str, *, anonymous: bool = True
    ) -> object:
        """Opens /feedback and submits it, as the person would."""
        fake = self.kit.fake
        assert fake is not None
        self.kit.slash_command("/feedback", "", user_id=user_id)
        self.runtime.executor.wait_idle(timeout=15)
        modal = fake.open_modals(user_id)[-1]
        with self.runtime.database.unit_of_work() as uow:
            team = uow.teams.by_name(team_name)
            assert team is not None
            team_id = str(team.id)
        options = [{"value": feedback_views.ANONYMOUS_OPTION}] if anonymous else []
        before = self._thread_ids()
        response = self.kit.view_submission(
            feedback_views.FEEDBACK_MODAL,
            user_id=user_id,
            view_id=str(modal["id"]),
            private_metadata=str(modal.get("private_metadata") or ""),
            state_values={
                feedback_views.TEAM_BLOCK: {
                    feedback_views.TEAM_ACTION: {
                        "type": "static_select",
                        "selected_option": {"value": team_id},
                    }
                },
                feedback_views.KIND_BLOCK: {
                    feedback_views.KIND_ACTION: {
                        "type": "static_select",
                        "selected_option": {"value": kind},
                    }
                },
                feedback_views.TEXT_BLOCK: {
                    feedback_views.TEXT_ACTION: {"type": "plain_text_input", "value": text}
                },
                feedback_views.OPTIONS_BLOCK: {
                    feedback_views.OPTIONS_ACTION: {
                        "type": "checkboxes",
                        "selected_options": options,
                    }
                },
            },
        )
        self.runtime.executor.wait_idle(timeout=15)
        self._threads.extend(sorted(self._thread_ids() - before))
        return response

    def _thread_ids(self) -> set[str]:
        with self.runtime.database.unit_of_work() as uow:
            return uow.feedback.thread_ids()

    def _latest_thread(self) -> str:
        return self._threads[-1] if self._threads else ""

    def feedback_reply(self, user_id: str, action_id: str, text: str) -> object:
        fake = self.kit.fake
        assert fake is not None
        thread_id = self._latest_thread()
        self.kit.block_action(action_id, user_id=user_id, value=thread_id, channel_id=f"D{user_id}")
        self.runtime.executor.wait_idle(timeout=15)
        modal = fake.open_modals(user_id)[-1]
        return self.kit.view_submission(
            feedback_views.REPLY_MODAL,
            user_id=user_id,
            view_id=str(modal["id"]),
            private_metadata=str(modal.get("private_metadata") or ""),
            state_values={
                feedback_views.REPLY_BLOCK: {
                    feedback_views.REPLY_ACTION_INPUT: {"type": "plain_text_input", "value": text}
                }
            },
        )

    def feedback_button(self, user_id: str, action_id: str) -> object:
        return self.kit.block_action(
            action_id, user_id=user_id, value=self._latest_thread(), channel_id=f"D{user_id}"
        )

    def digest_texts(self) -> str:
        """Every manager's digest as readable text, in the manager's language."""
        week = self.clock().date() - timedelta(days=self.clock().weekday(), weeks=1)
        letters = self.runtime.services.digest.letters(week)
        blocks = [digest_plain_text(x.data, x.lang, x.values) for x in letters]
        return "\n\n".join(blocks).replace("\n", "\n  ")

    def participation(self) -> str:
        week = self.clock().date() - timedelta(days=self.clock().weekday())
        rows = self.runtime.services.pulse.participation(week)
        return "\n  ".join(f"{r.team_name}: {r.answered} of {r.invited} answered" for r in rows)

    def run_job(self, name: str) -> str:
        return self.runtime.run_job(name, self.clock()).summary(name)


def set_up_teams(runtime: Runtime) -> None:
    """What an admin does with `aplauso team set`, through the same services."""
    runtime.services.people.refresh_directory()
    for with_suppliers in (False, True):
        for team in TEAMS:
            runtime.services.teams.set_team(
                TeamSpec(
                    name=team.name,
                    manager_id=team.manager_id,
                    member_ids=() if team.usergroup_id else list(team.member_ids),
                    channel_id=team.channel_id,
                    usergroup_id=team.usergroup_id,
                    served_by=team.served_by if with_suppliers else (),
                )
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
            where = f"DM to {names.get(channel, names.get(channel[1:], channel))}"
        else:
            where = f"in channel {channel}"
        blocks = params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        body = blocks_to_text(blocks, names) if blocks else str(params.get("text") or "")
    indented = "\n".join("    " + line for line in body.splitlines())
    return f"  [{method} · {where}]\n{indented}"


def write_charts(out: Path, fake: FakeSlack) -> list[Path]:
    """The digest charts as Slack received them, so they can be opened from --out."""
    folder = out / "charts"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    written = []
    for index, uploaded in enumerate(fake.files.values(), start=1):
        if uploaded.content and uploaded.content.startswith(b"\x89PNG"):
            path = folder / f"{index:02d}-{getattr(uploaded, 'filename', 'chart.png')}"
            path.write_bytes(uploaded.content)
            written.append(path)
    return written


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
                shown = [c for c in fake.calls[before:] if c.method in VISIBLE_METHODS and c.ok]
                limit = MAX_SHOWN_PER_STEP if step.show_last is None else step.show_last
                visible = shown[-limit:] if step.show_last is not None else shown[:limit]
                for call in visible if limit else []:
                    say(describe_call(call.method, call.params, names))
                if limit and len(shown) > limit:
                    say(f"  … and {len(shown) - limit} more messages like these")
        runtime.executor.shutdown(wait=True)
        write_calls(out, list(fake.calls))
        charts = write_charts(out, fake)
        database.dispose()
    (out / "transcript.txt").write_text("\n".join(transcript) + "\n", encoding="utf-8")
    say()
    say(
        f"Wrote every Slack call as JSON under {out / 'slack-calls'} and the transcript to {out / 'transcript.txt'}."
    )
    say(f"Saved {len(charts)} digest charts under {out / 'charts'}.")
    say(f"Demo finished in {time.perf_counter() - started:.1f} s.")
    return 0
