"""ASGI entry point: production serves websockets (/ws/) through uvicorn from here.

HTTP is routed too, so `make run` can serve both on one port, but production sends HTTP to
gunicorn (WSGI): sync Django views pay about 2x under ASGI (bench/http_wsgi_vs_asgi.sh).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from apps.core.websocket import (  # noqa: E402
    OriginValidator,
    SessionTokenAuthMiddleware,
    TicketAuthMiddleware,
)
from apps.groups.routing import websocket_urlpatterns as groups_routes  # noqa: E402
from apps.notifications.routing import websocket_urlpatterns as notification_routes  # noqa: E402

websocket_urlpatterns = [*notification_routes, *groups_routes]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OriginValidator(
            AuthMiddlewareStack(
                SessionTokenAuthMiddleware(TicketAuthMiddleware(URLRouter(websocket_urlpatterns)))
            )
        ),
    }
)
