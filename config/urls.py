from django.urls import include, path

urlpatterns = [
    path("", include("helle.core.urls")),
    path("", include("helle.identity.urls")),
    path("", include("helle.safety.urls")),
    path("", include("helle.forum.urls")),
    path("", include("helle.letters.urls")),
    path("", include("helle.chat.urls")),
]

handler403 = "helle.core.views.forbidden"
handler404 = "helle.core.views.not_found"
handler500 = "helle.core.views.server_error"
