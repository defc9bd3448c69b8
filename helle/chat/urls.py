from django.urls import path

from helle.chat import views

app_name = "chat"

urlpatterns = [
    path("chat/", views.start, name="start"),
    path("chat/room/", views.room, name="room"),
    path("chat/letter/", views.to_letter, name="to_letter"),
    path("chat/<int:pk>/", views.conversation, name="conversation"),
    path("chat/<int:pk>/status/", views.status, name="status"),
    path("chat/<int:pk>/leave/", views.leave, name="leave"),
    path("chat/<int:pk>/end/", views.end, name="end"),
    path("chat/<int:pk>/survey/", views.survey, name="survey"),
    path("counselling/", views.console, name="console"),
    path("counselling/queue/", views.console_queue, name="console_queue"),
    path("counselling/availability/", views.availability, name="availability"),
    path("counselling/take/", views.take_next, name="take_next"),
    path("counselling/all/", views.overview, name="overview"),
    path("counselling/<int:pk>/", views.observe, name="observe"),
    path("counselling/<int:pk>/record/", views.record, name="record"),
    path("counselling/<int:pk>/notes/", views.notes, name="notes"),
    path("counselling/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("counselling/<int:pk>/take-over/", views.take_over, name="take_over"),
]
