"""More of the played week: the admin's own steps, and kudos given second thoughts."""

from __future__ import annotations

from sandbox.demo_steps import Step
from sandbox.demo_workspace import GENERAL_CHANNEL


def _admin(narration: str, text: str) -> Step:
    """Carmen, an admin, types `/aplauso …` (in Spanish, her language)."""
    return Step(
        f"Carmen (admin) {narration}: `/aplauso {text}`",
        lambda stage: stage.kit.slash_command("/aplauso", text, user_id="U01CARMEN"),
    )


def admin_steps() -> list[Step]:
    """An admin's Monday: the settings, a company value of their own, a season."""
    return [
        _admin("reads the settings", "ajustes"),
        _admin(
            "adds a value of the company's own",
            "valor add equipo :busts_in_silhouette: Teamwork | Trabajo en equipo",
        ),
        _admin("starts a season", "temporada iniciar Invierno"),
    ]


def second_thoughts_steps() -> list[Step]:
    """A kudos taken back with Undo, and a kudos answered with *Say thanks back*."""
    return [
        Step(
            "Liam (Logistics) thanks Lucía, but it was Marta who did the papers: "
            "`/kudos @Lucía #timely thanks for the customs papers`",
            lambda stage: stage.kit.slash_command(
                "/kudos",
                "<@U11LUCIA> #timely thanks for the customs papers",
                user_id="U12LIAM",
                channel_id=GENERAL_CHANNEL,
            ),
        ),
        Step(
            "Liam presses Undo, within the ten minutes it allows",
            lambda stage: stage.undo_last_kudos("U12LIAM"),
        ),
        Step(
            "Javier presses *Darle las gracias* on Emma's kudos in his DM",
            lambda stage: stage.thank_back("U09JAVIER"),
        ),
        Step(
            "Javier fills the thanks-back modal for Emma and presses Enviar",
            lambda stage: stage.submit_kudos_modal(
                "U09JAVIER", ["U04EMMA"], "Gracias a ti por avisar con tiempo", "equipo"
            ),
        ),
    ]
