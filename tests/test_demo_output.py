"""`aplauso demo --out DIR` never deletes or overwrites what it did not write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.demo_output import RECORD_NAME, NotTheDemosFile, claim_output, write_calls
from tests.support.cli_runner import aplauso, one_line_failure
from tests.support.played_demo import THEIRS, PlayedDemo


class Call:
    def __init__(self, seq: int, method: str) -> None:
        self.seq, self.method = seq, method
        self.params: dict[str, object] = {"channel": "C1"}
        self.ok, self.response = True, {"ok": True}


def test_the_demo_leaves_every_file_it_did_not_write(
    played_demo: PlayedDemo, tmp_path: Path
) -> None:
    """The shared demo played into a folder holding someone else's files (`THEIRS`); a copy
    of that folder is claimed here as the next run would claim it."""
    shutil.copytree(played_demo.out, tmp_path, dirs_exist_ok=True)
    for name, text in THEIRS.items():
        assert (tmp_path / name).read_text() == text  # the demo played around them
    record = json.loads((tmp_path / RECORD_NAME).read_text())
    assert "transcript.txt" in record
    assert any(name.startswith("charts/") for name in record)
    assert any(name.startswith("slack-calls/") for name in record)
    assert not set(THEIRS) & set(record)
    claim_output(tmp_path)  # what the next run does first: clears exactly its own files
    left = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert left - {RECORD_NAME} == set(THEIRS)
    for name, text in THEIRS.items():
        assert (tmp_path / name).read_text() == text


def test_a_rerun_replaces_its_own_files(tmp_path: Path) -> None:
    write_calls(tmp_path, [Call(1, "auth.test"), Call(2, "chat.postMessage")])
    claim_output(tmp_path)
    assert not (tmp_path / "slack-calls" / "0001-auth.test.json").exists()
    write_calls(tmp_path, [Call(1, "auth.test")])
    assert (tmp_path / "slack-calls" / "0001-auth.test.json").exists()
    assert not (tmp_path / "slack-calls" / "0002-chat.postMessage.json").exists()


@pytest.mark.parametrize(
    "name", ["transcript.txt", "slack-calls/0001-auth.test.json", "charts/01-aplauso-it.png"]
)
def test_a_file_the_demo_would_write_but_did_not_stops_it_before_anything(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not the demo's")
    with pytest.raises(NotTheDemosFile) as refused:
        claim_output(tmp_path)
    assert refused.value.path == path
    assert path.read_text() == "not the demo's"


def test_a_demo_file_edited_since_is_no_longer_the_demos(tmp_path: Path) -> None:
    write_calls(tmp_path, [Call(1, "auth.test")])
    edited = tmp_path / "slack-calls" / "0001-auth.test.json"
    edited.write_text("my annotations")
    with pytest.raises(NotTheDemosFile):
        claim_output(tmp_path)
    assert edited.read_text() == "my annotations"


def test_the_cli_says_so_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "transcript.txt").write_text("mine")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "APLAUSO_TEST_CWD": str(tmp_path)}
    line = one_line_failure(aplauso("demo", "--out", str(out), env=env))
    assert f"{out / 'transcript.txt'} was not written by the demo" in line
    assert sorted(p.name for p in out.iterdir()) == ["transcript.txt"]
