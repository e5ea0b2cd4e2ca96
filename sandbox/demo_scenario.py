"""The scripted week `aplauso demo` plays: each step is a person doing something in Slack.

Steps only use the signed-request kit and a `DemoStage` that the demo runner provides (moving
the clock, running a job), so the script stays free of the app's internals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sandbox.demo_history import history_steps
from sandbox.demo_scenario_extra import admin_steps, second_thoughts_steps
from sandbox.demo_scenario_more import more_steps
from sandbox.demo_steps import DemoStage, Step, at, first_name
from sandbox.demo_workspace import GENERAL_CHANNEL, person


def help_step(user_id: str) -> Step:
    who = person(user_id)
    return Step(
        f"{first_name(user_id)} ({who.locale}) types `/aplauso help` in #general",
        lambda stage: stage.kit.slash_command(
            "/aplauso", "help", user_id=user_id, channel_id=GENERAL_CHANNEL
        ),
    )


def home_step(user_id: str) -> Step:
    who = person(user_id)
    return Step(
        f"{first_name(user_id)} ({who.locale}) opens Aplauso's Home tab",
        lambda stage: stage.kit.app_home_opened(user_id),
    )


def unknown_subcommand_step(user_id: str) -> Step:
    return Step(
        f"{first_name(user_id)} types `/aplauso dance`, which Aplauso does not know",
        lambda stage: stage.kit.slash_command(
            "/aplauso", "dance", user_id=user_id, channel_id=GENERAL_CHANNEL
        ),
    )


def slash_kudos_step(user_id: str, text: str, narration: str) -> Step:
    return Step(
        f"{first_name(user_id)} {narration}: `/kudos {text}`",
        lambda stage: stage.kit.slash_command(
            "/kudos", text, user_id=user_id, channel_id=GENERAL_CHANNEL
        ),
    )


def typed_kudos_step(user_id: str, typed: str, narration: str) -> Step:
    """`/kudos` typed as people do, picking names from the composer's suggestions: Slack sends
    them escaped (`<@U…|rosa.mendez>`, `<!subteam^S…|@it-team>`), as the manifest asks."""
    return Step(
        f"{first_name(user_id)} {narration}: `/kudos {typed}`",
        lambda stage: stage.kit.command(
            "/kudos", typed, as_user=user_id, channel_id=GENERAL_CHANNEL
        ),
    )


def reaction_step(reactor: str, author: str, text: str) -> Step:
    def act(stage: DemoStage) -> object:
        fake = stage.kit.fake
        assert fake is not None
        ts = fake.add_message(GENERAL_CHANNEL, author, text)
        return stage.kit.reaction_added(reactor, "clap", GENERAL_CHANNEL, ts)

    return Step(
        f"{first_name(author)} posts “{text}” in #general and {first_name(reactor)} reacts :clap:",
        act,
    )


def message_shortcut_step(user_id: str, author: str, text: str) -> Step:
    def act(stage: DemoStage) -> object:
        fake = stage.kit.fake
        assert fake is not None
        ts = fake.add_message(GENERAL_CHANNEL, author, text)
        message = {"type": "message", "user": author, "ts": ts, "text": text}
        return stage.kit.message_shortcut(
            "kudos_message", user_id=user_id, channel_id=GENERAL_CHANNEL, message=message
        )

    return Step(
        f"{first_name(author)} posts “{text}”; {first_name(user_id)} picks *Give kudos for this* on it",
        act,
    )


def modal_submit_step(user_id: str, receivers: list[str], message: str, value: str | None) -> Step:
    names = ", ".join(first_name(r) for r in receivers)
    return Step(
        f"{first_name(user_id)} fills the modal for {names} and presses Send",
        lambda stage: stage.submit_kudos_modal(user_id, receivers, message, value),
    )


def kudos_steps() -> list[Step]:
    return [
        slash_kudos_step(
            "U04EMMA",
            "<@U09JAVIER> #timely thanks for getting the order to the client the same day",
            "(Sales) thanks Javier from Logistics",
        ),
        slash_kudos_step(
            "U02ANA",
            "@pablo #servicial gracias por configurarme el portátil en diez minutos",
            "(Ventas) da las gracias a Pablo de IT por su nombre",
        ),
        Step(
            "Luis opens the *Give kudos* shortcut",
            lambda stage: stage.kit.global_shortcut("give_kudos", user_id="U03LUIS"),
        ),
        modal_submit_step(
            "U03LUIS", ["U18GRACE"], "Gracias por avisar antes del corte del servidor", "reliable"
        ),
        reaction_step("U10NOAH", "U19TOMAS", "VPN restarted, everyone can connect again"),
        message_shortcut_step(
            "U06OLIVIA", "U20HANNAH", "I added the missing invoices to the report"
        ),
        modal_submit_step("U06OLIVIA", ["U20HANNAH"], "You saved our month-end close!", "helpful"),
        Step(
            "Diego mentions the bot: `@Aplauso gracias @Daniel por revisar el contrato tan rápido #oportuno`",
            lambda stage: stage.kit.app_mention(
                "U05DIEGO",
                "<@UAPLAUSOBOT> gracias <@U23DANIEL> por revisar el contrato tan rápido #oportuno",
                GENERAL_CHANNEL,
            ),
        ),
        typed_kudos_step(
            "U10NOAH",
            "@Rosa Méndez #helpful thanks for setting up my laptop",
            "picks Rosa Méndez (no display name, so Slack shows her full name) in the composer",
        ),
        typed_kudos_step(
            "U07SOFIA",
            "@it-team #reliable la migración salió perfecta",
            "elige el grupo @it-team en el compositor y agradece a todo el equipo de IT",
        ),
        slash_kudos_step("U04EMMA", "<@U04EMMA> I am amazing", "tries to thank herself"),
        slash_kudos_step(
            "U01CARMEN",
            "<@U02ANA> <@U03LUIS> <@U05DIEGO> <@U06OLIVIA> <@U07SOFIA> #personal_touch ¡gracias por la semana!",
            "agradece a cinco personas de su equipo",
        ),
        slash_kudos_step(
            "U01CARMEN",
            "<@U04EMMA> y a ti también",
            "intenta uno más, por encima del límite diario",
        ),
        home_step("U02ANA"),
    ]


def _edit_latest(user_id: str, channel: str, text: str) -> Callable[[DemoStage], object]:
    """The person edits the last message they wrote in `channel`."""

    def act(stage: DemoStage) -> object:
        fake = stage.kit.fake
        assert fake is not None
        mine = [m for m in fake.messages(channel) if m.get("user") == user_id]
        return stage.kit.message_changed(channel, str(mine[-1]["ts"]), text)

    return act


def follow_up_steps() -> list[Step]:
    return [
        Step(
            "Diego edits his @mention to fix a word: the kudos and its post follow the message",
            _edit_latest(
                "U05DIEGO",
                GENERAL_CHANNEL,
                "<@UAPLAUSOBOT> gracias <@U23DANIEL> por revisar el contrato en una hora #oportuno",
            ),
        ),
        slash_kudos_step("U02ANA", "top semana", "pregunta quién recibió más reconocimientos"),
        Step(
            "Carmen ends the season: its summary is posted in #kudos",
            lambda stage: stage.kit.slash_command(
                "/aplauso", "temporada terminar", user_id="U01CARMEN"
            ),
        ),
        Step(
            "Carmen reads `/aplauso report`: participation, kudos between teams, patterns",
            lambda stage: stage.kit.slash_command("/aplauso", "report", user_id="U01CARMEN"),
        ),
    ]


PULSE_ANSWERS: tuple[tuple[str, int, str | None], ...] = (
    ("U02ANA", 4, "Me gustaría saber antes cuándo llegan los pedidos grandes."),
    ("U03LUIS", 5, None),
    ("U04EMMA", 4, "Logistics has been great this month."),
    ("U05DIEGO", 3, None),
    ("U07SOFIA", 4, None),
    ("U09JAVIER", 2, "Demasiadas urgencias de última hora."),
    ("U11LUCIA", 3, None),
    ("U12LIAM", 4, None),
    ("U13VALEN", 3, None),
    ("U15MARTA", 4, None),
    ("U17PABLO", 5, None),
    ("U18GRACE", 4, None),
    ("U19TOMAS", 4, "Más formación sobre la nueva VPN, por favor."),
    ("U20HANNAH", 5, None),
    ("U23DANIEL", 4, None),
    ("U24CHLOE", 3, None),
)


def pulse_answer_step(user_id: str, score: int, comment: str | None) -> Step:
    what = " with a comment" if comment else ""
    return Step(
        f"{first_name(user_id)} answers{what}",
        lambda stage: stage.answer_pulse(user_id, score, comment=comment),
        show_last=0,
    )


def pulse_steps() -> list[Step]:
    steps = [
        Step("Tuesday evening (UTC): it is past 10:00 in everyone's own time zone", at(1, 20)),
        Step("The pulse job runs", lambda stage: stage.run_job("pulse"), show_last=2),
        Step("It runs again a quarter of an hour later", lambda stage: stage.run_job("pulse")),
        Step(
            "Noah answers and clicks his first answer twice; his DM updates in place",
            lambda stage: stage.answer_pulse("U10NOAH", 4, double_click=True),
            show_last=1,
        ),
    ]
    steps += [
        pulse_answer_step(user_id, score, comment) for user_id, score, comment in PULSE_ANSWERS
    ]
    steps += [
        Step(
            "Olivia skips this week",
            lambda stage: stage.press_pulse_button("U06OLIVIA", "pulse_skip"),
        ),
        Step(
            "Ethan stops the surveys",
            lambda stage: stage.press_pulse_button("U14ETHAN", "pulse_stop"),
        ),
        Step("Thursday evening: the reminders job nudges whoever has not answered", at(3, 20)),
        Step("The reminders job runs", lambda stage: stage.run_job("reminders"), show_last=1),
        Step("Participation per team this week", lambda stage: stage.participation()),
    ]
    return steps


def _next_slot(stage: DemoStage) -> object:
    """Feedback leaves only at fixed slots, every three hours: move there and run the job."""
    stage.advance(timedelta(hours=3))
    return stage.run_job("feedback")


def _slot_step() -> Step:
    return Step("Three hours later, at the next delivery slot, the feedback job runs", _next_slot)


def feedback_steps() -> list[Step]:
    return [
        Step(
            "Javier (Logistics) writes anonymously to his own manager, in Spanish",
            lambda stage: stage.send_feedback(
                "U09JAVIER",
                "Logistics",
                "concern",
                "Las urgencias de última hora llegan casi siempre los viernes por la tarde y nos queman.",
            ),
        ),
        _slot_step(),
        Step(
            "James, his manager, replies without knowing who wrote",
            lambda stage: stage.feedback_reply(
                "U08JAMES", "feedback_reply", "Thank you for telling me. Which teams send them?"
            ),
        ),
        Step(
            "Javier answers back, still anonymous",
            lambda stage: stage.feedback_reply(
                "U09JAVIER",
                "feedback_writer_reply",
                "Sobre todo Ventas. Quizá un corte a las 14:00.",
            ),
        ),
        _slot_step(),
        Step(
            "James acknowledges it", lambda stage: stage.feedback_button("U08JAMES", "feedback_ack")
        ),
        Step(
            "…and marks it resolved",
            lambda stage: stage.feedback_button("U08JAMES", "feedback_resolve"),
        ),
        _slot_step(),
        Step(
            "Grace (IT) tells Logistics how well it serves IT, in English",
            lambda stage: stage.send_feedback(
                "U18GRACE",
                "Logistics",
                "service",
                "Deliveries of new laptops have been on time all month. Thank you!",
            ),
        ),
        Step(
            "Daniel (Legal), in a team of three, writes to Legal: the form warned him first",
            lambda stage: stage.send_feedback(
                "U23DANIEL", "Legal", "idea", "¿Podemos tener plantillas de contrato en el wiki?"
            ),
        ),
        _slot_step(),
    ]


def digest_steps() -> list[Step]:
    return [
        Step("Next Monday, 16:00 UTC: past 09:00 for every manager", at(7, 16)),
        Step(
            "Last week has closed: the reminders job counts its last sealed answers",
            lambda stage: stage.run_job("reminders"),
            show_last=0,
        ),
        Step("The digest job runs", lambda stage: stage.run_job("digest"), show_last=0),
        Step("It runs again: nothing is sent twice", lambda stage: stage.run_job("digest")),
        Step("What each manager read, as text", lambda stage: stage.digest_texts(), show_last=0),
    ]


def scenario() -> list[Step]:
    """Twelve weeks of history, then the played week, in order. Feature work appends its own
    steps here."""
    return [
        Step(
            "Minutes after the teams are set up, the welcomes job greets everyone on them",
            lambda stage: stage.run_job("welcomes"),
            show_last=0,
        ),
        *history_steps(),
        help_step("U04EMMA"),
        help_step("U02ANA"),
        unknown_subcommand_step("U10NOAH"),
        home_step("U04EMMA"),
        home_step("U03LUIS"),
        *admin_steps(),
        *kudos_steps(),
        *second_thoughts_steps(),
        *follow_up_steps(),
        *pulse_steps(),
        *feedback_steps(),
        *digest_steps(),
        *more_steps(),
    ]
