from django.urls import path

from apps.groups.consumers import ChatConsumer, LiveConsumer, LiveShareConsumer

websocket_urlpatterns = [
    path("ws/chat/<int:conversation_id>/", ChatConsumer.as_asgi()),
    path("ws/live/<int:session_id>/", LiveConsumer.as_asgi()),
    path("ws/live/share/<str:token>/", LiveShareConsumer.as_asgi()),
]
