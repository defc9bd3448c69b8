"""Background work of the chat, for the django-tasks worker (`manage.py db_worker`)."""

from django_tasks import task

from helle.chat import services


@task()
def delete_old_chats() -> dict:
    done = services.delete_old_chats()
    return {"abandoned": done.abandoned, "transcripts": done.transcripts, "notes": done.notes}
