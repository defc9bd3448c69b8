from django.urls import path

from helle.chat.consumers import ChatConsumer
from helle.core.consumers import MemberEventsConsumer

websocket_urlpatterns = [
    path("ws/events/", MemberEventsConsumer.as_asgi()),
    path("ws/chat/<int:pk>/", ChatConsumer.as_asgi()),
]
