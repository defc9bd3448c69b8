"""How fast is a forum thread page? Requests per second and latency, against Misago.

Target (the forum issue): for a logged-in reader, at least 4× Misago's requests per second for
a thread page of 20 posts, and at least 30 requests per second for a page of 200 posts, on this
machine, with 2 server processes and the load from a second process on 127.0.0.1.

helle is measured twice, on the embedded default (SQLite) and on PostgreSQL, each in a new
database that is seeded here: 8 posters and one reader (all 16-17), one section, a thread of
20 posts and one of 200. It runs as it is deployed: `manage.py serve` (uvicorn, WEB_CONCURRENCY
2), HELLE_DEBUG=0 and collected static files. The 200-post page is served with
HELLE_FORUM_POSTS_PER_PAGE=200, so all its posts are on one page (the Misago harness sets its
posts_per_page to 200 for the same reason).

Misago (a mature Django forum, from PyPI) is measured in the same run with the harness in
../shared/anchors/misago/ (its setup.sh, seed, serve.sh and stop.sh: gunicorn, 2 sync workers,
PostgreSQL). That folder exists on the project's benchmark machine only; elsewhere the Misago
part is skipped and says why. Both apps are loaded by the same code here, with the anchor's
method (its bench.sh): per page a sanity request, a 3 s warm-up, wait until the servers are
idle, 5 single requests (the unloaded time), then 3 runs of `wrk -t2 -c16 -d20s --timeout 60s`,
waiting for idle after each; the median run counts.

Knobs (environment): HELLE_BENCH_DURATION (20s), HELLE_BENCH_RUNS (3), HELLE_BENCH_WARMUP (3s)
for a quick run, e.g. `HELLE_BENCH_DURATION=5s HELLE_BENCH_RUNS=1`; HELLE_BENCH_POSTGRES_URL
(postgres://postgres@127.0.0.1:5432/helle_bench: dropped and made again), HELLE_BENCH_POSTGRES=0
and HELLE_BENCH_MISAGO=0 to leave those parts out; HELLE_BENCH_MISAGO_ANCHOR (the harness,
../shared/anchors/misago) and MISAGO_ANCHOR_RUN (var/anchors/misago: its venv and results).
Without wrk (apt-get install wrk) a small Python client in a second process makes the load; it
takes more of the machine's CPU than wrk.

Run this benchmark alone with `.venv/bin/python bench/forum.py` (prints its section, about
11 minutes with the defaults); `make bench` runs every benchmark and writes docs/benchmarks.md.
"""

import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / "var" / "bench" / "forum"
ANCHOR = Path(os.environ.get("HELLE_BENCH_MISAGO_ANCHOR", ROOT.parent / "shared" / "anchors" / "misago"))
ANCHOR_RUN = Path(os.environ.get("MISAGO_ANCHOR_RUN", ROOT / "var" / "anchors" / "misago"))
POSTGRES_URL = os.environ.get("HELLE_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/helle_bench")

DURATION = os.environ.get("HELLE_BENCH_DURATION", "20s")
RUNS = int(os.environ.get("HELLE_BENCH_RUNS", "3"))
WARMUP = os.environ.get("HELLE_BENCH_WARMUP", "3s")
THREADS = 2
CONNS = 16
TIMEOUT = "60s"  # longer than the worst queueing delay, as in the anchor (a timeout makes the
# server finish abandoned requests, and throughput collapses)
WORKERS = 2
SOLO_REQUESTS = 5

# Targets on this 2-core machine (the forum issue).
TARGET_RATIO_20 = 4.0
TARGET_RPS_20 = 150.0  # about 4× what Misago 0.39 served here; used when Misago is not measured
TARGET_RPS_200 = 30.0

THREADS_SEEDED = (
    (20, "Hvordan klarer I eksamensnerverne?"),
    (200, "Hvad laver I, når I skal slappe af efter skole?"),
)
POSTERS = (
    "Solsikke",
    "Havørn",
    "Mælkebøtte",
    "Nordlys",
    "Kastanje",
    "Tusmørke",
    "Bølgebryder",
    "Hyldeblomst",
)
READER = "Læsehesten"
PASSWORD = "bench-en-lang-hemmelig-sætning"  # noqa: S105 - a throw-away account in a throw-away database


def say(text: str) -> None:
    print(f"      {text}", flush=True)


def seconds(value: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", value)
    if not match:
        raise ValueError(f"not a duration: {value!r} (write 20s, 2m, ...)")
    number, unit = float(match.group(1)), match.group(2) or "s"
    return number * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


# --- Post texts (ours) ------------------------------------------------------------------------

SENTENCES = [
    "Jeg plejer at gå en lang tur med hunden, før jeg sætter mig med lektierne.",
    "Det hjælper mig at skrive en liste over det, jeg skal nå i løbet af ugen.",
    "Min lillesøster og jeg bager boller om søndagen, og det er blevet en fast tradition.",
    "Nogle gange lytter jeg bare til en podcast om rummet og falder helt til ro.",
    "Jeg er begyndt at spille badminton to gange om ugen, og det giver mig så meget energi.",
    "Det lyder måske kedeligt, men jeg rydder op på mit værelse, når tankerne kører rundt.",
    "Vi har en læsegruppe i klassen, hvor vi hjælper hinanden med matematikken.",
    "Når jeg er nervøs, trækker jeg vejret dybt ind og tæller langsomt til fire.",
    "Jeg tegner tegneserier om min kat, og min bedste ven skriver teksten til dem.",
    "Det bedste råd, jeg har fået, er at sove ordentligt natten før en prøve.",
    "Om vinteren går jeg i svømmehallen, fordi varmen og lyden af vand får mig til at slappe af.",
    "Jeg har lært at sige til mig selv, at det er okay ikke at kunne alt på én gang.",
    "Vores lærer foreslog, at vi øver fremlæggelsen højt for en ven, og det virkede faktisk.",
    "Jeg har plantet tomater i vindueskarmen og kigger til dem hver morgen.",
    "Musik uden tekst er perfekt, når jeg skal koncentrere mig om en lang opgave.",
    "Det er rart at høre, at andre også bliver nervøse, så føler man sig mindre alene.",
    "Min morfar lærte mig at spille skak, og nu spiller vi et parti hver fredag.",
    "Jeg prøver at holde en pause fra telefonen den sidste time, før jeg går i seng.",
    "Det hjælper at dele en stor opgave op i små bidder og holde pauser ind imellem.",
    "Tak for alle de gode idéer, jeg vil prøve et par af dem i næste uge.",
]
EXTRAS = [
    "\n\n- gå en tur\n- drik et glas vand\n- skriv tre ting ned, der gik godt i dag",
    "\n\n> {s}",
    "\n\nDer er gode råd om søvn og stress på [sundhed.dk](https://www.sundhed.dk/borger/).",
    "\n\n**Kort sagt:** {s}",
    "\n\n1. lav en plan\n2. tag en ting ad gangen\n3. husk at holde fri",
    "\n\nJeg fandt også noget om at tale med nogen på [Ventilen](https://www.ventilen.dk/).",
]


def post_text(rng: random.Random) -> str:
    """300-800 characters: a few paragraphs of ordinary talk, sometimes *emphasis* or **bold**,
    and in about 60% of the posts a list, a quote or a link to a public help site."""
    target = rng.randint(300, 800)
    parts: list[str] = []
    while True:
        paragraph = " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))
        if rng.random() < 0.3:
            words = paragraph.split(" ")
            i = rng.randrange(len(words))
            words[i] = ("*{}*" if rng.random() < 0.5 else "**{}**").format(words[i])
            paragraph = " ".join(words)
        parts.append(paragraph)
        text = "\n\n".join(parts)
        if len(text) >= target - 120:
            break
    if rng.random() < 0.6:
        text += rng.choice(EXTRAS).format(s=rng.choice(SENTENCES))
    if len(text) > 800:
        text = text[:797].rsplit(" ", 1)[0] + " …"
    while len(text) < 300:
        text += "\n\n" + rng.choice(SENTENCES)
    return text


# --- Inside a bench site (a subprocess with the site's environment) ---------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seed_site() -> dict:
    """Members, a section and the two threads, through the services as members would write
    them; a logged-in session for the reader; SQL queries per page. Printed as JSON."""
    _django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from helle.forum import services
    from helle.forum.models import Post
    from helle.identity import selectors as identity_selectors
    from helle.identity import services as identity_services

    rules = identity_selectors.current_rules_version()

    def member(nickname: str):
        made, _codes = identity_services.sign_up(
            nickname=nickname, password=PASSWORD, age_band="16-17", language="da", rules_version=rules
        )
        return made

    posters = [member(n) for n in POSTERS]
    reader = member(READER)
    category = services.create_category(
        actor=None,
        name="Hverdagen",
        description="Skole, fritid og alt det andet.",
        moderation_mode="post",
    )
    rng = random.Random(20260517)  # noqa: S311 - repeatable texts, not secrets
    threads = {}
    for count, title in THREADS_SEEDED:
        opening = services.start_thread(
            author=posters[0], category=category, title=title, body=post_text(rng)
        )
        thread = opening.thread
        for _ in range(count - 1):
            services.post_reply(author=rng.choice(posters), thread=thread, body=post_text(rng))
        states = list(Post.objects.filter(thread=thread).values_list("state", flat=True))
        shown = sum(1 for s in states if s == Post.State.VISIBLE)
        if shown != count:
            raise SystemExit(f"only {shown} of {count} posts are shown (states: {sorted(set(states))})")
        threads[count] = thread

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader, backend=settings.AUTHENTICATION_BACKENDS[0])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    pages = {}
    for count, thread in threads.items():
        url = reverse("forum:thread", args=[thread.pk])
        with override_settings(FORUM_POSTS_PER_PAGE=max(count, settings.FORUM_POSTS_PER_PAGE)):
            client.get(url)  # the first visit marks the thread read; the benchmark sees later ones
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
        body = response.content.decode()
        pages[count] = {
            "url": url,
            "status": response.status_code,
            "queries": len(queries.captured_queries),
            "posts_on_page": body.count('id="post-'),
            "logged_in": f'action="{reverse("identity:logout")}"' in body,
        }
    lengths = sorted(len(b) for b in Post.objects.values_list("body", flat=True))
    return {
        "cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
        # The page shows no nickname in its header; a logged-in member has the log-out form.
        "logged_in_marker": f'action="{reverse("identity:logout")}"',
        "pages": pages,
        "post_lengths": [lengths[0], lengths[len(lengths) // 2], lengths[-1]],
        "database": connection.vendor,
    }


# --- Load: wrk, or a small Python client ------------------------------------------------------

WRK_SCRIPT = """
-- Counts responses outside 200-299 and body bytes; prints one JSON line at the end.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0; body_bytes = 0; responses = 0 end
function response(status, headers, body)
  responses = responses + 1
  body_bytes = body_bytes + #body
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local n, b, r = 0, 0, 0
  for _, t in ipairs(threads) do
    n = n + t:get("non2xx"); b = b + t:get("body_bytes"); r = r + t:get("responses")
  end
  local e = summary.errors
  io.write(string.format(
    'LOADJSON {"requests":%d,"duration_us":%d,"responses":%d,"body_bytes":%d,"non2xx":%d,' ..
    '"errors":%d,"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, r, b, n,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def load(url: str, cookie: str, duration: str, *, report: bool = True) -> dict | None:
    """One load run from a second process: wrk if installed, else the Python client."""
    if shutil.which("wrk"):
        script = RUN_DIR / "wrk_report.lua"
        script.write_text(WRK_SCRIPT)
        command = ["wrk", "-t", str(THREADS), "-c", str(CONNS), "-d", duration, "--timeout", TIMEOUT]
        command += ["--latency", "-s", str(script)] if report else []
        command += ["-H", f"Cookie: {cookie}", url] if cookie else [url]
    else:
        command = [sys.executable, __file__, "--load", url, cookie, str(seconds(duration))]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own tools
    if done.returncode != 0:
        raise RuntimeError(f"load run failed: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    if not report:
        return None
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("LOADJSON ")), None)
    if line is None:
        raise RuntimeError(f"the load run printed no result:\n{done.stdout}\n{done.stderr}")
    result = json.loads(line.removeprefix("LOADJSON "))
    return {
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "body_kb": result["body_bytes"] / max(result["responses"], 1) / 1024,
        "requests": result["requests"],
        "non2xx": result["non2xx"],
        "errors": result["errors"],
    }


def python_load(url: str, cookie: str, duration: float) -> None:
    """The Python client: CONNS keep-alive connections for `duration` seconds; prints the same
    JSON line as the wrk script."""
    parts = urllib.parse.urlsplit(url)
    request = (
        f"GET {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n"
    ).encode()
    latencies: list[float] = []
    totals = {"responses": 0, "body_bytes": 0, "non2xx": 0, "errors": 0}

    async def read_response(reader) -> tuple[int, int, bool]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        size = 0
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                chunk = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await reader.readexactly(chunk + 2)
                size += chunk
                if chunk == 0:
                    break
        else:
            size = int(headers.get("content-length", "0"))
            await reader.readexactly(size)
        return status, size, headers.get("connection", "").lower() == "close"

    async def connection(deadline: float) -> None:
        reader = writer = None
        while time.monotonic() < deadline:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
                started = time.perf_counter()
                writer.write(request)
                await writer.drain()
                status, size, close = await asyncio.wait_for(read_response(reader), seconds(TIMEOUT))
                latencies.append(time.perf_counter() - started)
                totals["responses"] += 1
                totals["body_bytes"] += size
                totals["non2xx"] += not 200 <= status <= 299
                if close:
                    writer.close()
                    writer = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                totals["errors"] += 1
                if writer is not None:
                    writer.close()
                writer = None
        if writer is not None:
            writer.close()

    async def main() -> float:
        # Like wrk: requests still open at the deadline are abandoned, not counted.
        started = time.monotonic()
        tasks = [asyncio.create_task(connection(started + duration)) for _ in range(CONNS)]
        await asyncio.wait(tasks, timeout=duration)
        elapsed = time.monotonic() - started
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return elapsed

    elapsed = asyncio.run(main())
    latencies.sort()

    def pct(p: float) -> int:
        return (
            round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e6) if latencies else 0
        )

    print(
        "LOADJSON "
        + json.dumps(
            {
                "requests": totals["responses"],
                "duration_us": round(elapsed * 1e6),
                **totals,
                "p50_us": pct(50),
                "p99_us": pct(99),
            }
        )
    )


# --- Servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return found


def cpu_ticks(pid: int) -> int:
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return total


def wait_idle(pid: int) -> None:
    """When a load run stops, up to CONNS requests are still queued in the server, which goes on
    rendering them. Wait until its processes' CPU time stops moving, so the next measurement
    does not pay for them (the anchor's bench.sh does the same)."""
    previous = -1
    for _ in range(240):
        current = cpu_ticks(pid)
        if current == previous:
            return
        previous = current
        time.sleep(0.5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, cookie: str) -> tuple[int, str, float]:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=120) as response:
            body = response.read().decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read().decode("utf-8", "replace"), error.code
    return status, body, (time.perf_counter() - started) * 1000


def measure(name: str, url: str, cookie: str, server_pid: int, *, must_show: str, posts: int | None) -> dict:
    """The anchor's method for one page: sanity request, warm-up, idle, solo requests, runs."""
    status, body, _ms = fetch(url, cookie)
    if status != 200:
        raise RuntimeError(f"{name}: HTTP {status} for {url} (a logged-in reader should get 200)")
    if must_show not in body:
        raise RuntimeError(f"{name}: the page does not show {must_show!r}: not logged in?")
    shown = body.count('id="post-')
    if posts is not None and shown != posts:
        raise RuntimeError(f"{name}: {shown} posts on the page, expected {posts}")
    say(f"{name}: warm-up {WARMUP}, then {RUNS} × {DURATION} ...")
    load(url, cookie, WARMUP, report=False)
    wait_idle(server_pid)
    solo = statistics.median(fetch(url, cookie)[2] for _ in range(SOLO_REQUESTS))
    runs = []
    for _ in range(RUNS):
        runs.append(load(url, cookie, DURATION))
        wait_idle(server_pid)
    result = {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "body_kb": statistics.median(r["body_kb"] for r in runs),
        "solo_ms": solo,
        "rps_runs": [r["rps"] for r in runs],
        "non2xx": max(r["non2xx"] for r in runs),
        "errors": max(r["errors"] for r in runs),
    }
    say(
        f"{name}: {result['rps']:.1f} req/s (runs {', '.join(f'{r:.1f}' for r in result['rps_runs'])}), "
        f"p50 {result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, solo {solo:.0f} ms"
    )
    return result


def helle_environment(data_dir: Path, database_url: str, per_page: int | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "HELLE_FORUM_POSTS_PER_PAGE"}
        and not k.startswith("PYTEST")
    }
    env.update(
        HELLE_DATA_DIR=str(data_dir),
        HELLE_DEBUG="0",
        HELLE_SECRET_KEY="bench-" + "k" * 50,
        HELLE_ALLOWED_HOSTS="127.0.0.1,localhost",
        HELLE_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        WEB_CONCURRENCY=str(WORKERS),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if per_page:
        env["HELLE_FORUM_POSTS_PER_PAGE"] = str(per_page)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py, no shell
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class HelleServer:
    """`manage.py serve` with WORKERS uvicorn processes, in its own process group."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own manage.py, no shell
                [
                    sys.executable,
                    "manage.py",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(WORKERS),
                    "--no-task-worker",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 180  # a busy machine takes long to import everything twice
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"helle stopped at once:\n{log.read_text()[-3000:]}")
            try:
                if (
                    fetch(f"{self.url}/healthz", "")[0] == 200
                    and len(process_tree(self.process.pid)) > WORKERS
                ):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"helle did not answer within 180 s:\n{log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def reset_postgres(url: str) -> str:
    """Drop and make the bench database again; returns the server version."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "helle", "template0", "template1"}:
        raise RuntimeError(f"refusing to drop the database {name!r}: give the benchmark its own")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
        )
        return conn.execute("SHOW server_version").fetchone()[0]


def bench_helle(label: str, database_url: str) -> dict:
    """A new site on one database: seed it, then serve and measure both pages."""
    data_dir = RUN_DIR / f"site-{label.lower()}"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = helle_environment(data_dir, database_url)
    say(f"helle on {label}: migrating a new database ...")
    manage(env, "migrate", "--noinput")
    say(f"helle on {label}: seeding 9 members and 220 posts through the forum services ...")
    done = subprocess.run(  # noqa: S603 - this file, no shell
        [sys.executable, __file__, "--seed"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    seeded = json.loads(done.stdout.strip().splitlines()[-1])
    pages = {}
    for count in (20, 200):
        page = seeded["pages"][str(count)]
        if page["status"] != 200 or page["posts_on_page"] != count or not page["logged_in"]:
            raise RuntimeError(
                f"the {count}-post page: HTTP {page['status']}, {page['posts_on_page']} posts, "
                f"logged in: {page['logged_in']}"
            )
        per_page = count if count > 20 else None  # the 20-post page with the default page size
        server = HelleServer(
            helle_environment(data_dir, database_url, per_page),
            RUN_DIR / f"serve-{label.lower()}-{count}.log",
        )
        try:
            result = measure(
                f"helle {label} {count} posts",
                server.url + page["url"],
                seeded["cookie"],
                server.process.pid,
                must_show=seeded["logged_in_marker"],
                posts=count,
            )
        finally:
            server.stop()
        pages[count] = {**result, "queries": page["queries"]}
    return {"pages": pages, "post_lengths": seeded["post_lengths"]}


# --- Misago, with the anchor harness ------------------------------------------------------------


def anchor_env() -> dict[str, str]:
    # The scripts set ANCHOR_RUN_DIR from MISAGO_ANCHOR_RUN themselves; querycount.py needs it given.
    # Not helle's settings module (bench/run.py sets it): Misago's manage.py would pick it up.
    run_dir = str(ANCHOR_RUN)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    return {**env, "MISAGO_ANCHOR_RUN": run_dir, "ANCHOR_RUN_DIR": run_dir, "WORKERS": str(WORKERS)}


def bench_misago() -> dict:
    ANCHOR_RUN.mkdir(parents=True, exist_ok=True)
    say(
        f"Misago: ./setup.sh (idempotent; the first time it installs Misago, ~2 min; log in {ANCHOR_RUN}) ..."
    )
    with (ANCHOR_RUN / "setup.log").open("w") as log:
        done = subprocess.run(  # noqa: S603 - the anchor's own script
            [str(ANCHOR / "setup.sh")],
            cwd=ANCHOR,
            env=anchor_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the anchor's setup.sh failed:\n{(ANCHOR_RUN / 'setup.log').read_text()[-2000:]}")
    targets = dict(
        line.strip().split("=", 1)
        for line in (ANCHOR_RUN / "targets.env").read_text().splitlines()
        if "=" in line
    )
    cookie = f"{targets['SESSION_COOKIE_NAME']}={(ANCHOR_RUN / 'reader_cookie').read_text().strip()}"
    versions = dict(
        line.split(" ", 1) for line in (ANCHOR_RUN / "versions.txt").read_text().splitlines() if " " in line
    )
    queries = misago_queries()
    port = free_port()
    done = subprocess.run(  # noqa: S603 - the anchor's own script
        [str(ANCHOR / "serve.sh"), "misago", str(port)],
        cwd=ANCHOR,
        env=anchor_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the anchor's serve.sh failed:\n{done.stdout}\n{done.stderr}")
    pages = {}
    try:
        master = int((ANCHOR_RUN / "misago.pid").read_text())
        for count in (20, 200):
            url = f"http://127.0.0.1:{port}{targets[f'THREAD{count}_URL']}"
            result = measure(
                f"Misago {count} posts", url, cookie, master, must_show=targets["READER_USERNAME"], posts=None
            )
            pages[count] = {**result, "queries": queries.get(count)}
    finally:
        subprocess.run(  # noqa: S603 - the anchor's own script; stops by its PID file
            [str(ANCHOR / "stop.sh"), "misago"],
            cwd=ANCHOR,
            env=anchor_env(),
            capture_output=True,
            check=False,
        )
    return {"pages": pages, "versions": versions}


def misago_queries() -> dict[int, int]:
    """SQL queries per page for the logged-in reader (the anchor's querycount.py)."""
    done = subprocess.run(  # noqa: S603 - the anchor's own script and venv
        [str(ANCHOR_RUN / "venv" / "bin" / "python"), str(ANCHOR / "querycount.py"), "misago"],
        cwd=ANCHOR / "site",
        env=anchor_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.findall(r"t(\d+)-reader 200 (\d+) queries", done.stdout)
    return {int(n): int(q) for n, q in found}


# --- The whole benchmark ------------------------------------------------------------------------


def versions() -> str:
    import django
    import uvicorn

    wrk = "wrk " + (
        subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)  # noqa: S607
        .stdout.split()[1]
        .removeprefix("debian/")
        if shutil.which("wrk")
        else "missing (Python client)"
    )
    return f"Django {django.get_version()}, uvicorn {uvicorn.__version__}, {wrk}"


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0


def run() -> str:
    started = time.monotonic()
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    load_before = load_average()
    if load_before > 1:
        say(
            f"the load average is {load_before:.1f} before we start: something else is busy, "
            "and the figures will suffer"
        )
    parts, notes = [("SQLite", "")], []
    postgres_version = ""
    if os.environ.get("HELLE_BENCH_POSTGRES", "1") == "0":
        notes.append("PostgreSQL: left out (HELLE_BENCH_POSTGRES=0).")
    else:
        try:
            postgres_version = reset_postgres(POSTGRES_URL)
            parts.append(("PostgreSQL", POSTGRES_URL))
        except Exception as error:  # no server, no rights: say so and measure the rest
            why = " ".join(str(error).split())[:200]
            notes.append(f"PostgreSQL: not measured, {POSTGRES_URL} did not work ({why}).")
            say(notes[-1])
    misago_reason = ""
    if os.environ.get("HELLE_BENCH_MISAGO", "1") == "0":
        misago_reason = "left out (HELLE_BENCH_MISAGO=0)"
    elif not (ANCHOR / "setup.sh").exists():
        misago_reason = (
            f"the Misago harness is not here ({ANCHOR} is missing; it is on the project's machine)"
        )
    if misago_reason:
        say(f"Misago: skipped, {misago_reason}.")
    if not shutil.which("wrk"):
        say("wrk is not installed (apt-get install wrk): the Python client makes the load instead.")
    pages = 2 * len(parts) + (0 if misago_reason else 2)
    per_page = seconds(WARMUP) + RUNS * seconds(DURATION)
    say(
        f"{pages} pages × ({WARMUP} warm-up + {RUNS} × {DURATION}) and setting up: "
        f"about {pages * per_page / 60 + 2:.0f} minutes ..."
    )

    say("collecting static files (HELLE_DEBUG=0 serves them from staticfiles/) ...")
    manage(helle_environment(RUN_DIR / "site-sqlite", ""), "collectstatic", "--noinput")
    helle = {label: bench_helle(label, url) for label, url in parts}
    misago = None
    if not misago_reason:
        try:
            misago = bench_misago()
        except Exception as error:  # a broken harness must not cost us helle's figures
            print(str(error), file=sys.stderr, flush=True)
            last = str(error).strip().splitlines()[-1][:300]
            misago_reason = f"the harness failed ({last}; logs in {ANCHOR_RUN})"
            say(f"Misago: not measured, {misago_reason}")
    if misago_reason:
        notes.append(f"Misago: not measured, {misago_reason}.")
    elapsed = time.monotonic() - started
    load_after = load_average()
    say(f"the forum benchmark took {elapsed / 60:.1f} minutes")

    rows = [
        (f"helle, {label}", count, page)
        for label, found in helle.items()
        for count, page in found["pages"].items()
    ]
    if misago:
        rows += [("Misago, PostgreSQL", count, page) for count, page in misago["pages"].items()]
    with (RUN_DIR / "results.jsonl").open("a") as out:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        for app, count, page in rows:
            out.write(json.dumps({"at": stamp, "app": app, "posts": count, **page}) + "\n")

    software = [f"helle: {versions()}, {WORKERS} uvicorn processes (`manage.py serve`), HELLE_DEBUG=0"]
    if postgres_version:
        software.append(f"PostgreSQL {postgres_version}")
    if misago:
        v = misago["versions"]
        software.append(
            f"Misago {v.get('misago', '?')} (Django {v.get('django', '?')}, "
            f"gunicorn {v.get('gunicorn', '?')} with {WORKERS} sync workers)"
        )
    return section(
        rows,
        verdicts(helle, misago) + [f"- {n}" for n in notes],
        lengths=next(iter(helle.values()))["post_lengths"],
        software=software,
        minutes=elapsed / 60,
        load=(load_before, load_after),
        with_misago=misago is not None,
    )


def verdicts(helle: dict, misago: dict | None) -> list[str]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    found = []
    for label, site in helle.items():
        p20, p200 = site["pages"][20]["rps"], site["pages"][200]["rps"]
        met_200 = verdict(p200 >= TARGET_RPS_200)
        on_200 = f"{p200:.1f} req/s for 200 posts (target ≥ {TARGET_RPS_200:.0f}: {met_200})"
        if misago:
            m20, m200 = misago["pages"][20]["rps"], misago["pages"][200]["rps"]
            ratio = p20 / m20 if m20 else float("inf")
            found.append(
                f"- helle on {label}: {ratio:.1f}× Misago's requests per second for 20 posts "
                f"(target ≥ {TARGET_RATIO_20:.0f}×: {verdict(ratio >= TARGET_RATIO_20)}), "
                + (f"{p200 / m200:.1f}×" if m200 else "∞ (Misago finished none)")
                + f" for 200 posts; {on_200}."
            )
        else:
            found.append(
                f"- helle on {label}: {p20:.1f} req/s for 20 posts (no Misago to compare; about "
                f"{TARGET_RPS_20:.0f} on the project's machine: {verdict(p20 >= TARGET_RPS_20)}), {on_200}."
            )
    return found


def section(
    rows: list,
    findings: list[str],
    *,
    lengths: list[int],
    software: list[str],
    minutes: float,
    load: tuple,
    with_misago: bool,
) -> str:
    def row(app: str, count: int, page: dict) -> str:
        runs = " / ".join(f"{r:.1f}" for r in page["rps_runs"])
        queries = page["queries"] if page.get("queries") is not None else "?"
        return (
            f"| {app} | {count} | **{page['rps']:.1f}** | {runs} | "
            f"{page['p50_ms']:.0f} | {page['p99_ms']:.0f} | "
            f"{page['solo_ms']:.0f} | {page['body_kb']:.0f} | {queries} | {page['non2xx'] + page['errors']} |"
        )

    failed = [f"{app} {count}" for app, count, page in rows if page["non2xx"] or page["errors"]]
    empty = [f"{app} {count}" for app, count, page in rows if not page["rps"]]
    loader = (
        f"`wrk -t{THREADS} -c{CONNS} -d{DURATION} --timeout {TIMEOUT}`"
        if shutil.which("wrk")
        else f"a Python client with {CONNS} keep-alive connections for {DURATION} (wrk is not installed)"
    )
    return "\n".join(
        [
            "## Forum: a thread page for a logged-in reader, against Misago",
            "",
            "Thread pages of 20 and of 200 posts, all on one page, read by a logged-in member; "
            f"{WORKERS} server processes; the load from a second process on 127.0.0.1: {loader} after a "
            f"{WARMUP} warm-up, the median of {RUNS} run{'s' if RUNS != 1 else ''} (all runs listed). "
            "Server, database and load share this machine's cores: the figures are for the whole box. "
            f"p50/p99 are at {CONNS} connections, mostly time in the queue (p50 ≈ {CONNS} ÷ req/s); "
            f"solo is the median of {SOLO_REQUESTS} single requests to an idle server. "
            "helle runs on a new database each time, seeded through the forum services: 8 posters, posts "
            f"of {lengths[0]}-{lengths[2]} characters (median {lengths[1]}) with a little Markdown; "
            "the cache is the in-process one (no Redis)."
            + (
                " Misago runs in the same run from ../shared/anchors/misago/: its own seed of the same "
                "size, posts_per_page 200, PostgreSQL, a per-process cache and persistent database "
                "connections."
                if with_misago
                else ""
            ),
            "",
            "| app, database | posts | req/s | runs | p50 ms | p99 ms | solo ms | body KB "
            "| SQL queries | errors |",
            "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *(row(*r) for r in rows),
            "",
            "Targets (the forum issue): for 20 posts at least 4× Misago's requests per second in the same "
            "run; for 200 posts at least 30 requests per second.",
            "",
            *findings,
            *(
                [f"- **Errors or non-2xx responses** in {', '.join(failed)}: those figures do not count."]
                if failed
                else []
            ),
            *(
                [f"- No request finished within a run in {', '.join(empty)}: runs too short to tell."]
                if empty
                else []
            ),
            "",
            "Software: " + "; ".join(software) + f". The run took {minutes:.0f} minutes; the load average "
            f"was {load[0]:.1f} before and {load[1]:.1f} after (above 0.5 means something else was busy).",
            "",
        ]
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        print(json.dumps(seed_site()))
    elif sys.argv[1:2] == ["--load"]:
        python_load(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        print("forum thread page ...", flush=True)
        print(run())
