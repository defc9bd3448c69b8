"""The bare baseline of the chat benchmark: the least a chat server on this stack must do, so the
ceiling for helle on this machine. A raw ASGI WebSocket app under uvicorn, like helle, with no
Django, log-in, policy or safety pipeline: each message gets the next number of its room and is
stored in one transaction, acknowledged after the commit, and sent to the room's other sockets.
It speaks helle's frames (hello/ready, send/ack, message), so one load generator drives both.

Embedded (one process): SQLite in WAL mode, as helle's default. With BARE_CHAT_POSTGRES and
BARE_CHAT_REDIS (several processes): PostgreSQL through a connection pool, and the news goes
through Redis pub/sub to every process, which passes it to its own sockets of the room.

    BARE_CHAT_DB=var/bench/bare.sqlite3 uvicorn bench.bare_chat:app
    BARE_CHAT_POSTGRES=postgres://... BARE_CHAT_REDIS=redis://... uvicorn bench.bare_chat:app
"""

import asyncio
import json
import os
import sqlite3
import uuid
from collections import defaultdict

POSTGRES, REDIS = os.environ.get("BARE_CHAT_POSTGRES"), os.environ.get("BARE_CHAT_REDIS")
TABLES = [
    "CREATE TABLE IF NOT EXISTS bare_room (id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bare_message (room INTEGER, seq INTEGER, client_msg_id TEXT, body TEXT, "
    "PRIMARY KEY (room, seq))",
]
NEXT_SEQ = (
    "INSERT INTO bare_room VALUES (%s, 1) ON CONFLICT (id) DO UPDATE SET last_seq = bare_room.last_seq + 1 "
    "RETURNING last_seq"
)
ROOMS: dict[int, dict] = defaultdict(dict)  # room -> {socket id: its send function}, this process only
SHARED: dict = {}  # the database, and the Redis connection, made by the first socket
LOCK = asyncio.Lock()  # the first sockets arrive together: one of them makes SHARED


async def shared() -> dict:
    async with LOCK:
        if not SHARED:
            await connect()
    return SHARED


async def connect() -> None:
    if not POSTGRES:
        db = sqlite3.connect(os.environ.get("BARE_CHAT_DB", "bare-chat.sqlite3"), isolation_level=None)
        db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + ";".join(TABLES))
        SHARED["sqlite"] = db
        return
    import psycopg_pool
    import redis.asyncio

    pool = psycopg_pool.AsyncConnectionPool(POSTGRES, min_size=2, max_size=8, open=False)
    await pool.open()
    async with pool.connection() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(4242)")  # both processes start at once
        for table in TABLES:
            await conn.execute(table)
    SHARED["redis"] = redis.asyncio.from_url(REDIS)
    pubsub = SHARED["redis"].pubsub()
    await pubsub.psubscribe("bare:*")  # every room, one subscription per process
    SHARED["relay"] = asyncio.get_running_loop().create_task(relay(pubsub))
    SHARED["pool"] = pool


async def store(room: int, client_msg_id: str, body: str) -> int:
    if "pool" in SHARED:
        async with SHARED["pool"].connection() as conn, conn.transaction():
            seq = (await (await conn.execute(NEXT_SEQ, (room,))).fetchone())[0]
            await conn.execute(
                "INSERT INTO bare_message VALUES (%s, %s, %s, %s)", (room, seq, client_msg_id, body)
            )
            return seq
    db = SHARED["sqlite"]  # one connection in one thread: a write takes well under a millisecond
    db.execute("BEGIN IMMEDIATE")
    seq = db.execute(NEXT_SEQ.replace("%s", "?"), (room,)).fetchone()[0]
    db.execute("INSERT INTO bare_message VALUES (?, ?, ?, ?)", (room, seq, client_msg_id, body))
    db.execute("COMMIT")
    return seq


async def fan_out(room: int, origin: str, text: str) -> None:
    for socket_id, send in list(ROOMS[room].items()):
        if socket_id != origin:
            await send({"type": "websocket.send", "text": text})


async def relay(pubsub) -> None:
    """News from every process (this one too) to this process's sockets of the room."""
    async for item in pubsub.listen():
        if item["type"] == "pmessage":
            news = json.loads(item["data"])
            await fan_out(news["room"], news["origin"], news["text"])


async def app(scope, receive, send):
    if scope["type"] != "websocket":
        return
    room, me = int(scope["path"].rstrip("/").rsplit("/", 1)[-1]), uuid.uuid4().hex
    await receive()  # websocket.connect
    await shared()
    await send({"type": "websocket.accept"})
    ROOMS[room][me] = send
    try:
        while (event := await receive())["type"] == "websocket.receive":
            frame = json.loads(event["text"])
            if frame["type"] == "hello":
                await send({"type": "websocket.send", "text": json.dumps({"type": "ready", "last_seq": 0})})
            elif frame["type"] == "send":
                seq = await store(room, frame["client_msg_id"], frame["body"])
                ack = {"type": "ack", "client_msg_id": frame["client_msg_id"], "seq": seq}
                await send({"type": "websocket.send", "text": json.dumps(ack)})
                text = json.dumps({"type": "message", "seq": seq, "mine": False, "body": frame["body"]})
                if "redis" in SHARED:
                    await SHARED["redis"].publish(
                        f"bare:{room}", json.dumps({"room": room, "origin": me, "text": text})
                    )
                else:
                    await fan_out(room, me, text)
    finally:
        ROOMS[room].pop(me, None)
