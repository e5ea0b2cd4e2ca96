"""File uploads the current way Slack takes them (what ``files_upload_v2`` does).

1. ``files.getUploadURLExternal`` (filename, length) -> an upload URL on this server + file id;
2. the raw bytes are POSTed to that URL (no token: the URL itself is the credential);
3. ``files.completeUploadExternal`` shares the uploaded files into a conversation.

Like Slack, ``channel_id`` must be a conversation id (``C``/``G``/``D``); a user id there is
``channel_not_found``, which is why the app must ``conversations.open`` first. The older
``files.upload`` is answered ``method_deprecated``, as Slack now does.
"""

from __future__ import annotations

import secrets

from sandbox.api_params import JsonDict, Params, SlackApiError
from sandbox.surfaces import UploadedFile
from sandbox.workspace import Handler, Workspace

UPLOAD_PATH_PREFIX = "/upload/v1/"


def files_get_upload_url_external(ws: Workspace, p: Params) -> JsonDict:
    """Reserve a file id and hand out a one-off upload URL on this same server."""
    filename = p.required("filename", error="invalid_arguments")
    length = p.number("length", -1)
    if length <= 0:
        raise SlackApiError("invalid_arguments")
    file_id = ws.new_id("F")
    token = secrets.token_urlsafe(18)
    ws.files[file_id] = UploadedFile(
        id=file_id,
        filename=filename,
        length=length,
        upload_token=token,
        created=int(ws.clock()),
        user_id=ws.identity.bot_user_id,
        alt_txt=p.optional("alt_txt") or p.optional("alt_text"),
        snippet_type=p.optional("snippet_type"),
    )
    ws.upload_tokens[token] = file_id
    return {"upload_url": f"{ws.base_url}{UPLOAD_PATH_PREFIX}{token}", "file_id": file_id}


def receive_upload(ws: Workspace, token: str, content: bytes) -> UploadedFile | None:
    """Store the bytes POSTed to an upload URL; None for an unknown URL."""
    file_id = ws.upload_tokens.get(token)
    if file_id is None:
        return None
    uploaded = ws.files[file_id]
    uploaded.content = content
    return uploaded


def files_complete_upload_external(ws: Workspace, p: Params) -> JsonDict:
    """Finish uploads and share them into one conversation with an optional comment."""
    entries = p.structured("files", error="invalid_arguments")
    if not isinstance(entries, list) or not entries:
        raise SlackApiError("invalid_arguments")
    uploads: list[UploadedFile] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise SlackApiError("invalid_arguments")
        uploaded = ws.files.get(entry["id"])
        if uploaded is None or uploaded.content is None or uploaded.completed:
            raise SlackApiError("file_not_found")
        uploads.append(uploaded)
        uploaded.title = str(entry.get("title") or uploaded.title or uploaded.filename)
    targets = []
    channel_id = p.optional("channel_id")
    if channel_id:
        targets.append(ws.postable(ws.conversation(channel_id)))
    for channel in p.listed("channels"):
        targets.append(ws.postable(ws.conversation(channel, allow_user_id=True)))
    thread_ts = p.optional("thread_ts")
    if thread_ts and len(targets) != 1:
        raise SlackApiError("invalid_arguments")
    if thread_ts:
        parent = targets[0].find(thread_ts)
        if parent is None:
            raise SlackApiError("thread_not_found")
        thread_ts = str(parent.get("thread_ts") or parent["ts"])
    for uploaded in uploads:
        uploaded.completed = True
        uploaded.channels = [conversation.id for conversation in targets]
    comment = p.optional("initial_comment") or ""
    for conversation in targets:
        ts = ws.next_ts()
        for uploaded in uploads:
            uploaded.permalink = uploaded.permalink or ws.permalink(conversation.id, ts)
        message: JsonDict = {
            "type": "message",
            "text": comment,
            "files": [uploaded.to_json(ws.identity.team_domain) for uploaded in uploads],
            "upload": True,
            "user": ws.identity.bot_user_id,
            "bot_id": ws.identity.bot_id,
            "app_id": ws.identity.app_id,
            "display_as_bot": False,
            "ts": ts,
            "team": ws.identity.team_id,
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        conversation.add(message)
    return {"files": [uploaded.to_json(ws.identity.team_domain) for uploaded in uploads]}


def files_upload(ws: Workspace, p: Params) -> JsonDict:
    """The retired single-call upload; Slack turned it off for new apps."""
    raise SlackApiError("method_deprecated")


HANDLERS: dict[str, Handler] = {
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
    "files.upload": files_upload,
}
