"""`make bench`: run every benchmark and write docs/benchmarks.md.

Benchmarks are not tests: they measure, on this machine, and write the figures down
with the machine and the date. Run them on a quiet machine.
"""

import argparse
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

from bench import chat, forum, safety_pipeline  # noqa: E402


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


BENCHMARKS = {  # name: (what is printed while it runs, the function that returns its section)
    "safety": ("safety pipeline", safety_pipeline.run),
    "forum": ("forum thread page, against Misago (several minutes)", forum.run),
    "chat": ("chat, against Synapse (about 20 minutes)", chat.run),
}


def kept_sections(path: Path) -> dict[str, str]:
    """The sections of the last docs/benchmarks.md by their heading, to keep those not run now."""
    if not path.exists():
        return {}
    parts = ("\n" + path.read_text(encoding="utf-8")).split("\n## ")[1:]
    return {part.split("\n", 1)[0]: "## " + part.rstrip("\n") + "\n" for part in parts}


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the benchmarks and write docs/benchmarks.md.")
    parser.add_argument(
        "--only",
        choices=sorted(BENCHMARKS),
        action="append",
        help="run only these (the other parts are kept)",
    )
    only = parser.parse_args().only or list(BENCHMARKS)
    output = ROOT / "docs" / "benchmarks.md"
    # A part run alone replaces its own section; the others keep the figures of their own run.
    sections = kept_sections(output) if len(only) < len(BENCHMARKS) else {}
    for number, name in enumerate(only, 1):
        label, run = BENCHMARKS[name]
        print(f"{number}/{len(only)} {label} ...", flush=True)
        section = run()
        sections[section.split("\n", 1)[0].removeprefix("## ")] = section
    kept = [name for name in BENCHMARKS if name not in only]
    header = [
        "# Benchmarks",
        "",
        "Made by `make bench` (bench/run.py). Figures are from one run on the machine below;",
        "compare runs on the same machine only.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        + (f" ({', '.join(only)} only; {', '.join(kept)}: as measured in an earlier run)" if kept else ""),
        f"- Machine: {machine()}",
        "",
    ]
    output.write_text("\n".join(header + list(sections.values())) + "\n", encoding="utf-8")
    print("Wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
