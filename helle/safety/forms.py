import re

from django import forms
from django.utils.translation import gettext_lazy as _

from helle.core.forms import reject_control_characters
from helle.safety.models import Decision, PolicyRule, Report, Sanction, WatchedWord
from helle.safety.policy import Surface


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is wrong?"), choices=Report.Category.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything else we should know? (you can leave it empty)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_control_characters],
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    house_rule = forms.IntegerField(label=_("House rule number"), required=False, min_value=1, max_value=50)
    reason = forms.CharField(
        label=_("Why? (kept in the audit log)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_control_characters],
        help_text=_(
            "If you hide it, the writer reads this in their statement of reasons: write kindly and plainly."
        ),
    )

    def __init__(self, *args, hideable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not hideable:
            self.fields["outcome"].choices = [
                (value, label) for value, label in Decision.Outcome.choices if value != Decision.Outcome.HIDE
            ]


class SanctionForm(forms.Form):
    # Hiding content is a decision ("Hide it"), which sends its own statement of reasons.
    kind = forms.ChoiceField(
        label=_("Sanction"),
        choices=[(k, label) for k, label in Sanction.Kind.choices if k != Sanction.Kind.HIDE_CONTENT],
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label=_("For how many days"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Only for silencing and suspending. Empty: the usual length."),
    )
    house_rule = forms.IntegerField(label=_("House rule number"), required=False, min_value=1, max_value=50)
    reason = forms.CharField(
        label=_("The facts, as the member will read them"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[reject_control_characters],
        help_text=_("Write kindly and plainly. The member sees this in their statement of reasons."),
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why do you think the decision is wrong?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[reject_control_characters],
    )


class AppealDecisionForm(forms.Form):
    OVERTURN, UPHOLD = "overturn", "uphold"
    result = forms.ChoiceField(
        label=_("Result"),
        widget=forms.RadioSelect,
        choices=[(UPHOLD, _("The decision stands")), (OVERTURN, _("Reverse the decision"))],
    )
    reason = forms.CharField(
        label=_("Why? (the member reads this)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_control_characters],
    )

    @property
    def overturn(self) -> bool:
        return self.cleaned_data["result"] == self.OVERTURN


class WatchedWordForm(forms.ModelForm):
    surfaces = forms.MultipleChoiceField(
        label=_("Where (none ticked: everywhere)"),
        required=False,
        choices=Surface.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Every language")), ("da", _("Danish")), ("en", _("English"))],
    )

    class Meta:
        model = WatchedWord
        fields = ["pattern", "match_type", "language", "label", "action", "surfaces", "note", "is_active"]

    def clean_pattern(self):
        pattern = self.cleaned_data["pattern"].strip()
        reject_control_characters(pattern)
        if not pattern:
            raise forms.ValidationError(_("Write the word or pattern."))
        return pattern

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("match_type") == WatchedWord.MatchType.REGEX and cleaned.get("pattern"):
            try:
                compiled = re.compile(cleaned["pattern"])
            except re.error as error:
                self.add_error(
                    "pattern", _("This regular expression does not work: %(error)s") % {"error": error}
                )
            else:
                if compiled.search(""):
                    self.add_error(
                        "pattern", _("This pattern matches empty text, so it would match everything.")
                    )
        return cleaned


class TryItForm(forms.Form):
    text = forms.CharField(label=_("Sample text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    surface = forms.ChoiceField(
        label=_("Where is it written?"), choices=Surface.choices, initial=Surface.FORUM
    )
    trust_level = forms.TypedChoiceField(
        label=_("Writer's trust level"),
        coerce=int,
        initial=0,
        choices=[(0, "0"), (1, "1"), (2, "2"), (3, "3")],
    )


class PolicyRuleForm(forms.ModelForm):
    class Meta:
        model = PolicyRule
        fields = ["surface", "label", "kind", "max_trust_level", "min_score", "action"]

    def clean_max_trust_level(self):
        value = self.cleaned_data["max_trust_level"]
        if value > 3:
            raise forms.ValidationError(_("Trust levels go from 0 to 3."))
        return value

    def clean_min_score(self):
        value = self.cleaned_data["min_score"]
        if not 0 <= value <= 1:
            raise forms.ValidationError(_("A score is between 0 and 1."))
        return value
