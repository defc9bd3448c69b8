from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helle.core.forms import reject_control_characters
from helle.core.roles import ASSIGNABLE_ROLES, Role
from helle.identity import recovery, selectors
from helle.identity.models import AgeBand, Member, TrustLevel, TrustSettings
from helle.identity.nicknames import MAX_LENGTH, validate_nickname
from helle.identity.throttle import Throttle

UNDER_13 = "under-13"
AGE_CHOICES = [(UNDER_13, _("12 or younger")), *AgeBand.choices]
MAX_PASSWORD_LENGTH = 200


def _password_field(label, *, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def _throttled_message(minutes: int) -> str:
    return ngettext(
        "Too many tries. Wait %(minutes)d minute and try again. "
        "Forgot your password? Use one of your recovery codes.",
        "Too many tries. Wait %(minutes)d minutes and try again. "
        "Forgot your password? Use one of your recovery codes.",
        minutes,
    ) % {"minutes": minutes}


class NewPasswordMixin:
    """Two password fields that must match and pass Django's validators."""

    password_member: Member | None = None

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise ValidationError(_("The two passwords are not the same."), code="password_mismatch")
        if second:
            password_validation.validate_password(second, self.password_member)
        return second


class SignupForm(NewPasswordMixin, forms.Form):
    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=MAX_LENGTH * 4,
        help_text=_("Made up, not your real name. Others will see it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    new_password1 = _password_field(
        _("Password"),
        autocomplete="new-password",
        help_text=_("At least 8 characters. Not something others can guess."),
    )
    new_password2 = _password_field(_("Password again"), autocomplete="new-password")
    age_band = forms.ChoiceField(
        label=_("How old are you?"),
        choices=AGE_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("We use it to show you the right places. Nobody else sees it."),
    )
    accept_rules = forms.BooleanField(
        label=_("I have read the house rules and will follow them."),
        error_messages={"required": _("You need to accept the house rules to join.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["age_band"].error_messages["required"] = _("Please choose your age group.")

    def clean_nickname(self):
        nickname = validate_nickname(self.cleaned_data["nickname"])
        if selectors.nickname_taken(nickname):
            raise ValidationError(
                _("Someone already has this nickname, or one that looks just like it. Try another."),
                code="taken",
            )
        self.password_member = Member(nickname=nickname)
        return nickname

    @property
    def is_under_13(self) -> bool:
        return self.data.get(self.add_prefix("age_band")) == UNDER_13


class LoginForm(forms.Form):
    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=MAX_LENGTH * 4,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = _password_field(_("Password"), autocomplete="current-password")

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.member = None
        super().__init__(*args, **kwargs)

    def clean(self):
        nickname, password = self.cleaned_data.get("nickname"), self.cleaned_data.get("password")
        if not nickname or not password:
            return self.cleaned_data
        throttle = Throttle.for_attempt(self.request, nickname)
        if minutes := throttle.blocked_for_minutes():
            raise ValidationError(_throttled_message(minutes), code="throttled")
        self.member = authenticate(self.request, nickname=nickname, password=password)
        if self.member is None:
            throttle.failed()
            raise ValidationError(
                _("The nickname or the password is not right. Check both and try again."),
                code="invalid_login",
            )
        throttle.succeeded()
        return self.cleaned_data


class RecoveryResetForm(NewPasswordMixin, forms.Form):
    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=MAX_LENGTH * 4,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    code = forms.CharField(
        label=_("One of your recovery codes"),
        max_length=40,
        help_text=_("It looks like abcd-efgh-jkmn. Each code works only once."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    new_password1 = _password_field(_("New password"), autocomplete="new-password")
    new_password2 = _password_field(_("New password again"), autocomplete="new-password")

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = recovery.normalise(self.cleaned_data["code"])
        if len(code.replace("-", "")) != recovery.GROUPS * recovery.GROUP_LENGTH:
            raise ValidationError(_("A recovery code has 12 letters and digits."), code="format")
        return code

    def clean(self):
        cleaned = super().clean()
        if nickname := cleaned.get("nickname"):
            self.password_member = selectors.member_by_nickname(nickname)
            throttle = Throttle.for_attempt(self.request, nickname)
            if minutes := throttle.blocked_for_minutes():
                raise ValidationError(_throttled_message(minutes), code="throttled")
        return cleaned


class ConfirmPasswordForm(forms.Form):
    password = _password_field(
        _("Your password"), autocomplete="current-password", help_text=_("To be sure it is you.")
    )

    def __init__(self, member: Member, *args, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise ValidationError(_("That is not your password."), code="wrong_password")
        return password


class ChangePasswordForm(NewPasswordMixin, ConfirmPasswordForm):
    new_password1 = _password_field(_("New password"), autocomplete="new-password")
    new_password2 = _password_field(_("New password again"), autocomplete="new-password")

    def __init__(self, member: Member, *args, **kwargs):
        super().__init__(member, *args, **kwargs)
        self.password_member = member


class DeleteAccountForm(ConfirmPasswordForm):
    KEEP, REMOVE = "keep", "remove"
    public_posts = forms.ChoiceField(
        label=_("What should happen to what you wrote in public?"),
        choices=[
            (REMOVE, _("Remove it all")),
            (KEEP, _("Keep it, shown as written by “deleted member”, so others can still read the answers")),
        ],
        widget=forms.RadioSelect,
        initial=REMOVE,
    )

    @property
    def keep_public(self) -> bool:
        return self.cleaned_data["public_posts"] == self.KEEP


class AccountForm(forms.Form):
    age_band = forms.ChoiceField(label=_("Age group"), choices=AgeBand.choices, widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class AcceptRulesForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read the new house rules and will follow them."),
        error_messages={"required": _("You need to accept the house rules to go on.")},
    )


class TwoFactorForm(forms.Form):
    token = forms.CharField(
        label=_("The 6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        token = "".join(ch for ch in self.cleaned_data["token"] if not ch.isspace())
        if not token.isdigit() or len(token) != 6:
            raise ValidationError(_("The code has 6 digits."), code="format")
        return token


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Nickname"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role")), *[(str(r), r.label) for r in ASSIGNABLE_ROLES]],
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(str(r), r.label) for r in ASSIGNABLE_ROLES],
    )
    reason = forms.CharField(
        label=_("Why?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Written in the audit log."),
        validators=[reject_control_characters],
    )

    def selected_roles(self) -> set[Role]:
        return {Role(r) for r in self.cleaned_data["roles"]}


class TrustLevelForm(forms.Form):
    trust_level = forms.TypedChoiceField(label=_("Trust level"), choices=TrustLevel.choices, coerce=int)
    locked = forms.BooleanField(label=_("Keep this level (do not change it automatically)"), required=False)
    reason = forms.CharField(
        label=_("Why?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[reject_control_characters],
    )


class ResetTwoFactorForm(forms.Form):
    reason = forms.CharField(
        label=_("Why?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[reject_control_characters],
    )


class TrustSettingsForm(forms.ModelForm):
    class Meta:
        model = TrustSettings
        fields = [
            f"level{level}_{kind}" for level in (1, 2, 3) for kind in ("days", "visits", "contributions")
        ]

    def clean(self):
        cleaned = super().clean()
        for kind in ("days", "visits", "contributions"):
            values = [cleaned.get(f"level{level}_{kind}") for level in (1, 2, 3)]
            if None not in values and not values[0] <= values[1] <= values[2]:
                self.add_error(
                    f"level3_{kind}",
                    _("Each level must ask for at least as much as the level below it."),
                )
        return cleaned


class PublishRulesForm(forms.Form):
    change_summary = forms.CharField(
        label=_("What changed?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Members see this when they are asked to accept the new rules."),
        validators=[reject_control_characters],
    )

    def __init__(self, *args, current_texts: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current_texts = current_texts or {}
        for code, name in settings.LANGUAGES:
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("House rules (%(language)s)") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 14}),
                max_length=20000,
                required=code == settings.LANGUAGE_CODE,
                initial=current_texts.get(code, ""),
                help_text=_("Markdown: **bold**, *italic*, lists with -, headings with ##."),
                validators=[reject_control_characters],
            )

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"body_{code}", "") for code, _name in settings.LANGUAGES}
