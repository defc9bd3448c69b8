"""Run every night (cron or a systemd timer; see docs/architecture.md):
`python manage.py delete_old_chats`, or `--enqueue` to hand it to the task worker."""

from django.conf import settings
from django.core.management.base import BaseCommand

from helle.chat import services, tasks


class Command(BaseCommand):
    help = (
        "Delete chat transcripts older than HELLE_CHAT_KEEP_DAYS and staff notes older than "
        "HELLE_CHAT_NOTES_KEEP_DAYS; end waiting chats whose young person left."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Hand the work to the task worker.")

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = tasks.delete_old_chats.enqueue()
            self.stdout.write(f"Enqueued as task {result.id}.")
            return
        self.stdout.write(
            f"Keeping transcripts {settings.CHAT_KEEP_DAYS} days and staff notes "
            f"{settings.CHAT_NOTES_KEEP_DAYS} days."
        )
        done = services.delete_old_chats(progress=self._progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Ended {done.abandoned} abandoned waiting chats, deleted the transcripts of "
                f"{done.transcripts} chats and {done.notes} staff notes."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  transcripts: {done}/{total}")
