"""What a PostgreSQL WAL archive tells about pulse answers, read with `pg_waldump`.

A private cluster (its own data directory and port) runs the scripted week, so no other test
writes into the WAL being read. `wal_level=logical`, as logical replication or a CDC feed
needs, makes every INSERT record carry its whole tuple: the strongest archive to attack.
`pg_waldump` lists each record (transaction, relation, block, offset); the tuples of INSERTs
are read from the segment files at the record's LSN. DELETEs are matched to the tuple that
last sat at their (block, offset). Each committed transaction becomes one `Change`.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from tests.support.history_attack import ANSWERS, BALLOTS, PENDING, RATINGS, TABLES, Change, Row

COLUMNS = {
    PENDING: ("user_id", "week_start", "question_key"),
    BALLOTS: ("id", "week_start", "team_id", "question_key"),
    ANSWERS: ("id", "week_start", "question_key", "team_id", "score", "comment"),
    RATINGS: ("id", "month", "rating_team_id", "rated_team_id", "score", "comment"),
}
SEGMENT, PAGE = 16 * 1024 * 1024, 8192
LINE = re.compile(
    r"rmgr: (?P<rmgr>\w+)\s+len \(rec/tot\):\s*\d+/\s*\d+, tx:\s*(?P<xid>\d+), "
    r"lsn: (?P<hi>[0-9A-F]+)/(?P<lo>[0-9A-F]+), prev \S+, desc: (?P<desc>.*)$"
)
BLOCK = re.compile(r"blkref #0: rel \d+/(?P<db>\d+)/(?P<rel>\d+)(?: fork \w+)? blk (?P<blk>\d+)")


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's programs (Debian's layout, as `.ci/run` installs)."""
    root = Path("/usr/lib/postgresql")
    versions = sorted(root.glob("*/bin/pg_waldump"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


@dataclass(frozen=True)
class Cluster:
    data: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def _as_postgres(args: Sequence[str]) -> list[str]:
    """initdb and the server refuse to run as root; CI runs as root."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "wal_level": "logical",
    "fsync": "off",
    "max_wal_size": "4GB",
    "wal_keep_size": "4GB",
}


@contextmanager
def private_cluster(binaries: Path) -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="aplauso-wal-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    data = root / "data"

    def run(*args: str, check: bool = True) -> None:
        command = _as_postgres([str(binaries / args[0]), *args[1:]])
        subprocess.run(command, check=check, capture_output=True, cwd=root, timeout=120)

    run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    options = f"-p {port} -k {root} " + " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
    run("pg_ctl", "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        yield Cluster(data, port)
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


def lsn(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT pg_current_wal_lsn()")).scalar())


@dataclass(frozen=True)
class Attribute:
    name: str
    length: int
    align: str
    type: str


def schema(engine: Engine) -> dict[int, tuple[str, list[Attribute]]]:
    """The attacked tables by relfilenode, with their columns as stored."""
    found: dict[int, tuple[str, list[Attribute]]] = {}
    with engine.connect() as connection:
        database = connection.execute(
            text("SELECT oid FROM pg_database WHERE datname = current_database()")
        ).scalar()
        for table in TABLES:
            node = connection.execute(
                text("SELECT relfilenode FROM pg_class WHERE relname = :t"), {"t": table}
            ).scalar()
            rows = connection.execute(text(
                "SELECT a.attname, a.attlen, a.attalign, t.typname FROM pg_attribute a "
                "JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = CAST(:t AS regclass) "
                "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
            ), {"t": table})  # fmt: skip
            found[int(str(node))] = (table, [Attribute(*r) for r in rows])
    found[-1] = (str(database), [])
    return found


def _segment_bytes(wal_dir: Path, number: int, cache: dict[int, bytes]) -> bytes:
    if number not in cache:
        per_id = 0x100000000 // SEGMENT
        name = f"{1:08X}{number // per_id:08X}{number % per_id:08X}"
        cache[number] = (wal_dir / name).read_bytes()
    return cache[number]


def read_record(wal_dir: Path, position: int, cache: dict[int, bytes]) -> bytes:
    """A WAL record's bytes, stitched across page (and segment) headers."""
    out = bytearray()
    total = None
    while total is None or len(out) < total:
        segment = _segment_bytes(wal_dir, position // SEGMENT, cache)
        offset = position % SEGMENT
        page_end = (offset // PAGE + 1) * PAGE
        if total is not None and offset % PAGE == 0:
            offset += 40 if offset == 0 else 24  # the page's header, before the continuation
        take = page_end - offset
        out += segment[offset : offset + take]
        if total is None:
            total = struct.unpack_from("<I", out)[0]
        position = position - position % PAGE + PAGE
    return bytes(out[:total])


def block_zero_data(record: bytes) -> bytes:
    """The data registered with block 0 of a record (for a heap INSERT: the new tuple).

    The layout: a 24-byte header, one header per block reference (then origin, top-level xid,
    and the main data's length, always last), then each block's image and data, then the main
    data."""
    position, payload = 24, 0
    blocks: list[tuple[int, int, int]] = []  # (id, image length, data length)
    while len(record) - position > payload:
        block_id = record[position]
        position += 1
        if block_id in (255, 254):  # the main data's length: the headers end here
            size = 1 if block_id == 255 else 4
            position += size
            break
        if block_id in (253, 252):  # replication origin, top-level transaction id
            position += 2 if block_id == 253 else 4
            continue
        flags = record[position]
        data_length = struct.unpack_from("<H", record, position + 1)[0]
        position += 3
        image = 0
        if flags & 0x10:  # a full-page image follows
            image, _hole, info = struct.unpack_from("<HHB", record, position)
            position += 5 + (2 if info & 0x01 and info & 0x1C else 0)
        position += (0 if flags & 0x80 else 12) + 4  # RelFileNode unless the same, block no
        blocks.append((block_id, image, data_length))
        payload += image + data_length
    for block_id, image, data_length in blocks:
        position += image
        if block_id == 0:
            return record[position : position + data_length]
        position += data_length
    return b""


def _align(offset: int, align: str) -> int:
    size = {"c": 1, "s": 2, "i": 4, "d": 8}[align]
    return (offset + size - 1) // size * size


def _value(raw: bytes, kind: str) -> Any:
    if kind in ("int4",):
        return struct.unpack("<i", raw)[0]
    if kind == "date":
        return date(2000, 1, 1) + timedelta(days=struct.unpack("<i", raw)[0])
    if kind == "bool":
        return raw != b"\x00"
    if kind in ("text", "varchar"):
        return raw.decode()
    return raw


def decode_tuple(data: bytes, attributes: list[Attribute]) -> dict[str, Any]:
    """A heap tuple as logged by INSERT: xl_heap_header, then the tuple from its null bitmap."""
    infomask2, infomask, hoff = struct.unpack_from("<HHB", data)
    tuple_ = bytes(23) + data[5:]
    natts, nulls = infomask2 & 0x07FF, infomask & 0x0001
    offset, values = hoff, dict[str, Any]()
    for index, attribute in enumerate(attributes[:natts]):
        if nulls and not (tuple_[23 + index // 8] >> (index % 8)) & 1:
            values[attribute.name] = None
            continue
        if attribute.length == -1:
            if tuple_[offset] == 0:
                offset = _align(offset, attribute.align)
            first = tuple_[offset]
            if first == 0x01:  # stored out of line (a sealed ballot): not needed
                values[attribute.name] = None
                offset += 2 + (16 if tuple_[offset + 1] == 18 else 8)
            elif first & 0x01:
                length = first >> 1
                values[attribute.name] = _value(
                    tuple_[offset + 1 : offset + length], attribute.type
                )
                offset += length
            else:
                length = struct.unpack_from("<I", tuple_, offset)[0] >> 2
                values[attribute.name] = _value(
                    tuple_[offset + 4 : offset + length], attribute.type
                )
                offset += length
        else:
            offset = _align(offset, attribute.align)
            values[attribute.name] = _value(
                tuple_[offset : offset + attribute.length], attribute.type
            )
            offset += attribute.length
    return values


def changes(
    binaries: Path,
    cluster: Cluster,
    start: str,
    end: str,
    tables: dict[int, tuple[str, list[Attribute]]],
) -> list[Change]:
    """Every committed transaction between two LSNs, as the rows it removed and added."""
    wal_dir = cluster.data / "pg_wal"
    dumped = subprocess.run(
        [str(binaries / "pg_waldump"), "-p", str(wal_dir), "-s", start, "-e", end],
        capture_output=True,
        text=True,
        check=False,
    )
    database = tables[-1][0]
    cache: dict[int, bytes] = {}
    at: dict[tuple[int, int, int], Row] = {}
    pending: dict[int, tuple[dict[str, Counter[Row]], dict[str, Counter[Row]]]] = defaultdict(
        lambda: (defaultdict(Counter), defaultdict(Counter))
    )
    found: list[Change] = []
    for line in dumped.stdout.splitlines():
        match = LINE.match(line)
        if match is None:
            continue
        xid, desc = int(match["xid"]), match["desc"]
        if match["rmgr"] == "Transaction":
            removed, added = pending.pop(xid, ({}, {}))
            if desc.startswith("COMMIT"):
                found.append(Change(dict(removed), dict(added)))
            continue
        block = BLOCK.search(desc)
        if match["rmgr"] != "Heap" or block is None or block["db"] != database:
            continue
        relation = int(block["rel"])
        if relation not in tables:
            continue
        table, attributes = tables[relation]
        offset = int(re.search(r"off (\d+)", desc).group(1))  # type: ignore[union-attr]
        where = (relation, int(block["blk"]), offset)
        if desc.startswith("INSERT"):
            position = int(match["hi"], 16) << 32 | int(match["lo"], 16)
            values = decode_tuple(
                block_zero_data(read_record(wal_dir, position, cache)), attributes
            )
            at[where] = tuple(values[c] for c in COLUMNS[table])
            pending[xid][1][table][at[where]] += 1
        elif desc.startswith("DELETE") and where in at:
            pending[xid][0][table][at[where]] += 1
    return found
