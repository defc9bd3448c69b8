from datetime import time

from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from helle.core.models import ClosedDay, HelpLine, OpeningHours
from helle.core.text import has_control_characters


def reject_control_characters(value: str) -> None:
    if value and has_control_characters(value):
        raise forms.ValidationError(
            _("This contains invisible or control characters. Please remove them."),
            code="control_characters",
        )


def add_refusal(form, refused) -> None:
    """Show a service's `Refused` reasons on the form, beside the fields they are about."""
    for field, reasons in refused.errors.items():
        for reason in reasons:
            form.add_error(field if field in form.fields else None, reason)


class HelpLineForm(forms.ModelForm):
    """A help line and its description in every language helle speaks."""

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = HelpLine
        fields = ["country", "name", "phone", "sms", "website", "is_emergency", "position", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        texts = {t.language: t for t in self.instance.texts.all()} if self.instance.pk else {}
        for code, name in settings.LANGUAGES:
            text = texts.get(code)
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=code == settings.LANGUAGE_CODE,
                max_length=2000,
                initial=text.description if text else "",
                validators=[reject_control_characters],
            )
            self.fields[f"hours_{code}"] = forms.CharField(
                label=_("Opening hours (%(language)s)") % {"language": name},
                required=False,
                max_length=200,
                initial=text.hours if text else "",
                validators=[reject_control_characters],
            )
        for name in ("name", "phone", "sms"):
            self.fields[name].validators.append(reject_control_characters)

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise forms.ValidationError(_("Use the two-letter country code, for example DK."))
        return country

    def texts(self) -> dict[str, dict[str, str]]:
        return {
            code: {
                "description": self.cleaned_data.get(f"description_{code}", ""),
                "hours": self.cleaned_data.get(f"hours_{code}", ""),
            }
            for code, _name in settings.LANGUAGES
        }


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=64)
    actor = forms.IntegerField(label=_("Actor id"), required=False, min_value=1)
    target = forms.CharField(
        label=_("Target"),
        required=False,
        max_length=130,
        help_text=_("For example identity.member:42"),
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date must come before the end date."))
        return cleaned


class HelleFormRenderer(TemplatesSetting):
    """Every form field is drawn by one template: label, help, errors, then the input."""

    form_template_name = "core/forms/div.html"
    field_template_name = "core/forms/field.html"


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        widgets = {
            "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"closes": _("00:00 means at midnight.")}

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens is not None and closes is not None and closes <= opens and closes != time(0):
            self.add_error("closes", _("The closing time must be later than the opening time."))
        return cleaned


class ClosedDayForm(forms.ModelForm):
    class Meta:
        model = ClosedDay
        fields = ["date", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"note": _("For example: Christmas Eve.")}
