"""The chat's WebSocket: JSON frames, described in docs/chat-protocol.md.

A client says `hello` with the last sequence number it has; the socket sends every stored
message after it, then live ones, with no gap and no duplicate: live news is held back until
the backlog is out, anything already sent is dropped, and a hole in the numbers (the channel
layer drops news for a slow socket when its buffer is full) is filled from the database.
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from helle.chat import policies, selectors, services
from helle.core.services import Refused

NOT_FOUND = 4404  # close code: no such conversation for this user (nobody learns it exists)
MAX_FRAME = 16_384  # characters; a message body is at most services.MAX_BODY
MAX_WAITING_NEWS = 1_000  # live news held back while the backlog is sent


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        self.conversation = await database_sync_to_async(self._conversation_for_user)()
        if self.conversation is None:
            await self.close(code=NOT_FOUND)
            return
        self.group = services.conversation_group(self.conversation.pk)
        self.last_sent = None  # None until the client said hello
        self.waiting_news: list[dict] = []
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    def _conversation_for_user(self):
        pk = self.scope["url_route"]["kwargs"]["pk"]
        conversation = selectors.conversation_by_pk(pk)
        if conversation is None:
            return None
        session = self.scope.get("session") or {}
        self.participant = policies.participant(self.user, session.get(policies.VISITOR_KEY), conversation)
        if self.participant is None:
            return None
        # Staff and hosts see what was written; the young see the others' words with contact details masked.
        self.sees_all = self.participant.role in (policies.COUNSELLOR, policies.OBSERVER, policies.HOST)
        self.is_group = conversation.kind == conversation.Kind.GROUP
        return conversation

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # --- Frames from the client ---

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            await self._error("binary", "Frames are JSON text.")
            return
        if len(text_data) > MAX_FRAME:
            await self._error("too_big", f"A frame can be at most {MAX_FRAME} characters.")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self._error("malformed", "The frame is not JSON.")
            return
        kind = frame.get("type") if isinstance(frame, dict) else None
        if kind == "hello":
            await self._hello(frame)
        elif kind == "send":
            await self._send_message(frame)
        elif kind == "ping":
            await self._ping()
        elif kind == "typing":
            await self._tell_others({"type": "chat.typing"})
        elif kind == "read":
            await self._read(frame)
        else:
            await self._error("unknown_type", "Unknown frame type.")

    async def _hello(self, frame: dict):
        after = frame.get("after", 0)
        if not isinstance(after, int) or after < 0:
            await self._error("bad_after", "`after` must be a whole number, 0 or more.")
            return
        self.last_sent = after
        await self._catch_up(until=None)
        waiting, self.waiting_news = self.waiting_news, []
        for news in waiting:
            await self._deliver(news)
        await self._send({"type": "ready", "last_seq": self.last_sent})

    async def _send_message(self, frame: dict):
        if self.last_sent is None:
            await self._error("hello_first", "Say hello (with the last sequence number you have) first.")
            return
        client_msg_id, body = frame.get("client_msg_id"), frame.get("body")
        if not isinstance(client_msg_id, str) or not isinstance(body, str):
            await self._error("malformed", "`client_msg_id` and `body` must be text.")
            return
        try:
            message, _created = await database_sync_to_async(services.post_message)(
                sender=self.participant,
                conversation=self.conversation,
                client_msg_id=client_msg_id,
                body=body,
            )
        except Refused as refused:
            await self._send(
                {
                    "type": "refused",
                    "client_msg_id": client_msg_id,
                    "reasons": [str(m) for ms in refused.errors.values() for m in ms],
                }
            )
            return
        # Only now, after the commit: an acknowledged message is never lost.
        await self._send({"type": "ack", "client_msg_id": client_msg_id, "seq": message.seq})

    async def _ping(self):
        """Keep-alive, and a look in the database: news of a message goes out after its commit, so
        a process that dies between the two leaves a stored message unannounced. The next ping
        (the client sends one every 25 s) delivers it."""
        if self.last_sent is not None:
            await self._catch_up(until=None)
        await self._send({"type": "pong"})

    async def _read(self, frame: dict):
        seq = frame.get("seq")
        if not isinstance(seq, int) or seq < 0:
            await self._error("bad_seq", "`seq` must be a whole number, 0 or more.")
            return
        await self._tell_others({"type": "chat.read", "seq": seq})

    async def _tell_others(self, news: dict):
        """Typing and read marks: passed on, never stored; an observer's are never passed, and a
        group chat has none (fifty "is writing" and read marks per message would drown it)."""
        if self.participant.role == policies.OBSERVER or self.is_group:
            return
        await self.channel_layer.group_send(
            self.group, {**news, "role": self.participant.role, "origin": self.channel_name}
        )

    # --- News from the channel layer ---

    async def chat_typing(self, news: dict):
        if news["origin"] != self.channel_name:
            await self._send({"type": "typing", "from": news["role"]})

    async def chat_read(self, news: dict):
        if news["origin"] != self.channel_name:
            await self._send({"type": "read", "seq": news["seq"], "from": news["role"]})

    async def chat_state(self, news: dict):
        """Taken, handed to a colleague, or ended: the page changes at once. A counsellor who
        handed the chat on (and may not follow it otherwise) is no longer in it."""
        found = await database_sync_to_async(self._conversation_for_user)()
        if found is None:
            await self.close(code=NOT_FOUND)
            return
        self.conversation = found
        await self._send({"type": "state", "state": news["state"]})

    async def chat_recheck(self, news: dict):
        """Someone left or was removed, or the room changed: whoever is no longer in it is let go."""
        found = await database_sync_to_async(self._conversation_for_user)()
        if found is None:
            await self.close(code=NOT_FOUND)

    async def chat_room(self, news: dict):
        """The host paused the room or changed slow mode."""
        await self._send(
            {"type": "room", "paused": news["paused"], "slow_mode_seconds": news["slow_mode_seconds"]}
        )

    async def chat_note(self, news: dict):
        """Staff notes changed (a note, a whisper, a transfer): staff pages draw them again."""
        if self.sees_all:
            await self._send({"type": "note"})

    async def chat_message(self, news: dict):
        if self.last_sent is None:
            if len(self.waiting_news) < MAX_WAITING_NEWS:  # beyond it, the catch-up reads them
                self.waiting_news.append(news)
            return
        await self._deliver(news)

    async def _deliver(self, news: dict):
        seq = news["seq"]
        if seq <= self.last_sent:
            return  # sent already (from the backlog, or a repeat)
        if seq > self.last_sent + 1:
            await self._catch_up(until=seq - 1)  # news was lost on the way: read the hole
        await self._send_stored(news)

    async def _catch_up(self, *, until: int | None):
        while True:
            found = await database_sync_to_async(selectors.messages_after)(
                self.conversation.pk, self.last_sent, until=until
            )
            for message in found:
                await self._send_stored(services.event_for(message))
            if len(found) < selectors.BACKLOG_LIMIT:
                return

    async def _send_stored(self, event: dict):
        by = event["role"]
        if by == policies.VISITOR:  # maybe anonymous: known by the part, not by an account
            mine = self.participant.role == policies.VISITOR
        else:
            mine = event["sender"] is not None and event["sender"] == self.participant.member_id
        if event["held"] and not (mine or self.sees_all):
            frame = {"type": "message", "seq": event["seq"], "from": by, "held": True, "at": event["at"]}
        else:
            body = (
                event["body"] if (mine or self.sees_all) or not event["shown_body"] else event["shown_body"]
            )
            frame = {
                "type": "message",
                "seq": event["seq"],
                "mine": mine,
                "from": by,
                "body": body,
                "held": event["held"],
                "at": event["at"],
            }
            if self.sees_all and event.get("crisis"):
                frame["crisis"] = True
            if self.is_group:
                frame["author"] = event["author"]
                frame["id"] = event["id"]  # for "report this message"
        await self._send(frame)
        self.last_sent = event["seq"]

    async def _send(self, frame: dict):
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def _error(self, code: str, detail: str):
        await self._send({"type": "error", "code": code, "detail": detail})
