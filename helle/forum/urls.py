from django.urls import path

from helle.forum import views

app_name = "forum"

urlpatterns = [
    path("forum/", views.index, name="index"),
    path("forum/search/", views.search_page, name="search"),
    path("forum/waiting/", views.waiting, name="waiting"),
    path("forum/notifications/", views.notifications, name="notifications"),
    path("forum/bookmarks/", views.bookmarks, name="bookmarks"),
    path("forum/leave/", views.leave, name="leave"),
    path("forum/draft/", views.save_draft, name="draft"),
    path("forum/thread/<int:pk>/", views.thread, name="thread"),
    path("forum/thread/<int:pk>/reply/", views.reply, name="reply"),
    path("forum/thread/<int:pk>/follow/", views.follow, name="follow"),
    path("forum/thread/<int:pk>/moderate/", views.moderate_thread, name="moderate_thread"),
    path("forum/post/<int:pk>/edit/", views.edit, name="edit"),
    path("forum/post/<int:pk>/delete/", views.delete, name="delete"),
    path("forum/post/<int:pk>/react/<str:kind>/", views.react, name="react"),
    path("forum/post/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("forum/post/<int:pk>/warning/", views.set_warning, name="warning"),
    path("forum/post/<int:pk>/bookmark/", views.bookmark, name="bookmark"),
    path("forum/post/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("staff/forum/", views.categories, name="categories"),
    path("staff/forum/new/", views.category_edit, name="category_new"),
    path("staff/forum/<int:pk>/", views.category_edit, name="category_edit"),
    path("forum/<slug:slug>/", views.category, name="category"),
    path("forum/<slug:slug>/new/", views.new_thread, name="new_thread"),
    path("forum/<slug:slug>/prompt/", views.new_prompt, name="new_prompt"),
]
