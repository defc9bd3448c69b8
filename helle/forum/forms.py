from django import forms
from django.utils.translation import gettext_lazy as _

from helle.core.forms import reject_control_characters
from helle.core.roles import Role
from helle.forum.models import Category, ContentWarning, Reaction
from helle.identity.models import AgeBand

BODY_MAX = 10_000

REACTION_CHOICES = Reaction.Kind.choices
_WARNING_CHOICES = [("", _("No warning")), *ContentWarning.choices]


def _body_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "data-draft": "body"}),
        validators=[reject_control_characters],
        help_text=_(
            "You can write *italic*, **bold**, lists and links. "
            "Never write your name, phone number or where you live."
        ),
    )


def _warning_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Content warning"),
        choices=_WARNING_CHOICES,
        required=False,
        help_text=_(
            "If you write about something that can be hard to read, "
            "others see the warning first and choose whether to open it."
        ),
    )


class ThreadForm(forms.Form):
    title = forms.CharField(
        label=_("Heading"),
        max_length=140,
        validators=[reject_control_characters],
        widget=forms.TextInput(attrs={"data-draft": "title"}),
        help_text=_("A short sentence that says what it is about."),
    )
    body = _body_field(_("What is on your mind?"))
    content_warning = _warning_field()


class PromptForm(ThreadForm):
    publish_at = forms.DateTimeField(
        label=_("Show it from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: at once."),
    )
    featured = forms.BooleanField(label=_("Show it on the front page"), required=False, initial=True)


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))
    content_warning = _warning_field()


class EditForm(forms.Form):
    body = _body_field(_("Text"))
    content_warning = _warning_field()


class WarningForm(forms.Form):
    warning = forms.ChoiceField(label=_("Content warning"), choices=_WARNING_CHOICES, required=False)


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What should happen?"),
        choices=[
            ("hold", _("Hold it until a moderator has looked at it")),
            ("hide", _("Hide it")),
            ("show", _("Show it")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why? (kept in the audit log)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_control_characters],
        help_text=_(
            "If it is hidden, the writer reads this in their statement of reasons: write kindly and plainly."
        ),
    )


class ThreadModerateForm(forms.Form):
    locked = forms.BooleanField(label=_("Closed for replies"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    reason = forms.CharField(
        label=_("Why? (kept in the audit log)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_control_characters],
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(pk__in=[c.pk for c in categories])


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the forum"), max_length=200, required=False)


class CategoryForm(forms.ModelForm):
    age_bands = forms.MultipleChoiceField(
        label=_("Age groups that may read and write"),
        choices=AgeBand.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: open to everybody."),
    )
    peer_advisers = forms.ModelMultipleChoiceField(
        label=_("Peer advisers who moderate here"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Category
        fields = ["name", "description", "age_bands", "moderation_mode", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["peer_advisers"].queryset = (
            get_user_model().objects.filter(groups__name=str(Role.PEER_ADVISER)).order_by("nickname")
        )
        if self.instance.pk:
            self.fields["peer_advisers"].initial = list(self.instance.peer_advisers.all())
