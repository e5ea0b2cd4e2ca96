"""What the database alone can tell about a kudos, before anyone asks Slack.

A modal submission must be answered within three seconds, and a rate-limited `users.info` can
take longer than that. So the modal's rules are first checked against the people Aplauso has
already met: someone known to be the giver, a bot or deactivated is refused inline, with
their name (modals show mentions as raw markup). Someone never met passes here;
`KudosService.give` asks Slack about them after the answer and tells the giver what happened.
"""

from __future__ import annotations

from datetime import datetime

from engagement.directory import display_name, is_targetable
from engagement.errors import DomainError
from engagement.kudos_model import KudosRequest, SkippedReceiver
from engagement.kudos_records import remaining_today
from engagement.kudos_rules import check_kudos, limit_units, skip_reason
from engagement.local_time import zone_of
from storage.unit_of_work import UnitOfWork


def check_from_cache(uow: UnitOfWork, request: KudosRequest, now: datetime) -> None:
    """Raises the `DomainError` the kudos would meet, as far as the people met so far tell.

    A second submit of a recorded form passes (it is answered as a duplicate), and so does
    anyone the directory has not met. A refused person's name is in the error as `user_name`.
    """
    if uow.kudos.id_by_source_key(request.source_key) is not None:
        return
    known = uow.people.get_many([request.giver_id, *request.receiver_ids])
    giver = known.get(request.giver_id)
    receivers: list[str] = []
    skipped: list[SkippedReceiver] = []
    for user_id in dict.fromkeys(request.receiver_ids):
        person = known.get(user_id)
        reason = skip_reason(
            user_id,
            request.giver_id,
            known=True,  # never met is not unknown: Slack is asked after the answer
            is_bot=person is not None and not is_targetable(person),
            deleted=person is not None and person.deleted,
        )
        if reason is None:
            receivers.append(user_id)
        else:
            skipped.append(SkippedReceiver(user_id, reason))
    limit = uow.settings.snapshot().settings.kudos_daily_limit
    try:
        check_kudos(
            message=request.message,
            receiver_ids=receivers,
            skipped=skipped,
            units=limit_units(receivers, 0, len(receivers)),
            remaining=remaining_today(uow, giver, now) if giver is not None else limit,
            daily_limit=limit,
            zone=zone_of(giver).key,
        )
    except DomainError as error:
        refused = known.get(str(error.params.get("user") or ""))
        if refused is not None:
            error.params["user_name"] = display_name(refused)
        raise


def celebration_targets(uow: UnitOfWork, kudos_channel: str | None) -> list[tuple[str, str | None]]:
    """(channel id, team name or None for the kudos channel) of every channel kudos may be
    celebrated in: the bot must be a member of each."""
    targets: list[tuple[str, str | None]] = [(kudos_channel, None)] if kudos_channel else []
    seen = {kudos_channel}
    for team in uow.teams.all():
        if team.channel_id and team.channel_id not in seen:
            seen.add(team.channel_id)
            targets.append((team.channel_id, team.name))
    return targets
