import json

from channels.generic.websocket import AsyncWebsocketConsumer

from apps.core import metrics as core_metrics
from apps.notifications import realtime


class NotificationsConsumer(AsyncWebsocketConsumer):
    """A signed-in user's live stream of in-app events."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            core_metrics.websocket_refused("notifications")
            await self.close(code=realtime.CLOSE_UNAUTHENTICATED)
            return
        self.group = realtime.user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        core_metrics.websocket_opened("notifications")

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            core_metrics.websocket_closed("notifications")

    async def receive(self, text_data=None, bytes_data=None):
        try:
            frame = json.loads(text_data or "")
        except ValueError:
            await self.close(code=realtime.CLOSE_BAD_FRAME)
            return
        if not isinstance(frame, dict) or frame.get("type") != "ping":
            await self.close(code=realtime.CLOSE_BAD_FRAME)
            return
        await self.send(text_data=json.dumps({"type": "pong"}))

    async def relay(self, message):
        await self.send(text_data=json.dumps(message["event"]))
