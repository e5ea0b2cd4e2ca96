"""Typing a slash command the way a person does: names picked in the composer, then escaped
(or not) as the manifest's ``should_escape`` says, exactly what Slack would send the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from sandbox.manifest import resolve_manifest
from tests.sandbox.conftest import BoltHarness

TYPED = "@Rosa Méndez @it-team #helpful thanks for the laptop"


def seeded(*, escape: bool) -> FakeSlack:
    manifest = resolve_manifest(None).with_command("/kudos", should_escape=escape)
    fake = FakeSlack(manifest=manifest)
    demo_workspace.seed(fake)
    fake.add_channel("C0HELPFUL", "helpful", ("U02ANA",))
    fake.add_channel("G0SECRET", "secret-plans", ("U02ANA",))
    return fake


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """Overrides the shared fixture: the demo workspace, ``/kudos`` escaping on."""
    with seeded(escape=True) as running:
        yield running


def test_the_seeded_directory_has_the_names_that_make_resolution_hard() -> None:
    fake = seeded(escape=False)
    rosa = fake.user("U26ROSA")
    assert rosa is not None
    assert rosa["profile"]["display_name"] == ""
    assert rosa["real_name"] == "Rosa Méndez"
    juan = fake.user("U27JUANPA")
    assert juan is not None
    assert juan["profile"]["display_name"] == "Juan Pablo"
    assert fake.typed_command_text("/kudos", "@it-team", "U02ANA") == "@it-team"


def test_with_escaping_picked_people_groups_and_channels_arrive_as_ids() -> None:
    fake = seeded(escape=True)
    text = fake.typed_command_text("/kudos", TYPED, "U02ANA")
    assert text == (
        "<@U26ROSA|rosa.mendez> <!subteam^S0ITTEAM|@it-team> <#C0HELPFUL|helpful> "
        "thanks for the laptop"
    )


def test_with_escaping_off_the_app_gets_the_plain_names_the_composer_shows() -> None:
    fake = seeded(escape=False)
    assert fake.typed_command_text("/kudos", TYPED, "U02ANA") == TYPED
    # Picked by username, shown (and sent) as the name Slack displays: the real name here.
    assert fake.typed_command_text("/kudos", "@rosa.mendez gracias", "U02ANA") == (
        "@Rosa Méndez gracias"
    )
    assert fake.typed_command_text("/kudos", "@juanpablo ok", "U02ANA") == "@Juan Pablo ok"


def test_the_longest_name_wins_and_unknown_names_stay_as_typed() -> None:
    fake = seeded(escape=True)
    text = fake.typed_command_text("/kudos", "@Juan Pablo and @Noe Núñez, not @nobody", "U02ANA")
    assert text == "<@U27JUANPA|juanpablo> and <@U28NOELIA|noelia.nunez>, not @nobody"


def test_private_channels_show_no_name_and_only_to_their_members() -> None:
    fake = seeded(escape=True)
    assert fake.typed_command_text("/kudos", "#secret-plans", "U02ANA") == "<#G0SECRET|>"
    assert fake.typed_command_text("/kudos", "#secret-plans", "U03LUIS") == "#secret-plans"
    assert fake.typed_command_text("/kudos", "#no-such-channel", "U02ANA") == "#no-such-channel"


def test_links_are_wrapped_when_escaping() -> None:
    fake = seeded(escape=True)
    assert fake.typed_command_text("/kudos", "see https://example.test/a?b=1", "U02ANA") == (
        "see <https://example.test/a?b=1>"
    )


def test_a_command_the_manifest_does_not_declare_cannot_be_typed() -> None:
    with pytest.raises(ValueError, match="not in the app manifest"):
        seeded(escape=True).typed_command_text("/nope", "hi", "U02ANA")


def test_the_kit_types_a_command_end_to_end(bolt: BoltHarness) -> None:
    answer = bolt.kit.command("/kudos", TYPED, as_user="U02ANA", channel_id="C0KUDOS")
    assert answer.status == 200
    body = bolt.seen[0]["body"]
    assert body["text"].startswith("<@U26ROSA|rosa.mendez> <!subteam^S0ITTEAM|@it-team>")
    assert body["user_id"] == "U02ANA"
    assert body["user_name"] == "ana"
    assert body["channel_name"] == "kudos"


def test_the_raw_text_api_still_sends_exactly_what_it_is_given(bolt: BoltHarness) -> None:
    bolt.kit.slash_command("/kudos", "@Rosa Méndez", user_id="U02ANA", channel_id="C0KUDOS")
    assert bolt.seen[0]["body"]["text"] == "@Rosa Méndez"
