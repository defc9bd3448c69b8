"""How fast is the chat? Send→receive latency and the highest sustained rate, against Synapse.

Targets (the chat benchmark issue), in every scenario: p99 latency at most half of Matrix
Synapse's; a sustained rate at least 10× Synapse's and at least half of the bare baseline's;
and at least 5,000 idle connections held by one process.

Scenarios: one 1:1 conversation, 20 parallel 1:1 conversations, a 10-member and a 50-member
group chat; one member writes, the others read. Each is measured on:
- helle, embedded default: one uvicorn process, SQLite, the in-memory channel layer;
- helle, PostgreSQL + Redis: two uvicorn processes, the clients of a room spread over both, so
  every message crosses processes through Redis;
- the bare baseline (bench/bare_chat.py) on the same two stacks: a few dozen lines that store
  each message in the same database and fan it out, with no log-in, policy or safety: the
  ceiling for this stack on this machine;
- Matrix Synapse from PyPI, with the harness in ../shared/anchors/synapse/ (its setup.sh,
  start.sh, bench.py, stop.sh; run files in var/anchors/synapse, as ../shared is read-only).

One method for all: the harness's own measurement code (`run()` in its bench.py: users, rooms,
open-loop sender on a fixed schedule, receivers, delivery accounting, nearest-rank
percentiles). For helle and the bare baseline it drives a WebSocket adapter defined here
(`SocketTarget`, the harness README's "adding our own server"), in a separate load process.
Latency = a receiver's receive time − the message's scheduled send time, same process clock;
a message is lost if a receiver has not got it DRAIN seconds after the last send.
- Latency: p50/p95/p99 at one moderate rate per scenario, the same for every server.
- Knee: the highest total rate that passes (all delivered, no refusal, p99 ≤ 1 s, ≥ 95% of the
  rate achieved), the harness's knee.sh rule: STEP seconds per rate, doubling (or halving)
  from a start until the verdict flips, then REFINE bisections. helle starts at 10× Synapse's
  knee (the target), the bare baseline at 2× helle's: the first step answers the target.
- Idle: as many authenticated sockets (hello said, ready received) as one helle process holds,
  up to IDLE; its RSS before and after; then one message is sent, and the idle sockets that
  get it are the ones held.

The message is a short sentence of chat talk that goes through the whole safety pipeline with
the trained classifiers (trained first if missing, as in the safety part). Each helle site is
new: var/bench/chat/<backend>/ (SQLite) or the database helle_bench_chat (dropped and made
again); the developer's database is never touched. Knobs (environment): HELLE_BENCH_CHAT_STEP
(5 s), HELLE_BENCH_CHAT_LATENCY (10 s), HELLE_BENCH_CHAT_IDLE (6000), HELLE_BENCH_CHAT_POSTGRES=0
and HELLE_BENCH_CHAT_SYNAPSE=0 to leave parts out, HELLE_BENCH_CHAT_SCENARIOS (e.g. "1,2"),
HELLE_BENCH_CHAT_POSTGRES_URL, HELLE_BENCH_CHAT_REDIS_URL.

Alone: `.venv/bin/python bench/run.py --only chat` (writes docs/benchmarks.md with this part
only replaced) or `.venv/bin/python bench/chat.py` (prints the section). About 20 minutes.
"""

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
import uuid
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import forum  # noqa: E402 - after the path: run as a script too

RUN_DIR = Path(os.environ.get("HELLE_BENCH_CHAT_DIR", ROOT / "var" / "bench" / "chat"))
ANCHOR = Path(os.environ.get("HELLE_BENCH_SYNAPSE_ANCHOR", ROOT.parent / "shared" / "anchors" / "synapse"))
ANCHOR_RUN = Path(os.environ.get("SYNAPSE_ANCHOR_RUN", ROOT / "var" / "anchors" / "synapse"))
POSTGRES_URL = os.environ.get(
    "HELLE_BENCH_CHAT_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/helle_bench_chat"
)
REDIS_URL = os.environ.get("HELLE_BENCH_CHAT_REDIS_URL", "redis://127.0.0.1:6379/7")

STEP = float(os.environ.get("HELLE_BENCH_CHAT_STEP", "5"))  # seconds measured per knee step
LATENCY_SECONDS = float(os.environ.get("HELLE_BENCH_CHAT_LATENCY", "10"))
IDLE = int(os.environ.get("HELLE_BENCH_CHAT_IDLE", "6000"))
WARMUP, DRAIN = 1.0, 5.0  # seconds: sent before the measured window; waited for the last deliveries
FACTOR, REFINE, MAX_RATE, MIN_RATE = 2.0, 2, 5000.0, 0.5
P99_LIMIT_MS, MIN_ACHIEVED = 1000.0, 0.95

# Targets (the chat benchmark issue).
TARGET_P99_SHARE = 0.5  # of Synapse's p99
TARGET_RATE_X_SYNAPSE = 10.0
TARGET_RATE_SHARE_BARE = 0.5
TARGET_IDLE = 5000

BODIES = [  # what a young person writes; harmless, so the pipeline lets it through unchanged
    "jeg har haft en rigtig lang dag i skolen og er bare træt",
    "min bedste veninde er flyttet og jeg savner hende helt vildt",
    "vi har eksamen i næste uge og jeg er så nervøs",
    "tak fordi i lytter det betyder meget for mig",
]


@dataclass(frozen=True)
class Scenario:
    key: str
    name: str
    members: int  # per room: one writer, the others read
    rooms: int
    rate: float  # total messages per second for the latency figures (all servers)
    synapse_start: float  # first total rate of Synapse's knee search (about half its knee here)


SCENARIOS = [
    Scenario("1", "one 1:1 conversation", 2, 1, 5, 32),
    Scenario("2", "20 parallel 1:1 conversations", 2, 20, 10, 16),
    Scenario("3", "10-member group", 10, 1, 5, 16),
    Scenario("4", "50-member group", 50, 1, 2, 2),
]


def say(text: str) -> None:
    print(f"      {text}", flush=True)


def chosen_scenarios() -> list[Scenario]:
    wanted = os.environ.get("HELLE_BENCH_CHAT_SCENARIOS", "")
    return [s for s in SCENARIOS if not wanted or s.key in wanted.split(",")]


# --- The load process: the anchor's measurement code, with our WebSocket adapter ---------------


def anchor_bench():
    """The harness's bench.py as a module. Its Matrix adapter needs aiohttp, which helle does not
    install; the measurement code does not, so a stand-in module is enough to load it."""
    sys.modules.setdefault("aiohttp", types.ModuleType("aiohttp"))
    spec = importlib.util.spec_from_file_location("synapse_anchor_bench", ANCHOR / "bench.py")
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # its dataclasses look it up
    spec.loader.exec_module(module)
    return module


def socket_target(anchor, config: dict):
    """helle's (and the bare baseline's) chat socket behind the harness's six methods. Users and
    rooms are made beforehand (see `setup_site`): user m of room k is the k-th fixture's m-th
    session; member 0 writes. A receiver's message frame carries the number the writer's ack
    gives, so a frame that arrives before its ack waits for it (with its receive time)."""
    import websockets

    class SocketTarget(anchor.Target):
        name = config["kind"]

        def __init__(self):
            self.rooms = config["rooms"]
            self.ports = config["ports"]
            self.last_seq = {int(k): v for k, v in config.get("last_seq", {}).items()}
            self.sent: dict[int, dict[int, dict]] = {}  # room -> seq -> payload
            self.early: dict[int, dict[int, list]] = {}  # room -> seq -> [(callback, receive time)]
            self.acks: dict[str, asyncio.Future] = {}
            self.sockets: list = []
            self.readers: list[asyncio.Task] = []
            self.c = {"refused": 0}

        async def connect(self, k: int, m: int):
            # Spread a room's members over the processes: with two, writer and readers alternate.
            port = self.ports[(k + m) % len(self.ports)]
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/chat/{self.rooms[k]['conversation']}/",
                additional_headers={"Cookie": f"sessionid={self.rooms[k]['cookies'][m]}"},
                origin=f"http://127.0.0.1:{port}",
                compression=None,  # as the harness's HTTP client: no compression
                ping_interval=None,
                max_queue=None,
                open_timeout=30,
            )
            self.sockets.append(ws)
            await ws.send(json.dumps({"type": "hello", "after": self.last_seq.get(k, 0)}))
            while json.loads(await ws.recv()).get("type") != "ready":
                pass  # an older message sent before ready: not this run's
            return ws

        async def register(self, username: str):
            k, m = (int(n) for n in re.search(r"r(\d+)m(\d+)$", username).groups())
            return {"k": k, "m": m}

        async def create_room(self, owner) -> int:
            k = owner["k"]
            self.sent[k], self.early[k] = {}, {}
            owner["ws"] = await self.connect(k, 0)
            self.readers.append(asyncio.create_task(self.writer_frames(k, owner["ws"])))
            return k

        async def join(self, user, room) -> None:
            pass  # made beforehand

        async def writer_frames(self, k: int, ws) -> None:
            async for raw in ws:
                frame = json.loads(raw)
                if frame["type"] in ("ack", "refused") and frame["client_msg_id"] in self.acks:
                    self.acks.pop(frame["client_msg_id"]).set_result(frame)

        async def send(self, user, room: int, payload: dict) -> None:
            msg_id = f"{payload['run']}-{payload['r']}-{payload['s']}"
            answer = self.acks[msg_id] = asyncio.get_running_loop().create_future()
            body = f"{BODIES[payload['s'] % len(BODIES)]} ({payload['s']})"
            await user["ws"].send(json.dumps({"type": "send", "client_msg_id": msg_id, "body": body}))
            frame = await asyncio.wait_for(answer, 60)
            if frame["type"] != "ack":
                self.c["refused"] += 1
                raise RuntimeError(f"refused: {frame.get('reasons')}")
            seq = frame["seq"]
            self.sent[room][seq] = payload
            self.last_seq[room] = max(self.last_seq.get(room, 0), seq)
            for callback, received in self.early[room].pop(seq, []):
                callback(payload, received)

        async def prepare_receiver(self, user) -> None:
            user["ws"] = await self.connect(user["k"], user["m"])

        async def receive_loop(self, user, on_message, stop) -> None:
            k, sent, early = user["k"], self.sent[user["k"]], self.early[user["k"]]
            async for raw in user["ws"]:
                received = time.monotonic()
                frame = json.loads(raw)
                if frame["type"] == "message":
                    payload = sent.get(frame["seq"])
                    if payload is None:
                        early.setdefault(frame["seq"], []).append((on_message, received))
                    else:
                        on_message(payload, received)
                elif frame["type"] == "error":
                    raise RuntimeError(f"room {k}: {frame}")

        async def close(self) -> None:
            for task in self.readers:
                task.cancel()
            await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)

        def counters(self) -> dict:
            return {**self.c, "last_seq": self.last_seq}

    return SocketTarget()


def load_main(config_path: str) -> None:
    """One run of one scenario at one rate; prints the harness's JSON line."""
    config = json.loads(Path(config_path).read_text())
    anchor = anchor_bench()
    args = argparse.Namespace(
        members=config["members"],
        rooms=len(config["rooms"]),
        rate=config["rate_per_room"],
        duration=config["duration"],
        warmup=WARMUP,
        drain=DRAIN,
        settle=0.5,
        send_mode="open",
        max_inflight=1000,
        setup_concurrency=8,
        quiet=True,
    )

    async def go() -> dict:
        target = socket_target(anchor, config)
        await target.open()
        try:
            return await anchor.run(args, target)
        finally:
            await target.close()

    print(json.dumps(asyncio.run(go())), flush=True)


def idle_main(config_path: str) -> None:
    """Open up to `count` idle sockets (the counsellor's, in one conversation), say how many are
    open, wait for the word, then the young person writes once: how many idle sockets get it."""
    import websockets

    config = json.loads(Path(config_path).read_text())
    raise_open_files()  # one file descriptor per socket
    room, url = config["room"], f"ws://127.0.0.1:{config['port']}/ws/chat/{config['room']['conversation']}/"

    async def one(cookie: str):
        ws = await websockets.connect(
            url,
            additional_headers={"Cookie": f"sessionid={cookie}"},
            origin=f"http://127.0.0.1:{config['port']}",
            compression=None,
            ping_interval=None,
            open_timeout=60,
        )
        await ws.send(json.dumps({"type": "hello", "after": config["last_seq"]}))
        while json.loads(await ws.recv()).get("type") != "ready":
            pass
        return ws

    async def go() -> None:
        writer = await one(room["cookies"][0])
        gate = asyncio.Semaphore(64)  # as many handshakes at a time as a busy front page makes

        async def idle():
            async with gate:
                try:
                    return await one(room["cookies"][1])
                except (TimeoutError, OSError, websockets.WebSocketException):
                    return None

        started = time.monotonic()
        sockets = [ws for ws in await asyncio.gather(*(idle() for _ in range(config["count"]))) if ws]
        print(
            json.dumps({"opened": len(sockets), "seconds": round(time.monotonic() - started, 1)}), flush=True
        )
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # the RSS is read

        async def gets_it(ws) -> bool:
            with contextlib.suppress(Exception):
                while True:
                    frame = json.loads(await ws.recv())
                    if frame.get("type") == "message":
                        return True
            return False

        waiting = [asyncio.create_task(gets_it(ws)) for ws in sockets]
        await writer.send(json.dumps({"type": "send", "client_msg_id": uuid.uuid4().hex, "body": BODIES[0]}))
        done, _pending = await asyncio.wait(waiting, timeout=60)
        print(json.dumps({"received": sum(1 for t in done if t.result())}), flush=True)
        for task in waiting:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in [writer, *sockets]), return_exceptions=True)

    asyncio.run(go())


# --- Inside a bench site (a subprocess with the site's environment) ---------------------------


def setup_site(wanted: list[list[int]]) -> list[list[dict]]:
    """For each (members, rooms): the conversations and one session per participant, made
    through the services as the chat pages make them. Member 0 writes: the young person in a
    1:1 conversation (the counsellor reads), the host in a group chat."""
    forum._django()
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client, override_settings

    from helle.chat import policies, services
    from helle.core import clock
    from helle.core.roles import Role
    from helle.identity import services as identity_services
    from helle.identity.models import AgeBand

    made, run = iter(range(1_000_000)), uuid.uuid4().hex[:6]  # new names, also in a used database

    def member(role: Role | None = None):
        found, _codes = identity_services.sign_up(
            nickname=f"Bench{run}x{next(made)}",
            password="en lang og hemmelig benchmark-sætning",  # noqa: S106 - a throw-away database
            age_band=AgeBand.AGE_18_25,
            language="da",
            rules_version=1,
        )
        if role is not None:
            identity_services.set_roles(actor=found, member=found, roles={role}, reason="benchmark")
        return found

    def cookie_of(account) -> str:
        client = Client()
        client.force_login(account, backend="helle.identity.backends.NicknameBackend")
        return client.cookies["sessionid"].value

    def one_to_one() -> dict:
        key = services.new_visitor_key()
        conversation = services.join_queue(visitor_key=key)
        counsellor = member(Role.COUNSELLOR)
        services.take(counsellor=counsellor, conversation=conversation)
        session = SessionStore()
        session[policies.VISITOR_KEY] = key
        session.save()
        return {"conversation": conversation.pk, "cookies": [session.session_key, cookie_of(counsellor)]}

    def group(members: int, planner) -> dict:
        host = member(Role.PEER_ADVISER)
        room = services.create_room(
            actor=planner,
            title=f"Benchmark {next(made)}",
            host=host,
            opens_at=clock.now() - timedelta(minutes=1),
            closes_at=clock.now() + timedelta(days=1),
        )
        guests = [member() for _ in range(members - 1)]
        for guest in guests:
            services.join_room(room=room, member=guest)
        return {"conversation": room.pk, "cookies": [cookie_of(host)] + [cookie_of(g) for g in guests]}

    # A fast password hasher for the throw-away accounts: the sockets never check passwords.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        planner = member(Role.SUPERVISOR)
        return [
            [one_to_one() if members == 2 else group(members, planner) for _ in range(rooms)]
            for members, rooms in wanted
        ]


# --- Servers ------------------------------------------------------------------------------------


def raise_open_files() -> None:
    """In a server subprocess before exec: as many sockets as the system lets a process hold."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at once:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the server did not listen within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


class Servers:
    """`processes` uvicorn processes of one ASGI app, each on its own port (so the load can
    spread a room's members over them), each in its own process group."""

    def __init__(self, app: str, env: dict[str, str], processes: int, log_name: str, app_dir: Path = ROOT):
        self.ports, self.processes = [], []
        for n in range(processes):
            port = forum.free_port()
            log = RUN_DIR / f"{log_name}-{n}.log"
            with log.open("w") as out:
                process = subprocess.Popen(  # noqa: S603 - our venv's uvicorn, no shell
                    [
                        str(Path(sys.executable).parent / "uvicorn"),
                        app,
                        "--app-dir",
                        str(app_dir),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--lifespan",
                        "off",
                        "--no-access-log",
                        "--log-level",
                        "warning",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=raise_open_files,
                )
            self.ports.append(port)
            self.processes.append(process)
            wait_for_port(port, process, log)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def wait_idle(self) -> None:
        for pid in self.pids:
            forum.wait_idle(pid)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# --- Measuring ------------------------------------------------------------------------------------


def passes(result: dict | None) -> bool:
    """knee.sh's rule for one step."""
    if not result:
        return False
    p99 = result["latency_ms"]["p99"]
    return bool(
        result["all_delivered"]
        and p99 is not None
        and p99 <= P99_LIMIT_MS
        and (result["achieved_ratio"] or 0) >= MIN_ACHIEVED
    )


def describe(result: dict | None) -> str:
    if not result:
        return "no result"
    lat = result["latency_ms"]
    lost = result["expected_deliveries"] - result["delivered"]
    return (
        f"p50 {lat['p50']} p95 {lat['p95']} p99 {lat['p99']} ms, achieved {result['achieved_total_rate']}/s, "
        f"{lost} lost, {result['send_errors']} send errors"
    )


def knee(name: str, step, start: float) -> dict:
    """Doubling (or halving) from `start` until the verdict flips, then REFINE bisections."""
    tried: list[tuple[float, bool, dict | None]] = []

    def attempt(rate: float) -> bool:
        result = step(rate)
        ok = passes(result)
        tried.append((rate, ok, result))
        say(f"{name}: knee step {rate:g} msg/s -> {'pass' if ok else 'FAIL'} ({describe(result)})")
        return ok

    best = fail = None
    rate = start
    while MIN_RATE <= rate <= MAX_RATE:
        if attempt(rate):
            best = rate
            if fail is not None:
                break
            rate *= FACTOR
        else:
            fail = rate
            if best is not None:
                break
            rate /= FACTOR
    if best is not None and fail is not None:
        for _ in range(REFINE):
            middle = round((best + fail) / 2, 2)
            if attempt(middle):
                best = middle
            else:
                fail = middle
    at_knee = next((r for rate, ok, r in tried if ok and rate == best), None)
    return {
        "knee": best or 0.0,
        "first_fail": fail,
        "p99_at_knee": at_knee["latency_ms"]["p99"] if at_knee else None,
        "steps": [(rate, ok) for rate, ok, _r in tried],
    }


class SocketBench:
    """helle or the bare baseline on one stack: fixtures, servers, and one load run per step."""

    def __init__(self, kind: str, label: str, servers: Servers, fixtures: dict[str, list[dict]]):
        self.kind, self.label, self.servers, self.fixtures = kind, label, servers, fixtures
        self.last_seq: dict[str, dict] = {key: {} for key in fixtures}

    def step(self, scenario: Scenario, total_rate: float, duration: float) -> dict | None:
        config = {
            "kind": self.kind,
            "ports": self.servers.ports,
            "rooms": self.fixtures[scenario.key],
            "members": scenario.members,
            "rate_per_room": total_rate / scenario.rooms,
            "duration": duration,
            "last_seq": self.last_seq[scenario.key],
        }
        path = RUN_DIR / f"load-{self.kind}.json"
        path.write_text(json.dumps(config))
        timeout = WARMUP + duration + DRAIN + 120
        try:
            done = subprocess.run(  # noqa: S603 - this file, no shell
                [sys.executable, __file__, "--load", str(path)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            say(f"{self.label}: a load run took longer than {timeout:.0f} s")
            self.servers.wait_idle()
            return None
        self.servers.wait_idle()  # a failed step leaves a backlog: the next step must not pay for it
        line = next((ln for ln in reversed(done.stdout.splitlines()) if ln.startswith("{")), None)
        if line is None:
            say(f"{self.label}: the load run printed no result: {done.stderr.strip()[-800:]}")
            return None
        result = json.loads(line)
        self.last_seq[scenario.key] = result["target_counters"].pop("last_seq")
        return result


def measure(bench_step, name: str, scenario: Scenario, start: float) -> dict:
    latency = bench_step(scenario.rate, LATENCY_SECONDS)
    say(f"{name}, {scenario.name} at {scenario.rate:g} msg/s: {describe(latency)}")
    return {"latency": latency, **knee(f"{name}, {scenario.name}", lambda r: bench_step(r, STEP), start)}


# --- helle and the bare baseline ------------------------------------------------------------------


def link_models(data_dir: Path) -> str:
    """The trained safety models the safety part uses (trained now if missing), seen by the site."""
    from django.conf import settings

    from bench import safety_pipeline

    active = safety_pipeline.ensure_models()
    (data_dir / "models").symlink_to(Path(settings.DATA_DIR) / "models")
    return ", ".join(f"{task} {model.version}" for task, model in sorted(active.items())) or "none"


def make_site(backend: str, scenarios: list[Scenario]) -> tuple[dict, dict, str]:
    """A new helle site for `backend`: its environment, the fixtures, the models it uses."""
    data_dir = RUN_DIR / backend
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    models = link_models(data_dir)
    env = forum.helle_environment(data_dir, POSTGRES_URL if backend == "postgres" else "")
    env.pop("WEB_CONCURRENCY", None)
    if backend == "postgres":
        forum.reset_postgres(POSTGRES_URL)
        env.update(REDIS_URL=REDIS_URL, HELLE_REDIS_PREFIX="helle-bench-chat")
    say(f"helle {backend}: migrating a new database ...")
    forum.manage(env, "migrate", "--noinput")
    wanted = [[s.members, s.rooms] for s in scenarios] + [[2, 1]]  # the last: the idle sockets' room
    say(f"helle {backend}: making {sum(m * r for m, r in wanted)} participants through the chat services ...")
    done = subprocess.run(  # noqa: S603 - this file, no shell
        [sys.executable, __file__, "--setup", json.dumps(wanted)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the chat set-up failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    made = json.loads(done.stdout.strip().splitlines()[-1])
    fixtures = {s.key: rooms for s, rooms in zip(scenarios, made, strict=False)}
    fixtures["idle"] = made[-1]
    return env, fixtures, models


def bare_environment(backend: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BARE_CHAT", "DJANGO", "PYTEST"))}
    if backend == "postgres":
        env.update(BARE_CHAT_POSTGRES=POSTGRES_URL, BARE_CHAT_REDIS=REDIS_URL)
    else:
        env["BARE_CHAT_DB"] = str(RUN_DIR / backend / "bare.sqlite3")
    return env


def bench_backend(backend: str, scenarios: list[Scenario], synapse: dict) -> dict:
    """helle, then the bare baseline, on one stack; helle's idle sockets on the embedded one."""
    processes = 2 if backend == "postgres" else 1
    env, fixtures, models = make_site(backend, scenarios)
    found: dict = {"helle": {}, "bare": {}, "models": models}
    servers = Servers("config.asgi:application", env, processes, f"helle-{backend}")
    try:
        bench = SocketBench("helle", f"helle {backend}", servers, fixtures)
        for s in scenarios:
            start = (
                10 * synapse[s.key]["knee"] if synapse.get(s.key, {}).get("knee") else 10 * s.synapse_start
            )
            found["helle"][s.key] = measure(
                lambda r, d, s=s: bench.step(s, r, d), f"helle {backend}", s, start
            )
    finally:
        servers.stop()
    if backend == "embedded":
        found["idle"] = idle_connections(env, fixtures["idle"][0])
    servers = Servers("bare_chat:app", bare_environment(backend), processes, f"bare-{backend}", app_dir=HERE)
    try:
        bench = SocketBench("bare", f"bare {backend}", servers, fixtures)  # same room numbers, own table
        for s in scenarios:
            start = max(2 * found["helle"][s.key]["knee"], s.synapse_start)
            found["bare"][s.key] = measure(lambda r, d, s=s: bench.step(s, r, d), f"bare {backend}", s, start)
    finally:
        servers.stop()
    return found


def idle_connections(env: dict[str, str], room: dict) -> dict:
    """A fresh helle process (embedded), warmed by one conversation; RSS before, IDLE idle sockets
    opened, RSS after; then one message to all of them: those that get it are held."""
    servers = Servers("config.asgi:application", env, 1, "helle-idle")
    try:
        pid, port = servers.pids[0], servers.ports[0]
        path = RUN_DIR / "idle.json"
        path.write_text(json.dumps({"port": port, "room": room, "count": 10, "last_seq": 0}))
        subprocess.run(  # noqa: S603 - this file, no shell; ten sockets to warm the server up
            [sys.executable, __file__, "--idle", str(path)],
            input="\n",
            capture_output=True,
            text=True,
            check=True,
        )
        servers.wait_idle()
        before = rss_kib(pid)
        path.write_text(json.dumps({"port": port, "room": room, "count": IDLE, "last_seq": 1}))
        say(f"idle sockets: opening {IDLE} to one helle process (RSS {before / 1024:.0f} MiB) ...")
        with subprocess.Popen(  # noqa: S603 - this file, no shell
            [sys.executable, __file__, "--idle", str(path)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        ) as load:
            opened = json.loads(load.stdout.readline())
            time.sleep(2)  # let the server settle before reading its memory
            servers.wait_idle()
            after = rss_kib(pid)
            load.stdin.write("\n")
            load.stdin.flush()
            received = json.loads(load.stdout.readline())["received"]
        result = {
            "asked": IDLE,
            "opened": opened["opened"],
            "open_seconds": opened["seconds"],
            "held": received,
            "rss_before_mib": before / 1024,
            "rss_after_mib": after / 1024,
            "kib_each": (after - before) / max(opened["opened"], 1),
        }
        say(
            f"idle sockets: {opened['opened']} open in {opened['seconds']} s, {received} got the message; "
            f"RSS {before / 1024:.0f} -> {after / 1024:.0f} MiB ({result['kib_each']:.1f} KiB each)"
        )
        return result
    finally:
        servers.stop()


# --- Synapse, with the anchor harness -------------------------------------------------------------


def anchor_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    return {**env, "SYNAPSE_ANCHOR_RUN": str(ANCHOR_RUN)}


def anchor_script(name: str) -> str:
    with (RUN_DIR / f"synapse-{name.removesuffix('.sh')}.log").open("w") as log:
        done = subprocess.run(  # noqa: S603 - the anchor's own script
            [str(ANCHOR / name)],
            cwd=ANCHOR,
            env=anchor_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    text = (RUN_DIR / f"synapse-{name.removesuffix('.sh')}.log").read_text()
    if done.returncode != 0:
        raise RuntimeError(f"the anchor's {name} failed:\n{text[-2000:]}")
    return text


def bench_synapse(scenarios: list[Scenario]) -> dict:
    """Synapse as the harness runs it (SQLite, one process), measured with the same steps."""
    if not (ANCHOR / "bench.py").exists():
        return {"skipped": f"no harness at {ANCHOR}"}
    ANCHOR_RUN.mkdir(parents=True, exist_ok=True)
    say(
        f"Synapse: ./setup.sh (the first time it installs Synapse, a few minutes; run files in "
        f"{ANCHOR_RUN}) ..."
    )
    anchor_script("setup.sh")
    python = ANCHOR_RUN / "venv" / "bin" / "python"
    version = subprocess.run(  # noqa: S603 - the anchor's venv
        [str(python), "-c", "import synapse; print(synapse.__version__.split()[0])"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    anchor_script("start.sh")
    pid = int((ANCHOR_RUN / "synapse.pid").read_text())

    def step(scenario: Scenario, total_rate: float, duration: float) -> dict | None:
        command = [str(python), str(ANCHOR / "bench.py"), "--members", str(scenario.members)]
        command += ["--rooms", str(scenario.rooms), "--rate", f"{total_rate / scenario.rooms:.4f}"]
        command += ["--duration", str(duration), "--warmup", str(WARMUP), "--drain", str(DRAIN), "--quiet"]
        try:
            done = subprocess.run(  # noqa: S603 - the anchor's bench.py
                command,
                cwd=ANCHOR,
                env=anchor_env(),
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None
        finally:
            forum.wait_idle(pid)
        line = next((ln for ln in reversed(done.stdout.splitlines()) if ln.startswith("{")), None)
        return json.loads(line) if line else None

    found: dict = {"version": version}
    try:
        for s in scenarios:
            found[s.key] = measure(lambda r, d, s=s: step(s, r, d), "Synapse", s, s.synapse_start)
    finally:
        anchor_script("stop.sh")
    return found


# --- The section ------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def latency_cells(result: dict | None) -> str:
    if not result or not result["latency_ms"]["n"]:
        return "– | – | – | –"
    lat = result["latency_ms"]
    lost = result["expected_deliveries"] - result["delivered"] + result["send_errors"]
    return f"{lat['p50']:.1f} | {lat['p95']:.1f} | {lat['p99']:.1f} | {lost}"


def knee_cells(found: dict) -> str:
    fail = f"{found['first_fail']:g}" if found.get("first_fail") else f"none ≤ {MAX_RATE:,.0f}"
    p99 = f"{found['p99_at_knee']:.0f}" if found.get("p99_at_knee") is not None else "–"
    return f"**{found['knee']:g}** | {p99} | {fail}"


def target_rows(scenarios: list[Scenario], backends: dict, synapse: dict) -> tuple[list[str], list[str]]:
    rows, missed = [], []
    for label, backend in (("embedded", "embedded"), ("PostgreSQL+Redis", "postgres")):
        if backend not in backends:
            continue
        for s in scenarios:
            ours, bare = backends[backend]["helle"][s.key], backends[backend]["bare"][s.key]
            theirs = synapse.get(s.key)
            cells = []
            p99 = ours["latency"]["latency_ms"]["p99"] if ours["latency"] else None
            if theirs and theirs["latency"] and p99 is not None:
                share = p99 / theirs["latency"]["latency_ms"]["p99"]
                cells.append(f"{share:.2f}× ({verdict(share <= TARGET_P99_SHARE)})")
                if share > TARGET_P99_SHARE:
                    missed.append(f"p99 {s.name} on {label}: {share:.2f}× Synapse's, target ≤ 0.5×")
            else:
                cells.append("not measured")
            if theirs and theirs["knee"]:
                times = ours["knee"] / theirs["knee"]
                cells.append(f"{times:.1f}× ({verdict(times >= TARGET_RATE_X_SYNAPSE)})")
                if times < TARGET_RATE_X_SYNAPSE:
                    missed.append(
                        f"rate {s.name} on {label}: {times:.1f}× Synapse's, target ≥ 10× "
                        f"(short by {TARGET_RATE_X_SYNAPSE * theirs['knee'] - ours['knee']:.0f} msg/s)"
                    )
            else:
                cells.append("not measured")
            share = ours["knee"] / bare["knee"] if bare["knee"] else 0.0
            cells.append(f"{share:.2f}× ({verdict(share >= TARGET_RATE_SHARE_BARE)})")
            if share < TARGET_RATE_SHARE_BARE:
                missed.append(f"rate {s.name} on {label}: {share:.2f}× the bare baseline's, target ≥ 0.5×")
            rows.append(f"| {s.name} | helle, {label} | " + " | ".join(cells) + " |")
    return rows, missed


def section(
    scenarios: list[Scenario], backends: dict, synapse: dict, *, software: list[str], notes: dict
) -> str:
    servers = [("Synapse (SQLite, 1 process)", synapse)] if "skipped" not in synapse else []
    for backend, label in (("embedded", "SQLite, 1 process"), ("postgres", "PostgreSQL+Redis, 2 processes")):
        if backend in backends:
            servers += [
                (f"helle ({label})", backends[backend]["helle"]),
                (f"bare baseline ({label})", backends[backend]["bare"]),
            ]
    table = []
    for s in scenarios:
        for name, found in servers:
            if s.key in found:
                table.append(
                    f"| {s.name} | {name} | {s.rate:g} | {latency_cells(found[s.key]['latency'])} "
                    f"| {knee_cells(found[s.key])} |"
                )
    rows, missed = target_rows(scenarios, backends, synapse)
    idle = backends.get("embedded", {}).get("idle")
    lines = [
        "## Chat: send→receive latency and the sustained rate, against Synapse",
        "",
        "One member of each room writes, the others read: one 1:1 conversation, 20 parallel 1:1 "
        "conversations, a 10-member and a 50-member group chat. Latency is a receiver's receive time minus "
        "the message's scheduled send time (one load process, one clock), over every (message, receiver) "
        f"pair, at the fixed rate shown, the same for every server ({LATENCY_SECONDS:g} s after a "
        f"{WARMUP:g} s warm-up). The knee is the highest total rate at which a {STEP:g} s step delivered "
        f"every message to every reader within {DRAIN:g} s of the last send, p99 ≤ {P99_LIMIT_MS / 1000:g} s "
        f"and ≥ {MIN_ACHIEVED:.0%} of the rate achieved (the harness's knee.sh rule); steps double or halve "
        f"from a start until the verdict flips, then {REFINE} bisections: the real knee lies between the "
        "knee "
        "and the first failing rate. Every server is driven by the measurement code of "
        "../shared/anchors/synapse/bench.py (`run()`): Synapse through its Matrix adapter (HTTP, /sync "
        "long-polls), helle and the bare baseline through a WebSocket adapter in bench/chat.py (one socket "
        "per "
        "member, no compression). Servers, databases, Redis and the load share this machine's 2 cores.",
        "",
        "helle runs as deployed (uvicorn, HELLE_DEBUG=0) on a new site: the young person writes in a 1:1 "
        "conversation (the counsellor reads), the host in a group chat; each message goes through "
        f"`post_message` with the whole safety pipeline and the trained classifiers ({notes['models']}). "
        "With PostgreSQL + Redis the two processes listen on two ports and the members of each room "
        "alternate "
        "between them, so every message crosses processes through Redis. The bare baseline "
        "(bench/bare_chat.py) numbers and stores each message in the same database (SQLite; PostgreSQL with "
        "Redis pub/sub between its 2 processes), acknowledges it and fans it out, with no log-in, policy or "
        "safety: the ceiling of this stack here.",
        "",
        "| scenario | server | rate msg/s | p50 ms | p95 ms | p99 ms | lost | knee msg/s | p99 at knee ms "
        "| first failing msg/s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *table,
        "",
    ]
    if "skipped" in synapse:
        lines += [f"Synapse was not measured: {synapse['skipped']}.", ""]
    lines += [
        "Targets (the chat benchmark issue), in every scenario: p99 at most half of Synapse's, a sustained "
        "rate at least 10× Synapse's and at least half of the bare baseline's on the same stack; at least "
        f"{TARGET_IDLE:,} idle connections held by one process.",
        "",
        "| scenario | helle on | p99 ÷ Synapse's (≤ 0.5×) | knee ÷ Synapse's (≥ 10×) "
        "| knee ÷ bare baseline's (≥ 0.5×) |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
    ]
    if idle:
        lines += [
            f"Idle connections: one helle process (embedded) was asked for {idle['asked']:,} authenticated "
            "sockets "
            f"(hello said, ready received); {idle['opened']:,} opened in {idle['open_seconds']:g} s and "
            f"{idle['held']:,} of them got the one message sent afterwards. "
            f"RSS {idle['rss_before_mib']:.0f} → "
            f"{idle['rss_after_mib']:.0f} MiB: **{idle['kib_each']:.0f} KiB per connection**. Target ≥ "
            f"{TARGET_IDLE:,}: {verdict(idle['held'] >= TARGET_IDLE)}.",
            "",
        ]
    met = not missed and (idle is None or idle["held"] >= TARGET_IDLE)
    lines += ["This run meets every target." if met else "Missed in this run:", ""]
    lines += [f"- {m}" for m in missed]
    if idle and idle["held"] < TARGET_IDLE:
        lines.append(f"- idle connections: {idle['held']:,} held, target ≥ {TARGET_IDLE:,}")
    lines += [
        "",
        "Software: " + "; ".join(software) + f". The chat part took {notes['minutes']:.0f} minutes; the load "
        f"average was {notes['load'][0]:.1f} before and {notes['load'][1]:.1f} after.",
        "",
    ]
    return "\n".join(lines)


def versions() -> list[str]:
    import channels
    import django
    import uvicorn
    import websockets

    found = [
        f"helle: Django {django.get_version()}, Channels {channels.__version__}, "
        f"uvicorn {uvicorn.__version__}, "
        f"websockets {websockets.__version__} (server and load client)"
    ]
    with contextlib.suppress(Exception):
        import redis

        found.append(f"Redis {redis.Redis.from_url(REDIS_URL).info()['redis_version']}")
    return found


def run() -> str:
    started, load_before = time.monotonic(), os.getloadavg()[0]
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    scenarios = chosen_scenarios()
    synapse = (
        bench_synapse(scenarios)
        if os.environ.get("HELLE_BENCH_CHAT_SYNAPSE", "1") != "0"
        else {"skipped": "HELLE_BENCH_CHAT_SYNAPSE=0"}
    )
    backends = {"embedded": bench_backend("embedded", scenarios, synapse)}
    software = versions()
    if os.environ.get("HELLE_BENCH_CHAT_POSTGRES", "1") != "0":
        software.append(f"PostgreSQL {forum.reset_postgres(POSTGRES_URL)}")
        backends["postgres"] = bench_backend("postgres", scenarios, synapse)
    if "version" in synapse:
        software.append(f"Synapse {synapse['version']} (the harness's config: SQLite, one process)")
    notes = {
        "models": backends["embedded"]["models"],
        "minutes": (time.monotonic() - started) / 60,
        "load": (load_before, os.getloadavg()[0]),
    }
    return section(scenarios, backends, synapse, software=software, notes=notes)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load"]:
        load_main(sys.argv[2])
    elif sys.argv[1:2] == ["--idle"]:
        idle_main(sys.argv[2])
    elif sys.argv[1:2] == ["--setup"]:
        print(json.dumps(setup_site(json.loads(sys.argv[2]))))
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        forum._django()
        print("chat, against Synapse ...", flush=True)
        print(run())
