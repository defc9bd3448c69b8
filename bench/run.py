"""`make bench`: run every benchmark and write docs/benchmarks.md.

Benchmarks are not tests: they measure, on this machine, and write the figures down
with the machine and the date. Run them on a quiet machine.
"""

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from bench import forum, safety_pipeline  # noqa: E402


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        kib = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, as a developer runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}; commit {commit}; "
        f"reference loop {reference_loop_ms():.0f} ms"
    )


def reference_loop_ms() -> float:
    """How fast this machine runs plain Python right now: sum(range(10**7)), best of five.
    Shared machines vary from hour to hour; compare figures only with a similar value here."""
    import time

    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**7))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    sections = []
    print("1/2 safety pipeline ...", flush=True)
    sections.append(safety_pipeline.run())
    print("2/2 forum thread page, against Misago (several minutes) ...", flush=True)
    sections.append(forum.run())
    header = [
        "# Benchmarks",
        "",
        "Made by `make bench` (bench/run.py). Figures are from one run on the machine below;",
        "compare runs on the same machine only.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        "",
    ]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(header + sections) + "\n", encoding="utf-8")
    print("Wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
