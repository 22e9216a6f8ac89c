"""Bench-only ASGI app for bench/test_realtime_ws.py, never deployed: the real application
plus `/ws/live-fanout/<id>/`, a live consumer that relays EVERY accepted point to the
session's group (the plain per-point fan-out the snapshot ticker replaces), for comparison."""

import json
import os
import time

import django

if os.environ.get("BENCH_PROFILE"):  # a path prefix: SIGUSR1 writes <prefix>.<pid>
    import cProfile
    import signal

    _profile = cProfile.Profile()
    _profile.enable()
    signal.signal(
        signal.SIGUSR1,
        lambda *_: _profile.dump_stats(f"{os.environ['BENCH_PROFILE']}.{os.getpid()}"),
    )

django.setup()  # DJANGO_SETTINGS_MODULE comes from the environment (the bench fixture)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.urls import path  # noqa: E402

from apps.core.exceptions import StrideError  # noqa: E402
from apps.core.websocket import (  # noqa: E402
    OriginValidator,
    SessionTokenAuthMiddleware,
    TicketAuthMiddleware,
)
from apps.groups import realtime  # noqa: E402
from apps.groups.consumers import LiveConsumer  # noqa: E402
from config.asgi import websocket_urlpatterns  # noqa: E402


class PerPointLiveConsumer(LiveConsumer):
    """Every point goes to every socket of the session at once; no ticker."""

    async def connect(self):
        await super().connect()
        if getattr(self, "ticking", False):
            from apps.groups.consumers import TICKERS

            TICKERS.release(self.session.pk)
            self.ticking = False

    async def receive(self, text_data=None, bytes_data=None):
        frame = json.loads(text_data)
        if frame.get("type") != "point":
            return await super().receive(text_data=text_data)
        try:
            state = await self.accept_point(frame)  # the same intake as the real consumer
        except StrideError as error:
            return await self.send_error(error)
        await self.channel_layer.group_send(
            self.group,
            realtime.relay(
                "point",
                {
                    "runner": self.user.pk,
                    "position": state["shown"],
                    "distance_m": state["d"],
                    "t": time.time(),
                },
            ),
        )


application = ProtocolTypeRouter(
    {
        "http": get_asgi_application(),
        "websocket": OriginValidator(
            AuthMiddlewareStack(
                SessionTokenAuthMiddleware(
                    TicketAuthMiddleware(
                        URLRouter(
                            [
                                path(
                                    "ws/live-fanout/<int:session_id>/",
                                    PerPointLiveConsumer.as_asgi(),
                                ),
                                *websocket_urlpatterns,
                            ]
                        )
                    )
                )
            )
        ),
    }
)
