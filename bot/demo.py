"""`aplauso demo`: the real app against the built-in fake Slack, over signed HTTP.

Nothing is simulated inside the app: the fake Slack answers its Web API calls, and the demo
plays people sending real, signed requests, then prints what Slack would have shown.
"""

from __future__ import annotations

import json
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from cryptography.fernet import Fernet

from bot.background_server import BackgroundServer
from bot.config import Settings
from bot.demo_output import (
    Transcript,
    claim_output,
    everyone_named,
    step_lines,
    submitted_modal,
    write_calls,
    write_charts,
)
from bot.demo_setup import hand_team, set_up_teams
from bot.views import feedback_modal as forms
from bot.views import kudos as kudos_card
from bot.views import kudos_modal as kudos_views
from bot.views import pulse as pulse_views
from bot.views.digest import digest_plain_text
from bot.wiring import Runtime, build_runtime, open_database
from engagement.clock import ManualClock
from engagement.kudos_model import KudosRequest, SourceKind
from engagement.pulse_bank import ENPS_QUESTION_KEY
from engagement.teams import TeamSpec
from sandbox.demo_scenario import scenario
from sandbox.demo_steps import (
    HISTORY_START,
    checked_state,
    select_state,
    text_state,
)
from sandbox.demo_workspace import GENERAL_CHANNEL, KUDOS_CHANNEL, TEAMS, DemoTeam, seed
from sandbox.fake_slack import FakeSlack
from sandbox.slack_payloads import find_element
from sandbox.slack_requests import SignedSlackClient

APP_MANIFEST = Path(__file__).resolve().with_name("app_manifest.yml")


@dataclass
class DemoStageImpl:
    """What the scripted steps may do besides sending requests, done as the person would:
    buttons are clicked where Slack shows them, modals filled from what they offer."""

    kit: SignedSlackClient
    clock: ManualClock
    runtime: Runtime
    names: dict[str, str] = field(default_factory=dict)
    #: modals as submitted, for the transcript, each with the count of Slack calls before it
    shown: list[tuple[int, str]] = field(default_factory=list)

    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def move_to(self, moment: datetime) -> None:
        self.clock.set(moment)

    def rated_team(self, key: str) -> str:
        """The team a monthly service question rates, read from the question as asked."""
        info = self.runtime.services.pulse.question(key)
        asked = info.text_en if info is not None else ""
        return asked.removeprefix("How well did ").split(" serve ", 1)[0]

    def answer_quietly(self, user_id: str, week: date, key: str, score: int) -> None:
        self.runtime.services.pulse.answer(user_id, week, key, score)

    def give_kudos_quietly(self, giver: str, receiver: str, value: str, words: str) -> None:
        self.runtime.services.kudos.give(
            KudosRequest(
                giver_id=giver,
                receiver_ids=(receiver,),
                message=words,
                source_kind=SourceKind.COMMAND,
                source_key=f"demo-history-{secrets.token_hex(6)}",
                value_key=value,
                channel_id=GENERAL_CHANNEL,
            )
        )
        self.settle()

    def clock_now(self) -> datetime:
        return self.clock()

    def hand_team(self, team: str, manager_id: str) -> str:
        return hand_team(self.runtime, team, manager_id, self.names)

    def _monday(self, *, weeks_back: int = 0) -> date:
        today = self.clock().date()
        return today - timedelta(days=today.weekday(), weeks=weeks_back)

    def settle(self) -> None:
        """Waits for the work the app does after acknowledging a request."""
        self.runtime.executor.wait_idle(timeout=15)

    def _submit_modal(
        self, user_id: str, callback_id: str, state: dict[str, dict[str, dict[str, Any]]]
    ) -> object:
        """Submits the modal the person has open (the latest one), with `state`: block id ->
        action id -> the input's state."""
        fake = self.kit.fake
        assert fake is not None
        view = fake.open_modals(user_id)[-1]
        self.shown.append((len(fake.calls), submitted_modal(view, state, self.names)))
        return self.kit.view_submission(
            callback_id,
            user_id=user_id,
            view_id=str(view["id"]),
            state_values=state,
            private_metadata=str(view.get("private_metadata") or ""),
        )

    def submit_kudos_modal(
        self, user_id: str, receivers: list[str], message: str, value: str | None
    ) -> object:
        return self._submit_modal(
            user_id,
            kudos_views.KUDOS_MODAL_CALLBACK,
            {
                kudos_views.RECEIVERS_BLOCK: {
                    kudos_views.RECEIVERS_ACTION: {
                        "type": "multi_users_select",
                        "selected_users": receivers,
                    }
                },
                kudos_views.VALUE_BLOCK: {kudos_views.VALUE_ACTION: select_state(value)},
                kudos_views.MESSAGE_BLOCK: {kudos_views.MESSAGE_ACTION: text_state(message)},
                kudos_views.CELEBRATE_BLOCK: {
                    kudos_views.CELEBRATE_ACTION: checked_state(
                        [kudos_views.CELEBRATE_OPTION_VALUE]
                    )
                },
            },
        )

    def _dm_with(self, user_id: str, action_id: str) -> dict[str, Any] | None:
        """The newest message in the person's DM that shows this button."""
        fake = self.kit.fake
        assert fake is not None
        for message in reversed(fake.dm_messages(user_id)):
            if find_element(message.get("blocks"), action_id)[1] is not None:
                return message
        return None

    def _click(
        self, user_id: str, message: dict[str, Any], action_id: str, value: str | None = None
    ) -> object:
        """A button in a message of the person's DM; its own value unless one is given."""
        return self.kit.block_action(
            action_id,
            user_id=user_id,
            value=value,
            message=message,
            channel_id=str(message.get("channel") or f"D{user_id}"),
        )

    def answer_pulse(
        self,
        user_id: str,
        score: int,
        *,
        comment: str | None = None,
        double_click: bool = False,
        enps: int | None = None,
    ) -> str:
        """Clicks a score on every open question, as the person would; the first with a comment."""
        message = self._dm_with(user_id, pulse_views.SKIP_ACTION)
        if message is None:
            return "(no open pulse in this DM)"
        week = self._monday().isoformat()
        keys = [
            b["block_id"][2:]
            for b in message.get("blocks") or []
            if b.get("block_id", "").startswith("a_")
        ]
        for index, key in enumerate(keys):
            if comment and index == 0:
                self._answer_with_comment(user_id, message, week, key, score, comment)
                continue
            chosen = enps if key == ENPS_QUESTION_KEY and enps is not None else score
            value = pulse_views.score_value(week, key, chosen)
            for _ in range(2 if double_click and index == 0 else 1):
                self._click(user_id, message, f"{pulse_views.SCORE_ACTION_PREFIX}{chosen}", value)
            self.settle()
        return f"answered {len(keys)} questions" + (
            " (clicking the first one twice)" if double_click else ""
        )

    def _answer_with_comment(
        self, user_id: str, message: dict[str, Any], week: str, key: str, score: int, comment: str
    ) -> None:
        self._click(user_id, message, pulse_views.COMMENT_ACTION, json.dumps({"w": week, "q": key}))
        self.settle()
        self._submit_modal(
            user_id,
            pulse_views.COMMENT_MODAL,
            {
                pulse_views.COMMENT_SCORE_BLOCK: {
                    pulse_views.COMMENT_SCORE_ACTION: select_state(str(score))
                },
                pulse_views.COMMENT_TEXT_BLOCK: {
                    pulse_views.COMMENT_TEXT_ACTION: text_state(comment)
                },
            },
        )
        self.settle()

    def press_pulse_button(self, user_id: str, action_id: str) -> object:
        message = self._dm_with(user_id, pulse_views.SKIP_ACTION)
        if message is None:
            return "(no open pulse in this DM)"
        return self._click(user_id, message, action_id, self._monday().isoformat())

    def send_feedback(
        self, user_id: str, team_name: str, kind: str, text: str, *, anonymous: bool = True
    ) -> object:
        """Opens /feedback and submits it, the team picked by its name among the form's."""
        fake = self.kit.fake
        assert fake is not None
        self.kit.slash_command("/feedback", "", user_id=user_id)
        self.settle()
        _, teams = find_element(fake.open_modals(user_id)[-1].get("blocks"), forms.TEAM_ACTION)
        options = (teams or {}).get("options") or []
        team_id = next(o["value"] for o in options if o["text"]["text"] == team_name)
        response = self._submit_modal(
            user_id,
            forms.FEEDBACK_MODAL,
            {
                forms.TEAM_BLOCK: {forms.TEAM_ACTION: select_state(team_id)},
                forms.KIND_BLOCK: {forms.KIND_ACTION: select_state(kind)},
                forms.TEXT_BLOCK: {forms.TEXT_ACTION: text_state(text)},
                forms.OPTIONS_BLOCK: {
                    forms.OPTIONS_ACTION: checked_state(
                        [forms.ANONYMOUS_OPTION] if anonymous else []
                    )
                },
            },
        )
        self.settle()
        return response

    def feedback_reply(self, user_id: str, action_id: str, text: str) -> object:
        clicked = self.feedback_button(user_id, action_id)
        if isinstance(clicked, str):
            return clicked
        self.settle()
        return self._submit_modal(
            user_id,
            forms.REPLY_MODAL,
            {forms.REPLY_BLOCK: {forms.REPLY_ACTION_INPUT: text_state(text)}},
        )

    def undo_last_kudos(self, user_id: str) -> object:
        """Clicks Undo where the person was last shown it (the confirmation of a kudos)."""
        fake = self.kit.fake
        assert fake is not None
        for call in reversed(fake.calls):
            blocks = call.params.get("blocks")
            blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            _, button = find_element(blocks, kudos_card.UNDO_ACTION)
            if button is not None:
                return self.kit.block_action(
                    kudos_card.UNDO_ACTION,
                    user_id=user_id,
                    value=str(button.get("value")),
                    channel_id=GENERAL_CHANNEL,
                )
        return "(no Undo button was shown)"

    def thank_back(self, user_id: str) -> object:
        """*Say thanks back* on the newest kudos the person received in their DM."""
        return self.feedback_button(user_id, kudos_card.THANKS_BACK_ACTION)

    def feedback_button(self, user_id: str, action_id: str) -> object:
        """The button in the newest message of the person's DM that shows it."""
        message = self._dm_with(user_id, action_id)
        if message is None:
            return f"(no {action_id} button in the DM of {user_id})"
        return self._click(user_id, message, action_id)

    def digest_texts(self) -> str:
        """Every manager's digest as readable text, in the manager's language."""
        letters = self.runtime.services.digest.letters(self._monday(weeks_back=1))
        blocks = [digest_plain_text(x.data, x.lang, x.values) for x in letters]
        return "\n\n".join(blocks).replace("\n", "\n  ")

    def participation(self) -> str:
        rows = self.runtime.services.pulse.participation(self._monday())
        return "\n  ".join(f"{r.team_name}: {r.answered} of {r.invited} answered" for r in rows)

    def run_job(self, name: str) -> str:
        return self.runtime.run_job(name, self.clock()).summary(name)


def _spec(team: DemoTeam) -> TeamSpec:
    """A seeded team as `aplauso team set` would name it (a user group keeps its own members)."""
    members = () if team.usergroup_id else list(team.member_ids)
    where = (team.channel_id, team.usergroup_id)
    return TeamSpec(team.name, team.manager_id, members, *where, served_by=tuple(team.served_by))


def _settings(fake: FakeSlack, signing_secret: str, workdir: Path) -> Settings:
    """The app's settings for one demo: the fake Slack, a throwaway database, feedback on."""
    return Settings(
        slack_bot_token=fake.bot_token,
        slack_signing_secret=signing_secret,
        slack_api_url=fake.api_url,
        database_url=f"sqlite:///{workdir / 'demo.db'}",
        kudos_channel=KUDOS_CHANNEL,
        secret_key=Fernet.generate_key().decode(),
        slack_throttle=False,  # weeks pass in seconds here: Slack's per-minute limits do not
    )


def _play(stage: DemoStageImpl, fake: FakeSlack, transcript: Transcript) -> None:
    """The scripted week over signed HTTP, each step followed by what Slack showed."""
    names = everyone_named()
    for step in scenario():
        transcript.say()
        transcript.say(f"▶ {step.narration}")
        before = len(fake.calls)
        response = step.act(stage)
        stage.settle()
        for mark, modal in stage.shown:  # what Slack showed before each submission, then it
            for line in step_lines(None, fake.calls[before:mark], step.show_last, names):
                transcript.say(line)
            transcript.say(modal)
            before = mark
        stage.shown.clear()
        for line in step_lines(response, fake.calls[before:], step.show_last, names):
            transcript.say(line)


def run_demo(out: Path, stream: TextIO | None = None) -> int:
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    claim_output(out)  # before playing: refuses if a file there is not the demo's own
    transcript = Transcript(stream or sys.stdout)
    say = transcript.say
    with (
        tempfile.TemporaryDirectory(prefix="aplauso-demo-") as workdir,
        FakeSlack(
            manifest=APP_MANIFEST, rate_limits=False
        ) as fake,  # the app's own, installed or not
    ):
        seed(fake)
        signing_secret = secrets.token_hex(16)
        settings = _settings(fake, signing_secret, Path(workdir))
        clock = ManualClock(HISTORY_START)  # the teams exist before the history
        database = open_database(settings)
        runtime = build_runtime(settings, database, clock)
        say("Aplauso demo: a small company's week, and the 11 before it, against a fake Slack.")
        set_up_teams(runtime, [_spec(team) for team in TEAMS])
        names = everyone_named()
        for team in TEAMS:
            members = len(team.member_ids)
            say(f"  team {team.name}: manager {names[team.manager_id]}, {members} members")
        with BackgroundServer(runtime.wsgi()) as server:
            kit = SignedSlackClient(server.url, signing_secret, fake=fake)
            stage = DemoStageImpl(kit=kit, clock=clock, runtime=runtime, names=names)
            _play(stage, fake, transcript)
        runtime.executor.shutdown(wait=True)
        write_calls(out, list(fake.calls))
        charts = write_charts(out, fake)
        database.dispose()
    transcript.write(out / "transcript.txt")
    say()
    say(
        f"Wrote every Slack call as JSON under {out / 'slack-calls'} and the transcript to "
        f"{out / 'transcript.txt'}."
    )
    say(f"Saved {len(charts)} digest charts under {out / 'charts'}.")
    say(f"Demo finished in {time.perf_counter() - started:.1f} s.")
    return 0
