"""Block Kit validation with Slack's published limits, so oversize views fail in tests first.

Real Slack refuses a message or view that breaks a Block Kit limit, and it does so in
production, for one person's long name or one team with too many members. The rules are kept
as tables (limit per owner type and field) so they read like Slack's reference pages and a new
rule is one line. Messages that break a rule get ``invalid_blocks`` with an ``errors`` list in
Slack's wording (``must be less than 3001 characters [json-pointer:/blocks/0/text/text]``);
callers decide the error code of their surface.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS: dict[Surface, int] = {"message": 50, "modal": 100, "home": 100}
#: Above this many characters of text in one message's blocks Slack answers msg_blocks_too_long.
MAX_MESSAGE_BLOCK_TEXT = 12_000
MAX_PRIVATE_METADATA = 3000
MAX_VIEW_ID_STRING = 255

_COMMON_BLOCKS = frozenset(
    {"section", "divider", "image", "actions", "context", "header", "input", "rich_text", "video"}
)
BLOCK_TYPES: dict[Surface, frozenset[str]] = {
    "message": _COMMON_BLOCKS | {"file", "markdown", "table"},
    "modal": _COMMON_BLOCKS,
    "home": _COMMON_BLOCKS,
}

ELEMENT_TYPES = frozenset(
    {
        "button",
        "checkboxes",
        "channels_select",
        "conversations_select",
        "datepicker",
        "datetimepicker",
        "email_text_input",
        "external_select",
        "file_input",
        "image",
        "multi_channels_select",
        "multi_conversations_select",
        "multi_external_select",
        "multi_static_select",
        "multi_users_select",
        "number_input",
        "overflow",
        "plain_text_input",
        "radio_buttons",
        "rich_text_input",
        "static_select",
        "timepicker",
        "url_text_input",
        "users_select",
        "workflow_button",
    }
)
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})

#: (owner type, field) -> max characters of a plain string field. "*" matches any owner.
STRING_LIMITS: dict[tuple[str, str], int] = {
    ("*", "block_id"): 255,
    ("*", "action_id"): 255,
    ("button", "value"): 2000,
    ("button", "url"): 3000,
    ("button", "accessibility_label"): 75,
    ("image", "image_url"): 3000,
    ("image", "alt_text"): 2000,
    ("option", "value"): 150,
    ("option", "url"): 3000,
    ("plain_text_input", "initial_value"): 3000,
}

#: (owner type, field) -> max characters of a text object's ``text``.
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("section", "text"): 3000,
    ("section", "fields"): 2000,
    ("header", "text"): 150,
    ("button", "text"): 75,
    ("workflow_button", "text"): 75,
    ("option", "text"): 75,
    ("option", "description"): 75,
    ("option_group", "label"): 75,
    ("input", "label"): 2000,
    ("input", "hint"): 2000,
    ("image", "title"): 2000,
    ("context", "elements"): 3000,
    ("confirm", "title"): 100,
    ("confirm", "text"): 300,
    ("confirm", "confirm"): 30,
    ("confirm", "deny"): 30,
    ("*", "placeholder"): 150,
    ("modal", "title"): 24,
    ("modal", "submit"): 24,
    ("modal", "close"): 24,
}

#: Text objects that Slack accepts only as ``plain_text``.
PLAIN_TEXT_ONLY: frozenset[tuple[str, str]] = frozenset(
    {
        ("header", "text"),
        ("button", "text"),
        ("workflow_button", "text"),
        ("input", "label"),
        ("input", "hint"),
        ("image", "title"),
        ("option_group", "label"),
        ("confirm", "title"),
        ("confirm", "confirm"),
        ("confirm", "deny"),
        ("*", "placeholder"),
        ("modal", "title"),
        ("modal", "submit"),
        ("modal", "close"),
    }
)

#: (owner type, list field) -> (min items, max items).
COUNT_LIMITS: dict[tuple[str, str], tuple[int, int]] = {
    ("section", "fields"): (1, 10),
    ("actions", "elements"): (1, 25),
    ("context", "elements"): (1, 10),
    ("static_select", "options"): (1, 100),
    ("multi_static_select", "options"): (1, 100),
    ("static_select", "option_groups"): (1, 100),
    ("multi_static_select", "option_groups"): (1, 100),
    ("option_group", "options"): (1, 100),
    ("overflow", "options"): (1, 5),
    ("checkboxes", "options"): (1, 10),
    ("radio_buttons", "options"): (1, 10),
    ("rich_text", "elements"): (1, 10_000),
}

#: (owner type, numeric field) -> (min, max).
NUMBER_LIMITS: dict[tuple[str, str], tuple[int, int]] = {
    ("plain_text_input", "max_length"): (1, 3000),
    ("plain_text_input", "min_length"): (0, 3000),
}

#: Fields that must be present, per owner type.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "header": ("text",),
    "actions": ("elements",),
    "context": ("elements",),
    "input": ("label", "element"),
    "image": ("alt_text",),
    "button": ("text",),
    "workflow_button": ("text", "workflow"),
    "option": ("text", "value"),
    "option_group": ("label", "options"),
    "overflow": ("options",),
    "checkboxes": ("options",),
    "radio_buttons": ("options",),
    "rich_text": ("elements",),
    "markdown": ("text",),
    "video": ("alt_text", "title", "thumbnail_url", "video_url"),
    "file": ("external_id", "source"),
    "confirm": ("title", "text", "confirm", "deny"),
}

#: At least one of these fields must be present, per owner type.
ONE_OF_FIELDS: dict[str, tuple[str, ...]] = {
    "section": ("text", "fields"),
    "image": ("image_url", "slack_file"),
    "static_select": ("options", "option_groups"),
    "multi_static_select": ("options", "option_groups"),
}

_ALLOWED_BUTTON_STYLES = frozenset({"primary", "danger"})


@dataclass(frozen=True)
class BlockKitProblem:
    """Why Slack would refuse the payload: an error code and Slack-style messages."""

    error: str
    errors: tuple[str, ...]

    def response_messages(self) -> list[str]:
        """The ``response_metadata.messages`` lines Slack adds to such answers."""
        return [f"[ERROR] {message}" for message in self.errors]


def _at(pointer: str) -> str:
    return f"[json-pointer:{pointer}]"


def _limit(table: dict[tuple[str, str], Any], owner: str, name: str) -> Any:
    return table.get((owner, name), table.get(("*", name)))


class _Checker:
    """Walks one payload and collects problems; one instance per validation."""

    def __init__(self, surface: Surface) -> None:
        self.surface = surface
        self.errors: list[str] = []
        self.block_ids: set[str] = set()

    def fail(self, message: str, pointer: str) -> None:
        self.errors.append(f"{message} {_at(pointer)}")

    # -- generic field checks, driven by the tables -------------------------------------
    def check_fields(self, owner: str, obj: dict[str, Any], pointer: str) -> None:
        for name in REQUIRED_FIELDS.get(owner, ()):
            if obj.get(name) in (None, "", []):
                self.fail(f"missing required field: {name}", pointer)
        one_of = ONE_OF_FIELDS.get(owner)
        if one_of and not any(obj.get(name) not in (None, "", []) for name in one_of):
            self.fail(f"must provide one of: {', '.join(one_of)}", pointer)
        for name, value in obj.items():
            field_pointer = f"{pointer}/{name}"
            max_len = _limit(STRING_LIMITS, owner, name)
            if max_len is not None and isinstance(value, str) and len(value) > max_len:
                self.fail(f"must be less than {max_len + 1} characters", field_pointer)
            bounds = _limit(NUMBER_LIMITS, owner, name)
            if bounds is not None:
                self.check_number(value, bounds, field_pointer)
            counts = COUNT_LIMITS.get((owner, name))
            if counts is not None and isinstance(value, list):
                low, high = counts
                if len(value) > high:
                    self.fail(f"must provide no more than {high} items", field_pointer)
                elif len(value) < low:
                    self.fail(f"must provide at least {low} items", field_pointer)
            if _limit(TEXT_LIMITS, owner, name) is not None:
                if isinstance(value, list):
                    for index, item in enumerate(value):
                        if not (owner == "context" and _is_image(item)):
                            self.check_text(owner, name, item, f"{field_pointer}/{index}")
                else:
                    self.check_text(owner, name, value, field_pointer)

    def check_number(self, value: Any, bounds: tuple[int, int], pointer: str) -> None:
        low, high = bounds
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail("must be an integer", pointer)
        elif value > high:
            self.fail(f"must be less than {high + 1}", pointer)
        elif value < low:
            self.fail(f"must be at least {low}", pointer)

    def check_text(self, owner: str, name: str, value: Any, pointer: str) -> None:
        if not isinstance(value, dict):
            self.fail("must be a text object", pointer)
            return
        text_type = value.get("type")
        if text_type not in TEXT_TYPES:
            self.fail("must be one of plain_text or mrkdwn", f"{pointer}/type")
            return
        plain_only = (owner, name) in PLAIN_TEXT_ONLY or ("*", name) in PLAIN_TEXT_ONLY
        if plain_only and text_type != "plain_text":
            self.fail("must be a plain_text text object", f"{pointer}/type")
        text = value.get("text")
        if not isinstance(text, str) or not text:
            self.fail("must be more than 0 characters", f"{pointer}/text")
            return
        max_len = _limit(TEXT_LIMITS, owner, name)
        if max_len is not None and len(text) > max_len:
            self.fail(f"must be less than {max_len + 1} characters", f"{pointer}/text")

    # -- structure ----------------------------------------------------------------------
    def check_blocks(self, blocks: Any, pointer: str) -> None:
        if not isinstance(blocks, list):
            self.fail("must be an array", pointer)
            return
        limit = MAX_BLOCKS[self.surface]
        if len(blocks) > limit:
            self.fail(f"must provide no more than {limit} items", pointer)
        for index, block in enumerate(blocks):
            self.check_block(block, f"{pointer}/{index}")

    def check_block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, dict):
            self.fail("must be an object", pointer)
            return
        block_type = block.get("type")
        if block_type not in BLOCK_TYPES[self.surface]:
            self.fail(f"unsupported type: {block_type}", f"{pointer}/type")
            return
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in self.block_ids:
                self.fail(f"duplicate block_id: {block_id}", f"{pointer}/block_id")
            self.block_ids.add(block_id)
        self.check_fields(str(block_type), block, pointer)
        action_ids: set[str] = set()
        for element, element_pointer in _elements_of(block, pointer):
            self.check_element(element, element_pointer, action_ids)

    def check_element(self, element: Any, pointer: str, action_ids: set[str]) -> None:
        if not isinstance(element, dict):
            self.fail("must be an object", pointer)
            return
        element_type = element.get("type")
        if element_type not in ELEMENT_TYPES:
            self.fail(f"unsupported type: {element_type}", f"{pointer}/type")
            return
        action_id = element.get("action_id")
        if isinstance(action_id, str):
            if action_id in action_ids:
                self.fail(f"duplicate action_id: {action_id}", f"{pointer}/action_id")
            action_ids.add(action_id)
        self.check_fields(str(element_type), element, pointer)
        style = element.get("style")
        if element_type == "button" and style is not None and style not in _ALLOWED_BUTTON_STYLES:
            self.fail("must be one of primary or danger", f"{pointer}/style")
        if isinstance(element.get("confirm"), dict):
            self.check_fields("confirm", element["confirm"], f"{pointer}/confirm")
        for list_name in ("options", "initial_options"):
            for index, option in enumerate(_list(element.get(list_name))):
                self.check_option(option, f"{pointer}/{list_name}/{index}")
        for group_index, group in enumerate(_list(element.get("option_groups"))):
            group_pointer = f"{pointer}/option_groups/{group_index}"
            if isinstance(group, dict):
                self.check_fields("option_group", group, group_pointer)
                for index, option in enumerate(_list(group.get("options"))):
                    self.check_option(option, f"{group_pointer}/options/{index}")

    def check_option(self, option: Any, pointer: str) -> None:
        if not isinstance(option, dict):
            self.fail("must be an object", pointer)
            return
        self.check_fields("option", option, pointer)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_image(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "image"


def _elements_of(block: dict[str, Any], pointer: str) -> Iterator[tuple[Any, str]]:
    """Interactive elements inside a block, with their JSON pointers."""
    block_type = block.get("type")
    if block_type == "actions":
        for index, element in enumerate(_list(block.get("elements"))):
            yield element, f"{pointer}/elements/{index}"
    elif block_type == "context":
        for index, element in enumerate(_list(block.get("elements"))):
            if _is_image(element) or not (
                isinstance(element, dict) and element.get("type") in TEXT_TYPES
            ):
                yield element, f"{pointer}/elements/{index}"
    elif block_type == "section" and "accessory" in block:
        yield block["accessory"], f"{pointer}/accessory"
    elif block_type == "input" and "element" in block:
        yield block["element"], f"{pointer}/element"


def _text_length(value: Any) -> int:
    """Characters of every ``text`` string in a block tree (what counts toward the total)."""
    if isinstance(value, dict):
        total = 0
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                total += len(item)
            else:
                total += _text_length(item)
        return total
    if isinstance(value, list):
        return sum(_text_length(item) for item in value)
    return 0


def validate_message_blocks(blocks: Any) -> BlockKitProblem | None:
    """Check a message's ``blocks``; None when Slack would accept them.

    ``blocks`` that are not a list of objects give ``invalid_blocks_format`` like Slack; rule
    violations give ``invalid_blocks``; too much text in total gives ``msg_blocks_too_long``.
    """
    if not isinstance(blocks, list) or not all(isinstance(block, dict) for block in blocks):
        return BlockKitProblem("invalid_blocks_format", ("must be an array of objects",))
    checker = _Checker("message")
    checker.check_blocks(blocks, "/blocks")
    if checker.errors:
        return BlockKitProblem("invalid_blocks", tuple(checker.errors))
    if _text_length(blocks) > MAX_MESSAGE_BLOCK_TEXT:
        return BlockKitProblem(
            "msg_blocks_too_long",
            (f"total text must be at most {MAX_MESSAGE_BLOCK_TEXT} characters {_at('/blocks')}",),
        )
    return None


def validate_view(view: Any, *, expected_type: Surface | None = None) -> BlockKitProblem | None:
    """Check a modal or Home tab view; None when Slack would accept it.

    Problems are reported with error ``invalid_arguments``, which is what ``views.*`` answer
    for a view that breaks the schema (pointers start at ``/view``).
    """
    if not isinstance(view, dict):
        return BlockKitProblem("invalid_arguments", (f"must be an object {_at('/view')}",))
    view_type = view.get("type")
    if view_type not in ("modal", "home") or (expected_type and view_type != expected_type):
        wanted = expected_type or "modal or home"
        message = f"must be {wanted} {_at('/view/type')}"
        return BlockKitProblem("invalid_arguments", (message,))
    surface: Surface = "modal" if view_type == "modal" else "home"
    checker = _Checker(surface)
    if surface == "modal":
        if "title" not in view:
            checker.fail("missing required field: title", "/view")
        has_input = any(
            isinstance(block, dict) and block.get("type") == "input"
            for block in _list(view.get("blocks"))
        )
        if has_input and "submit" not in view:
            checker.fail("missing required field: submit (the view has input blocks)", "/view")
        for name in ("title", "submit", "close"):
            if name in view:
                checker.check_text("modal", name, view[name], f"/view/{name}")
    for name, max_len in (
        ("private_metadata", MAX_PRIVATE_METADATA),
        ("callback_id", MAX_VIEW_ID_STRING),
        ("external_id", MAX_VIEW_ID_STRING),
    ):
        value = view.get(name)
        if isinstance(value, str) and len(value) > max_len:
            checker.fail(f"must be less than {max_len + 1} characters", f"/view/{name}")
    checker.check_blocks(view.get("blocks"), "/view/blocks")
    if checker.errors:
        return BlockKitProblem("invalid_arguments", tuple(checker.errors))
    return None
