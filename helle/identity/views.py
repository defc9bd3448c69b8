import base64
import json
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import check_for_language, get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from helle.core.http import posted
from helle.core.policies import staff_page
from helle.core.roles import ASSIGNABLE_ROLES, Role, is_staff, roles_of
from helle.identity import forms, selectors, services
from helle.identity.throttle import Throttle

NEW_CODES_SESSION_KEY = "identity:new_recovery_codes"


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_members_language(response, member):
    """After log-in, the site speaks the language the member chose, on any device."""
    if member.language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            member.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


# --- Joining, logging in and out -----------------------------------------------------------


@never_cache
def signup(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = forms.SignupForm(posted(request))
    if request.method == "POST":
        if form.is_under_13:
            # Nothing is stored: a child under 13 is pointed to help made for them.
            return render(request, "identity/under_13.html")
        if form.is_valid():
            data = form.cleaned_data
            member, codes = services.sign_up(
                nickname=data["nickname"],
                password=data["new_password2"],
                age_band=data["age_band"],
                language=get_language() or settings.LANGUAGE_CODE,
                rules_version=selectors.current_rules_version(),
            )
            login(request, member, backend="helle.identity.backends.NicknameBackend")
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect("identity:recovery_codes_new")
    rules = selectors.current_house_rules()
    return render(
        request, "identity/signup.html", {"form": form, "rules_html": selectors.house_rules_html(rules)}
    )


@never_cache
def nickname_check(request):
    """htmx: tell the writer at once whether a nickname can be used."""
    form = forms.SignupForm({"nickname": request.GET.get("nickname", "")})
    form.is_valid()
    errors = form.errors.get("nickname")
    return render(
        request,
        "identity/_nickname_check.html",
        {"errors": errors, "nickname": request.GET.get("nickname", "")},
    )


@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = forms.LoginForm(request, posted(request))
    if request.method == "POST" and form.is_valid():
        login(request, form.member)
        if is_staff(form.member):
            query = urlencode({"next": _safe_next(request, reverse("core:staff"))})
            target = f"{reverse('identity:two_factor')}?{query}"
        else:
            target = _safe_next(request, reverse("core:home"))
        return _with_members_language(redirect(target), form.member)
    return render(
        request,
        "identity/login.html",
        {
            "form": form,
            "expired": request.GET.get("expired") == "1",
            "next": _safe_next(request, ""),
        },
    )


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("You are logged out. See you soon."))
    return redirect("core:home")


@never_cache
def recovery_reset(request):
    if request.user.is_authenticated:
        return redirect("identity:change_password")
    form = forms.RecoveryResetForm(request, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        throttle = Throttle.for_attempt(request, data["nickname"])
        try:
            member = services.reset_password_with_recovery_code(
                nickname=data["nickname"], code=data["code"], new_password=data["new_password2"]
            )
        except services.RecoveryFailed:
            throttle.failed()
            form.add_error("code", _("That code does not fit this nickname, or it was used before."))
        else:
            throttle.succeeded()
            login(request, member, backend="helle.identity.backends.NicknameBackend")
            left = selectors.unused_recovery_code_count(member)
            messages.success(
                request,
                ngettext(
                    "Your new password is saved. You have %(left)d recovery code left.",
                    "Your new password is saved. You have %(left)d recovery codes left.",
                    left,
                )
                % {"left": left},
            )
            if left <= 3:
                messages.warning(request, _("You are running out of recovery codes. Make new ones now."))
            return _with_members_language(redirect("identity:account"), member)
    return render(request, "identity/recovery_reset.html", {"form": form})


# --- Recovery codes --------------------------------------------------------------------------


@never_cache
@login_required
def recovery_codes_new(request):
    codes = request.session.get(NEW_CODES_SESSION_KEY)
    if not codes:
        return redirect("identity:account")
    if request.method == "POST":
        # They have saved the codes: forget them, they are never shown again.
        del request.session[NEW_CODES_SESSION_KEY]
        return redirect(_safe_next(request, reverse("core:home")))
    return render(request, "identity/recovery_codes.html", {"codes": codes})


@never_cache
@login_required
def recovery_codes_download(request):
    codes = request.session.get(NEW_CODES_SESSION_KEY)
    if not codes:
        return redirect("identity:account")
    lines = [
        _("Recovery codes for %(nickname)s on %(site)s")
        % {"nickname": request.user.nickname, "site": settings.SITE_NAME},
        _("Each code works once. Keep them somewhere safe."),
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{settings.SITE_NAME}-recovery-codes.txt"'
    return response


@never_cache
@login_required
def recovery_codes_regenerate(request):
    form = forms.ConfirmPasswordForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        request.session[NEW_CODES_SESSION_KEY] = services.regenerate_recovery_codes(member=request.user)
        return redirect(f"{reverse('identity:recovery_codes_new')}?next={reverse('identity:account')}")
    return render(
        request,
        "identity/confirm_password.html",
        {
            "form": form,
            "title": _("Make new recovery codes"),
            "intro": _("Your old codes stop working when you make new ones."),
            "submit": _("Make new codes"),
        },
    )


# --- Account -----------------------------------------------------------------------------------


@never_cache
@login_required
def account(request):
    member = request.user
    form = forms.AccountForm(
        posted(request), initial={"age_band": member.age_band, "language": member.language or get_language()}
    )
    if request.method == "POST" and form.is_valid():
        services.update_account(member=member, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return _with_members_language(redirect("identity:account"), member)
    return render(
        request,
        "identity/account.html",
        {
            "form": form,
            "codes_left": selectors.unused_recovery_code_count(member),
            "roles": sorted(roles_of(member) - {Role.MEMBER}),
        },
    )


@never_cache
@login_required
def change_password(request):
    form = forms.ChangePasswordForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        services.change_password(member=request.user, new_password=form.cleaned_data["new_password2"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your new password is saved."))
        return redirect("identity:account")
    return render(request, "identity/change_password.html", {"form": form})


@require_POST
@login_required
def logout_everywhere(request):
    services.log_out_everywhere(member=request.user)
    logout(request)
    messages.success(request, _("You are logged out on all your devices."))
    return redirect("identity:login")


@never_cache
@login_required
def privacy(request):
    return render(request, "identity/privacy.html")


@never_cache
@login_required
def export_data(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    export = services.export_member_data(member=request.user)
    response = HttpResponse(
        json.dumps(export.data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@never_cache
@login_required
def delete_account(request):
    form = forms.DeleteAccountForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        member = request.user
        logout(request)
        services.erase_member(member=member, keep_public=form.keep_public)
        return render(request, "identity/deleted.html")
    return render(request, "identity/delete_account.html", {"form": form})


def set_language(request):
    """Switch language; a logged-in member's choice is remembered on the account too."""
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and check_for_language(language)
        and language in dict(settings.LANGUAGES)
    ):
        services.set_language(member=request.user, language=language)
    return django_set_language(request)


# --- House rules -------------------------------------------------------------------------------


def rules(request):
    current = selectors.current_house_rules()
    return render(
        request, "identity/rules.html", {"rules": current, "rules_html": selectors.house_rules_html(current)}
    )


@never_cache
@login_required
def rules_accept(request):
    current = selectors.current_house_rules()
    next_url = _safe_next(request, reverse("core:home"))
    if current is None or request.user.accepted_rules_version >= current.version:
        return redirect(next_url)
    form = forms.AcceptRulesForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.accept_house_rules(member=request.user, version=current.version)
        messages.success(request, _("Thank you. Welcome back."))
        return redirect(next_url)
    return render(
        request,
        "identity/rules_accept.html",
        {
            "form": form,
            "rules": current,
            "rules_html": selectors.house_rules_html(current),
            "next": next_url,
        },
    )


# --- Two-factor log-in for staff -------------------------------------------------------------


@never_cache
@login_required
def two_factor(request):
    member = request.user
    if not is_staff(member):
        return redirect("core:home")
    next_url = _safe_next(request, reverse("core:staff"))
    if member.is_verified():
        return redirect(next_url)
    form = forms.TwoFactorForm(posted(request))
    has_device = selectors.has_confirmed_second_factor(member)
    device = None if has_device else services.pending_totp_device(member=member)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        result = (
            services.verify_second_factor(request=request, member=member, token=token)
            if has_device
            else services.confirm_totp_device(request=request, member=member, device=device, token=token)
        )
        if result.ok:
            return redirect(next_url)
        if result.wait_seconds:
            form.add_error(
                "token",
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second, then type the newest code.",
                    "Too many wrong codes. Wait %(seconds)d seconds, then type the newest code.",
                    result.wait_seconds,
                )
                % {"seconds": result.wait_seconds},
            )
        else:
            form.add_error(
                "token", _("That code is not right, or it has run out. Codes change every 30 seconds.")
            )
    context = {"form": form, "setting_up": not has_device, "next": next_url}
    if device is not None:
        context["secret"] = _base32(device.bin_key)
        context["qr_svg"] = mark_safe(  # noqa: S308 - SVG made by segno from our own data
            segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code"))
        )
    return render(request, "identity/two_factor.html", context)


def _base32(key: bytes) -> str:
    raw = base64.b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


# --- Staff: people, roles, trust, house rules --------------------------------------------------


@staff_page("identity.manage_people")
def staff_people(request):
    form = forms.PeopleSearchForm(request.GET or None)
    query = role = ""
    if form.is_valid():
        query, role = form.cleaned_data["q"], form.cleaned_data["role"]
    page = Paginator(selectors.find_people(query, role), 50).get_page(request.GET.get("page"))
    return render(request, "staff/people.html", {"form": form, "page": page})


@staff_page("identity.manage_people")
def staff_person(request, pk: int):
    person = get_object_or_404(selectors.people(), pk=pk)
    person_roles = roles_of(person)
    roles_form = forms.RolesForm(
        prefix="roles", initial={"roles": [str(r) for r in ASSIGNABLE_ROLES if r in person_roles]}
    )
    trust_form = forms.TrustLevelForm(
        prefix="trust", initial={"trust_level": person.trust_level, "locked": person.trust_level_locked}
    )
    reset_form = forms.ResetTwoFactorForm(prefix="reset")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "roles":
            roles_form = forms.RolesForm(request.POST, prefix="roles")
            if roles_form.is_valid():
                services.set_roles(
                    actor=request.user,
                    member=person,
                    roles=roles_form.selected_roles(),
                    reason=roles_form.cleaned_data["reason"],
                )
                messages.success(request, _("The roles are saved."))
                return redirect("identity:staff_person", pk=pk)
        elif action == "trust":
            trust_form = forms.TrustLevelForm(request.POST, prefix="trust")
            if trust_form.is_valid():
                data = trust_form.cleaned_data
                services.set_trust_level(
                    actor=request.user,
                    member=person,
                    level=data["trust_level"],
                    locked=data["locked"],
                    reason=data["reason"],
                )
                messages.success(request, _("The trust level is saved."))
                return redirect("identity:staff_person", pk=pk)
        elif action == "reset_2fa":
            reset_form = forms.ResetTwoFactorForm(request.POST, prefix="reset")
            if reset_form.is_valid():
                services.reset_two_factor(
                    actor=request.user, member=person, reason=reset_form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("Two-factor log-in is reset. They set it up again at their next log-in.")
                )
                return redirect("identity:staff_person", pk=pk)
    return render(
        request,
        "staff/person.html",
        {
            "person": person,
            "person_roles": sorted(person_roles - {Role.MEMBER}),
            "roles_form": roles_form,
            "trust_form": trust_form,
            "reset_form": reset_form,
            "has_2fa": selectors.has_confirmed_second_factor(person),
        },
    )


@staff_page("identity.change_trustsettings")
def staff_trust(request):
    form = forms.TrustSettingsForm(posted(request), instance=selectors.trust_settings())
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.update_trust_settings(actor=request.user, values=values)
        messages.success(request, _("The trust levels are saved."))
        return redirect("identity:staff_trust")
    return render(request, "staff/trust.html", {"form": form})


@staff_page("identity.add_houserules")
def staff_rules(request):
    current = selectors.current_house_rules()
    texts = {code: selectors.house_rules_body(current, code) for code, _name in settings.LANGUAGES}
    form = forms.PublishRulesForm(posted(request), current_texts=texts)
    if request.method == "POST" and form.is_valid():
        rules_version = services.publish_house_rules(
            actor=request.user, texts=form.texts(), change_summary=form.cleaned_data["change_summary"]
        )
        messages.success(
            request,
            _("Version %(version)d of the house rules is published.") % {"version": rules_version.version},
        )
        return redirect("identity:staff_rules")
    return render(request, "staff/rules.html", {"form": form, "rules": current})
