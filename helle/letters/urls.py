from django.urls import path

from helle.letters import views

app_name = "letters"

urlpatterns = [
    path("letters/", views.index, name="index"),
    path("letters/write/", views.write, name="write"),
    path("letters/draft/", views.save_draft, name="draft"),
    path("letters/mine/", views.inbox, name="inbox"),
    path("letters/archive/", views.archive, name="archive"),
    path("letters/archive/<int:pk>/", views.published, name="published"),
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("letters/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("letters/<int:pk>/helped/", views.helped, name="helped"),
    path("letters/<int:pk>/consent/", views.consent, name="consent"),
    path("answering/", views.queue, name="queue"),
    path("answering/review/", views.reviews, name="reviews"),
    path("answering/snippets/", views.snippets, name="snippets"),
    path("answering/snippets/<int:pk>/", views.snippets, name="snippet"),
    path("answering/<int:pk>/", views.staff_letter, name="staff_letter"),
    path("answering/<int:pk>/claim/", views.claim, name="claim"),
    path("answering/<int:pk>/answer/", views.answer, name="answer"),
    path("answering/<int:pk>/review/", views.review, name="review"),
    path("staff/letters/publish/", views.publications, name="publications"),
    path("staff/letters/publish/<int:pk>/", views.publication_edit, name="publication_edit"),
    path("staff/letters/publication/<int:pk>/review/", views.publication_review, name="publication_review"),
    path("staff/letters/figures/", views.statistics, name="statistics"),
    path("staff/letters/topics/", views.topics, name="topics"),
    path("staff/letters/topics/<int:pk>/", views.topics, name="topic_edit"),
]
