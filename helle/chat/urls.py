from django.urls import path

from helle.chat import views

app_name = "chat"

urlpatterns = [
    path("chat/", views.start, name="start"),
    path("chat/room/", views.queue_room, name="queue_room"),
    path("chat/letter/", views.to_letter, name="to_letter"),
    path("chat/<int:pk>/", views.conversation, name="conversation"),
    path("chat/<int:pk>/status/", views.status, name="status"),
    path("chat/<int:pk>/leave/", views.leave, name="leave"),
    path("chat/<int:pk>/end/", views.end, name="end"),
    path("chat/<int:pk>/survey/", views.survey, name="survey"),
    path("chat/<int:pk>/handover.txt", views.handover, name="handover"),
    path("chat/book/", views.book, name="book"),
    path("chat/book/<int:pk>/", views.book_time, name="book_time"),
    path("chat/book/cancel/", views.cancel_booking, name="cancel_booking"),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/<int:pk>/", views.room, name="room"),
    path("rooms/<int:pk>/join/", views.join_room, name="join_room"),
    path("rooms/<int:pk>/leave/", views.leave_room, name="leave_room"),
    path("rooms/<int:pk>/lead/", views.lead_room, name="lead_room"),
    path("rooms/<int:pk>/members/<int:member_pk>/mute/", views.mute_member, name="mute_member"),
    path("rooms/<int:pk>/members/<int:member_pk>/remove/", views.remove_member, name="remove_member"),
    path("staff/rooms/", views.staff_rooms, name="staff_rooms"),
    path("staff/rooms/new/", views.staff_room, name="staff_room_new"),
    path("staff/rooms/<int:pk>/", views.staff_room, name="staff_room"),
    path("counselling/", views.console, name="console"),
    path("counselling/queue/", views.console_queue, name="console_queue"),
    path("counselling/availability/", views.availability, name="availability"),
    path("counselling/take/", views.take_next, name="take_next"),
    path("counselling/all/", views.overview, name="overview"),
    path("counselling/replies/", views.replies, name="replies"),
    path("counselling/replies/<int:pk>/", views.replies, name="reply"),
    path("counselling/times/", views.times, name="times"),
    path("counselling/times/<int:pk>/withdraw/", views.withdraw_time, name="withdraw_time"),
    path("counselling/<int:pk>/", views.observe, name="observe"),
    path("counselling/<int:pk>/record/", views.record, name="record"),
    path("counselling/<int:pk>/notes/", views.notes, name="notes"),
    path("counselling/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("counselling/<int:pk>/take-over/", views.take_over, name="take_over"),
]
