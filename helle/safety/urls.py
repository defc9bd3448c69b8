from django.urls import path

from helle.safety import views

app_name = "safety"

urlpatterns = [
    path("report/<str:target_type>/<str:target_id>/", views.report, name="report"),
    path("account/decisions/", views.my_decisions, name="my_decisions"),
    path("account/decisions/<int:pk>/", views.statement, name="statement"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/<int:pk>/", views.review, name="review"),
    path("staff/appeals/", views.appeals, name="appeals"),
    path("staff/appeals/<int:pk>/", views.appeal_decide, name="appeal_decide"),
    path("staff/watched-words/", views.watched_words, name="watched_words"),
    path("staff/watched-words/<int:pk>/", views.watched_word_edit, name="watched_word_edit"),
    path("staff/safety-policy/", views.policy, name="policy"),
]
