from django.urls import path

from helle.core.consumers import MemberEventsConsumer

websocket_urlpatterns = [
    path("ws/events/", MemberEventsConsumer.as_asgi()),
]
