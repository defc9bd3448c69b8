from django.urls import path

from helle.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("staff/", views.staff_home, name="staff"),
    path("staff/help-lines/", views.help_lines, name="staff_help_lines"),
    path("staff/help-lines/new/", views.help_line_edit, name="staff_help_line_new"),
    path("staff/help-lines/<int:pk>/", views.help_line_edit, name="staff_help_line_edit"),
    path("staff/help-lines/<int:pk>/delete/", views.help_line_delete, name="staff_help_line_delete"),
    path("staff/opening-hours/", views.opening_hours, name="staff_opening_hours"),
    path(
        "staff/opening-hours/<str:kind>/<int:pk>/delete/",
        views.opening_hours_delete,
        name="staff_opening_hours_delete",
    ),
    path("staff/audit/", views.audit_log, name="staff_audit"),
]
