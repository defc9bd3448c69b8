import os
import subprocess
import sys

import uvicorn
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve helle over HTTP and WebSockets (uvicorn) with a task worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "1")),
            help="ASGI processes (use PostgreSQL and Redis for more than one).",
        )
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Do not start a task worker (run `manage.py db_worker` elsewhere).",
        )

    def handle(self, *args, host, port, workers, no_task_worker, **options):
        worker = None
        if not no_task_worker:
            worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload"])
            self.stdout.write("Task worker started.")
        self.stdout.write(self.style.SUCCESS(f"helle is at http://{host}:{port}/  (Ctrl+C stops it)"))
        try:
            # No access log: it would write visitors' IP addresses to the console.
            uvicorn.run(
                "config.asgi:application",
                host=host,
                port=port,
                workers=workers,
                access_log=False,
                lifespan="off",
                log_level="warning",
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
