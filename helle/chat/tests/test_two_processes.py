"""Two ASGI server processes behind the Redis channel layer, one killed mid-conversation: no
message the young person saw acknowledged is lost, none is stored twice, and the counsellor on
the other process gets every message once, in order (docs/chat-protocol.md, "Several processes").

Runs only against PostgreSQL and Redis (DATABASE_URL and REDIS_URL, as CI sets them): SQLite's
in-memory test database and the in-memory channel layer cannot be shared between processes."""

import asyncio
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
KILL_AFTER_ACKS = 15
TIMEOUT = 10  # seconds; generous for a slow 2-core CI machine


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
        "HELLE_SECRET_KEY": settings.SECRET_KEY,
        "HELLE_DATA_DIR": str(settings.DATA_DIR),
        "HELLE_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    environment.pop("PYTEST_XDIST_WORKER", None)  # else each server would add its own prefix suffix
    return environment


class Server:
    def __init__(self, environment: dict[str, str]):
        self.port = _free_port()
        self.process = subprocess.Popen(  # noqa: S603 - our own server, no shell
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--port", str(self.port)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at once (exit code {self.process.returncode})")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def servers():
    environment = _server_environment(f"twoproc-{uuid.uuid4().hex[:8]}")
    started = [Server(environment), Server(environment)]
    try:
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.kill()


def _session_cookie_for(member=None) -> str:
    if member is not None:
        client = Client()
        client.force_login(member, backend="helle.identity.backends.NicknameBackend")
        return client.cookies[settings.SESSION_COOKIE_NAME].value
    session = SessionStore()
    session[policies.VISITOR_KEY] = KEY
    session.save()
    return session.session_key


class Reader:
    """One side's socket: says hello with the last number it has and collects messages."""

    def __init__(self, server: Server, conversation_id: int, cookie: str):
        self.url = f"{server.ws_url}/ws/chat/{conversation_id}/"
        self.headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
            "Origin": server.ws_url.replace("ws", "http"),
        }
        self.seqs: list[int] = []
        self.acked: dict[str, int] = {}

    async def connect(self, server: Server | None = None):
        if server is not None:
            self.url = f"{server.ws_url}/{self.url.split('/', 3)[3]}"
            self.headers["Origin"] = server.ws_url.replace("ws", "http")
        self.socket = await websockets.connect(
            self.url, additional_headers=self.headers, open_timeout=TIMEOUT
        )
        await self.socket.send(json.dumps({"type": "hello", "after": self.seqs[-1] if self.seqs else 0}))
        await self.until(lambda frame: frame["type"] == "ready")

    async def until(self, done) -> None:
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), TIMEOUT))
            if frame["type"] == "message":
                self.seqs.append(frame["seq"])
            elif frame["type"] == "ack":
                self.acked[frame["client_msg_id"]] = frame["seq"]
            if done(frame):
                return

    async def send(self, client_msg_id: str, body: str) -> None:
        await self.socket.send(json.dumps({"type": "send", "client_msg_id": client_msg_id, "body": body}))


def test_killing_one_of_two_servers_mid_conversation_loses_no_acknowledged_message(servers, make_member):
    counsellor = make_member("Rådgiver Rolf", role=Role.COUNSELLOR, age_band=AgeBand.OVER_25)
    services.set_availability(counsellor=counsellor, availability="available")
    services.join_queue(visitor_key=KEY)
    conversation = services.take_next(counsellor=counsellor)
    first, second = servers
    ids = [f"m{n:02d}" for n in range(MESSAGES)]
    young_cookie, adult_cookie = _session_cookie_for(), _session_cookie_for(counsellor)

    async def scenario():
        young = Reader(first, conversation.pk, young_cookie)
        adult = Reader(second, conversation.pk, adult_cookie)
        await young.connect()
        await adult.connect()
        # The young person writes at a steady pace without waiting for acknowledgements, so some
        # messages are in flight (maybe stored, not yet acknowledged) when their server dies.
        enough = asyncio.Event()

        async def listen():
            try:
                await young.until(lambda frame: len(young.acked) >= KILL_AFTER_ACKS and not enough.set())
                await young.until(lambda frame: False)
            except (TimeoutError, websockets.ConnectionClosed):
                pass

        listener = asyncio.create_task(listen())
        sent = 0
        for client_msg_id in ids:
            if enough.is_set():
                break
            try:
                await young.send(client_msg_id, f"besked {client_msg_id}")
            except websockets.ConnectionClosed:
                break
            sent += 1
            await asyncio.sleep(0.02)
        await asyncio.wait_for(enough.wait(), TIMEOUT)
        first.kill()
        await listener
        acknowledged_before = dict(young.acked)
        # The client reconnects to the other server and sends again everything it never saw
        # acknowledged (the same ids), then the rest.
        await young.connect(second)
        for client_msg_id in [i for i in ids if i not in acknowledged_before]:
            await young.send(client_msg_id, f"besked {client_msg_id}")
            await young.until(lambda frame, wanted=client_msg_id: frame.get("client_msg_id") == wanted)
        await adult.until(lambda frame: frame["type"] == "message" and frame["seq"] >= len(ids))
        await young.socket.close()
        await adult.socket.close()
        return acknowledged_before, sent, adult.seqs

    acknowledged_before, sent_before_kill, counsellor_saw = asyncio.run(scenario())

    stored = list(
        Message.objects.filter(conversation=conversation).order_by("seq").values_list("seq", "client_msg_id")
    )
    stored_ids = [client_msg_id for _seq, client_msg_id in stored]
    assert KILL_AFTER_ACKS <= len(acknowledged_before) < MESSAGES  # killed mid-conversation
    assert sent_before_kill >= len(acknowledged_before)
    for client_msg_id, seq in acknowledged_before.items():  # acknowledged before the kill: still there
        assert (seq, client_msg_id) in stored
    assert sorted(set(ids)) == sorted(i for i in stored_ids if i in ids)  # every message once
    assert len(stored_ids) == len(set(stored_ids))
    assert [seq for seq, _ in stored] == list(range(1, len(stored) + 1))  # no hole in the numbers
    assert counsellor_saw == list(range(1, len(stored) + 1))[: len(counsellor_saw)]
    assert counsellor_saw[-1] >= len(ids)  # in order, no gap, no duplicate, up to the last
