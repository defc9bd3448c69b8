"""Two ASGI server processes behind the Redis channel layer, one killed mid-conversation: no
message the young person saw acknowledged is lost, none is stored twice, and the counsellor on
the other process gets every message once, in order (docs/chat-protocol.md, "Several processes").

Runs only against PostgreSQL and Redis (DATABASE_URL and REDIS_URL, as CI sets them): SQLite's
in-memory test database and the in-memory channel layer cannot be shared between processes."""

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import websockets
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client

from helle.chat import policies, services
from helle.chat.models import Message
from helle.core.roles import Role
from helle.identity.models import AgeBand

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")),
        reason="needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL): two processes cannot share "
        "SQLite's in-memory test database or the in-memory channel layer",
    ),
]

ROOT = Path(__file__).resolve().parents[3]
KEY = "ung-paa-to-processer"
MESSAGES = 40
STEADY = 15  # the first messages come one every PACE seconds, the rest at once
PACE = 0.02
KILL_AFTER_ACKS = 18  # A dies while it works through the burst
TIMEOUT = 10  # seconds; generous for a slow 2-core CI machine
START_TIMEOUT = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_environment(redis_prefix: str) -> dict[str, str]:
    """The test's own database, secret key and data folder, and a channel-layer prefix of its own."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    database = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
    environment = {
        **os.environ,
        "DATABASE_URL": database,
        "HELLE_REDIS_PREFIX": redis_prefix,
        "HELLE_SECRET_KEY": settings.SECRET_KEY,  # the session cookies are signed with it
        "HELLE_DATA_DIR": str(settings.DATA_DIR),
        "HELLE_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    environment.pop("PYTEST_XDIST_WORKER", None)  # else each server would add its own prefix suffix
    return environment


class Server:
    """One uvicorn process, in a process group of its own so that a kill takes all of it."""

    def __init__(self, environment: dict[str, str], log: Path):
        self.port = _free_port()
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own server, no shell
                [
                    *(sys.executable, "-m", "uvicorn", "config.asgi:application"),
                    *("--host", "127.0.0.1", "--port", str(self.port)),
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server stopped (exit code {self.process.returncode}):\n{self._tail()}"
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {START_TIMEOUT} s:\n{self._tail()}")

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def servers(tmp_path):
    environment = _server_environment(f"twoproc-{uuid.uuid4().hex[:8]}")
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            started.append(Server(environment, tmp_path / f"server-{name}.log"))
        for server in started:
            server.wait_until_up()
        yield started
    finally:  # also when the test fails: no server outlives it
        for server in started:
            server.kill()


def _session_cookie_for(member=None) -> str:
    """A session in the shared database: a logged-in member, or the young person's chat key."""
    if member is not None:
        client = Client()
        client.force_login(member, backend="helle.identity.backends.NicknameBackend")
        return client.cookies[settings.SESSION_COOKIE_NAME].value
    session = SessionStore()
    session[policies.VISITOR_KEY] = KEY
    session.save()
    return session.session_key


class Reader:
    """One side's socket, as chat.js keeps it: the numbers it got, the acks, the refusals."""

    def __init__(self, conversation_id: int, cookie: str):
        self.path = f"/ws/chat/{conversation_id}/"
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={cookie}"
        self.seqs: list[int] = []
        self.acked: dict[str, int] = {}
        self.refused: dict[str, list[str]] = {}

    async def connect(self, server: Server) -> dict:
        """Connect, say hello with the last number it has; returns the `ready` frame."""
        self.socket = await websockets.connect(
            server.ws_url + self.path,
            additional_headers={"Cookie": self.cookie, "Origin": server.origin},
            open_timeout=TIMEOUT,
        )
        await self.socket.send(json.dumps({"type": "hello", "after": self.seqs[-1] if self.seqs else 0}))
        return await self.until(lambda frame: frame["type"] == "ready")

    async def until(self, done) -> dict:
        """Read frames until `done(frame)`; TimeoutError when none comes for TIMEOUT seconds."""
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), TIMEOUT))
            if frame["type"] == "message":
                self.seqs.append(frame["seq"])
            elif frame["type"] == "ack":
                self.acked[frame["client_msg_id"]] = frame["seq"]
            elif frame["type"] == "refused":
                self.refused[frame["client_msg_id"]] = frame["reasons"]
            if done(frame):
                return frame

    async def send(self, client_msg_id: str) -> None:
        frame = {"type": "send", "client_msg_id": client_msg_id, "body": f"besked {client_msg_id}"}
        await self.socket.send(json.dumps(frame))


def test_killing_one_of_two_servers_mid_conversation_loses_no_acknowledged_message(servers, make_member):
    counsellor = make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    services.set_availability(counsellor=counsellor, availability="available")
    services.join_queue(visitor_key=KEY, first_message="")
    conversation = services.take_next(counsellor=counsellor)
    assert conversation is not None
    server_a, server_b = servers
    ids = [f"m{n:02d}" for n in range(MESSAGES)]
    young = Reader(conversation.pk, _session_cookie_for())
    adult = Reader(conversation.pk, _session_cookie_for(counsellor))

    async def scenario() -> dict:
        await young.connect(server_a)
        await adult.connect(server_b)
        sent: list[str] = []

        async def write():  # never waiting for an ack
            for n, client_msg_id in enumerate(ids):
                await young.send(client_msg_id)
                sent.append(client_msg_id)
                if n < STEADY:
                    await asyncio.sleep(PACE)

        # A server stores a message in a few milliseconds, faster than anyone types: a steady
        # stream alone would leave nothing in flight when the server dies. The burst (an outbox
        # sent again, a pasted text) keeps A busy: it is killed with messages read and not yet
        # stored, one perhaps stored and not yet announced or acknowledged.
        writer = asyncio.create_task(write())
        await young.until(lambda frame: len(young.acked) >= KILL_AFTER_ACKS)
        server_a.kill()
        with contextlib.suppress(websockets.ConnectionClosed, TimeoutError):
            await young.until(lambda frame: False)  # whatever A wrote before it died, then the close
        with contextlib.suppress(websockets.ConnectionClosed):
            await asyncio.wait_for(writer, TIMEOUT)  # ends at its first send into the closed socket
        acked_before = dict(young.acked)
        sent_before = list(sent)

        # chat.js reconnects (to the other server), says hello with the last number it has, and
        # sends its outbox again (same ids), then goes on. It also sends again the last message
        # it saw acknowledged, as a client does whose ack was lost with the connection: a
        # message stored through A and sent again through B must not be stored twice.
        ready = await young.connect(server_b)
        last_acked = max(acked_before, key=acked_before.get)
        young.acked.pop(last_acked)
        for client_msg_id in [last_acked, *(i for i in ids if i not in acked_before)]:
            await young.send(client_msg_id)
        await young.until(lambda frame: len(young.acked) + len(young.refused) == len(ids))
        last = max(young.acked.values())
        for reader in (young, adult):
            if not reader.seqs or reader.seqs[-1] < last:
                await reader.until(lambda frame: frame["type"] == "message" and frame["seq"] >= last)
        await young.socket.close()
        await adult.socket.close()
        return {
            "acked_before": acked_before,
            "sent_before": sent_before,
            "stored_at_kill": ready["last_seq"],
            "resent_last_acked": (last_acked, acked_before[last_acked]),
        }

    run = asyncio.run(scenario())

    acked_before = run["acked_before"]
    stored = list(
        Message.objects.filter(conversation=conversation).order_by("seq").values_list("seq", "client_msg_id")
    )
    seq_of = {client_msg_id: seq for seq, client_msg_id in stored}
    in_flight = [i for i in run["sent_before"] if i not in acked_before]
    diagnosis = (
        f"sent before the kill: {len(run['sent_before'])}, acknowledged: {len(acked_before)}, "
        f"in flight: {in_flight}, stored at the kill: {run['stored_at_kill']}, "
        f"stored now: {stored}, refused: {young.refused}"
    )
    # Killed mid-conversation: acknowledgements had come, not all of them, with messages in flight.
    assert KILL_AFTER_ACKS <= len(acked_before) < MESSAGES, diagnosis
    assert in_flight, diagnosis
    assert not young.refused, diagnosis
    # Every message acknowledged before the kill is stored, under the number its ack gave.
    assert {i: seq_of.get(i) for i in acked_before} == acked_before, diagnosis
    # Every message is stored exactly once, also those sent again, and nothing else is stored.
    assert sorted(client_msg_id for _seq, client_msg_id in stored) == ids, diagnosis
    # A retry through B of a message stored through A gets the same number back.
    assert young.acked == seq_of, diagnosis
    last_acked, its_seq = run["resent_last_acked"]
    assert young.acked[last_acked] == its_seq, diagnosis
    # Numbered 1..N with no hole.
    assert [seq for seq, _ in stored] == list(range(1, MESSAGES + 1)), diagnosis
    # Both sides got every number once, in order: the counsellor, who stayed on B throughout,
    # and the young person, from A until it died, then from B after the hello.
    assert adult.seqs == list(range(1, MESSAGES + 1)), diagnosis
    assert young.seqs == list(range(1, MESSAGES + 1)), diagnosis
