from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from helle.core.events import STAFF_ALERTS_GROUP, STAFF_ALERTS_PERMISSION, member_group

UNAUTHENTICATED = 4401


class MemberEventsConsumer(AsyncJsonWebsocketConsumer):
    """One socket per open page of a logged-in member; carries events meant for them."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        self.groups_joined = [member_group(user.pk)]
        if await database_sync_to_async(user.has_perm)(STAFF_ALERTS_PERMISSION):
            self.groups_joined.append(STAFF_ALERTS_GROUP)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # The socket only carries server events; a ping keeps proxies from closing it.
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def member_event(self, message):
        await self.send_json(message["event"])
