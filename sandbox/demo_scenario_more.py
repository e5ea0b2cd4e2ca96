"""The played week's last Monday and Tuesday: the quieter ways kudos arrive, kudos that follow
their message, people who leave or join, and each person's own data.

Every step goes through the real app over signed HTTP (or a real job), like the rest of the
week; only what a Slack admin does in Slack itself (deactivating someone, editing a user group)
changes the fake Slack first, as Slack would, before its event arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.demo_steps import DemoStage, Step, at
from sandbox.demo_workspace import GENERAL_CHANNEL

IT_GROUP = "S0ITTEAM"
DELETE_ACTION = "privacy_delete_confirmed"  # the red button of `/aplauso delete my data`


def _typed(narration: str, user_id: str, command: str, text: str) -> Step:
    """The person types `command text` in #general; the narration says why."""
    return Step(
        narration,
        lambda stage: stage.kit.slash_command(
            command, text, user_id=user_id, channel_id=GENERAL_CHANNEL
        ),
    )


def _mention_then_delete(stage: DemoStage) -> object:
    """Sofía thanks Pablo with an @mention, then deletes her message."""
    fake = stage.kit.fake
    assert fake is not None
    stage.kit.app_mention(
        "U07SOFIA", "<@UAPLAUSOBOT> gracias <@U17PABLO> por el café #servicial", GENERAL_CHANNEL
    )
    stage.settle()
    mine = [m for m in fake.messages(GENERAL_CHANNEL) if m.get("user") == "U07SOFIA"]
    return stage.kit.message_deleted(GENERAL_CHANNEL, str(mine[-1]["ts"]))


def _react_to_own(stage: DemoStage) -> object:
    fake = stage.kit.fake
    assert fake is not None
    ts = fake.add_message(GENERAL_CHANNEL, "U19TOMAS", "Terminé el inventario de portátiles")
    return stage.kit.reaction_added("U19TOMAS", "clap", GENERAL_CHANNEL, ts)


def _leaves(user_id: str) -> Callable[[DemoStage], object]:
    """A Slack admin deactivates the person; Slack sends `user_change`."""

    def act(stage: DemoStage) -> object:
        fake = stage.kit.fake
        assert fake is not None
        fake.deactivate_user(user_id)
        return stage.kit.user_change(user_id)

    return act


def _joins_it(stage: DemoStage) -> object:
    """Rosa joins the @it-team user group, which the IT team mirrors."""
    return stage.kit.subteam_members_changed(IT_GROUP, added=["U26ROSA"])


def _delete_confirmed(stage: DemoStage) -> object:
    """Chloe accepts Slack's own dialog and presses the red button of her confirmation."""
    fake = stage.kit.fake
    assert fake is not None
    answers: list[dict[str, Any]] = [c.params for c in fake.calls_to("response_url") if c.ok]
    confirmation = answers[-1]
    return stage.kit.block_action(
        DELETE_ACTION, user_id="U24CHLOE", message=confirmation, channel_id=GENERAL_CHANNEL
    )


def quiet_kudos_steps() -> list[Step]:
    """Less noise: kudos celebrated in the day's thread, and a daily summary instead of DMs."""
    return [
        _typed(
            "Carmen (admin) wants less noise in #kudos: `/aplauso set celebraciones hilo_diario`",
            "U01CARMEN",
            "/aplauso",
            "set celebraciones hilo_diario",
        ),
        _typed(
            "Emma prefers one summary a day to a DM per kudos: `/aplauso kudos dms daily`",
            "U04EMMA",
            "/aplauso",
            "kudos dms daily",
        ),
        _typed(
            "Ana thanks Emma: `/kudos @Emma #helpful gracias por la demo al cliente`; "
            "it is celebrated in the day's thread in #sales, Ana's team channel, and Emma gets no DM",
            "U02ANA",
            "/kudos",
            "<@U04EMMA> #helpful gracias por la demo al cliente",
        ),
        _typed(
            "Noah thanks Emma too: `/kudos @Emma #reliable thanks for covering my shift`",
            "U10NOAH",
            "/kudos",
            "<@U04EMMA> #reliable thanks for covering my shift",
        ),
        Step(
            "Tomás posts in #general and puts :clap: on his own message: it gives nothing",
            _react_to_own,
        ),
        Step(
            "Sofía thanks Pablo with an @mention, then deletes her message: the kudos is taken "
            "back, its post becomes a note and Pablo's DM goes",
            _mention_then_delete,
        ),
    ]


def people_steps() -> list[Step]:
    """People who leave, a person who joins, and each person's own data."""
    return [
        Step("Noah leaves the company: a Slack admin deactivates him", _leaves("U10NOAH")),
        Step(
            "Isabel, Legal's manager, leaves too: every admin is told Legal has no manager",
            _leaves("U22ISABEL"),
        ),
        Step(
            "Carmen hands Legal to Daniel, who will read its digest from now on",
            lambda stage: stage.hand_team("Legal", "U23DANIEL"),
        ),
        Step(
            "Rosa joins the @it-team user group, so she is now on the IT team",
            _joins_it,
        ),
        Step(
            "Five minutes later the welcomes job greets Rosa, and Daniel as Legal's manager",
            lambda stage: stage.run_job("welcomes"),
        ),
        Step("Tuesday morning (UTC)", at(1, 9)),
        Step(
            "The kudos summaries job sends Emma yesterday's kudos in one DM",
            lambda stage: stage.run_job("kudos_summaries"),
        ),
        Step(
            "Emma opens her Home tab: Noah's kudos reads as from a former colleague",
            lambda stage: stage.kit.app_home_opened("U04EMMA"),
        ),
        _typed(
            "Luis asks for everything Aplauso keeps about him: `/aplauso mis datos`",
            "U03LUIS",
            "/aplauso",
            "mis datos",
        ),
        _typed(
            "Chloe asks Aplauso to forget her: `/aplauso delete my data`",
            "U24CHLOE",
            "/aplauso",
            "delete my data",
        ),
        Step("Chloe confirms", _delete_confirmed),
        _typed(
            "Carmen reads `/aplauso report` again: Tomás's :clap: on his own message shows",
            "U01CARMEN",
            "/aplauso",
            "report",
        ),
    ]


def more_steps() -> list[Step]:
    return [*quiet_kudos_steps(), *people_steps()]
