from django.urls import path

from helle.identity import views

app_name = "identity"

urlpatterns = [
    path("join/", views.signup, name="signup"),
    path("join/check-nickname/", views.nickname_check, name="nickname_check"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("login/recover/", views.recovery_reset, name="recovery_reset"),
    path("login/two-factor/", views.two_factor, name="two_factor"),
    path("account/", views.account, name="account"),
    path("account/password/", views.change_password, name="change_password"),
    path("account/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("account/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("account/recovery-codes/download/", views.recovery_codes_download, name="recovery_codes_download"),
    path("account/recovery-codes/new/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    path("account/privacy/", views.privacy, name="privacy"),
    path("account/privacy/export/", views.export_data, name="export"),
    path("account/privacy/delete/", views.delete_account, name="delete"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("rules/", views.rules, name="rules"),
    path("rules/accept/", views.rules_accept, name="rules_accept"),
    path("staff/people/", views.staff_people, name="staff_people"),
    path("staff/people/<int:pk>/", views.staff_person, name="staff_person"),
    path("staff/trust/", views.staff_trust, name="staff_trust"),
    path("staff/rules/", views.staff_rules, name="staff_rules"),
]
