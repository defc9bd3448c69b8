from django import forms
from django.utils.translation import gettext_lazy as _

from helle.core.forms import reject_control_characters
from helle.identity.models import AgeBand
from helle.letters.models import Publication, Snippet, Topic

LETTER_MAX = 6_000
ANSWER_MAX = 12_000


def _text_field(
    label, *, max_length: int, help_text="", rows: int = 10, required_message=""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[reject_control_characters],
        help_text=help_text,
        error_messages={"required": required_message} if required_message else {},
    )


class LetterForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("What is your letter about?"),
        queryset=Topic.objects.all(),
        empty_label=_("Choose a topic"),
        error_messages={"required": _("Choose the topic that fits best. You can pick “Something else”.")},
    )
    body = _text_field(
        _("Your letter"),
        max_length=LETTER_MAX,
        rows=12,
        help_text=_(
            "Write it the way you would say it to someone you trust. Only the counsellor who answers "
            "and their supervisor read it. Leave out your full name, phone number and address."
        ),
        required_message=_("Write your letter first – a few lines are enough."),
    )
    may_publish = forms.BooleanField(
        label=_("My letter and the answer may be published without anything that can tell who I am"),
        required=False,
        help_text=_(
            "Others with the same worries can learn from it. We change names, places, ages and "
            "other details first, and you can say no later."
        ),
    )


class FollowUpForm(forms.Form):
    body = _text_field(
        _("Your follow-up"),
        max_length=LETTER_MAX,
        rows=6,
        help_text=_("You can write back once. The same place answers you."),
        required_message=_("Write your follow-up first."),
    )


class AnswerForm(forms.Form):
    body = _text_field(_("Your answer"), max_length=ANSWER_MAX, rows=16)


class ReviewForm(forms.Form):
    body = _text_field(
        _("The answer"),
        max_length=ANSWER_MAX,
        rows=16,
        help_text=_("Change the wording here if needed; the writer of the answer sees the difference."),
    )
    comment = forms.CharField(
        label=_("Comment to the writer of the answer"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[reject_control_characters],
        help_text=_("Needed when you return the answer."),
    )


class PublicationForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["title", "question", "answer"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 10}),
            "answer": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {
            "title": _("A headline in the writer's spirit, without anything personal."),
            "question": _(
                "Change or remove names, places, ages, schools and anything else "
                "that could tell who wrote it."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.validators.append(reject_control_characters)


class PublicationReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the editor"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_control_characters],
        help_text=_("Needed when you send it back."),
    )


class SnippetForm(forms.ModelForm):
    shared = forms.BooleanField(label=_("Share it with every counsellor"), required=False)

    class Meta:
        model = Snippet
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, may_share: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_share:
            del self.fields["shared"]


def age_band_labels() -> dict[str, str]:
    return {value: str(label) for value, label in AgeBand.choices}


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "description", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "description"):
            self.fields[name].validators.append(reject_control_characters)


class QueueFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("All topics")
    )
    age_band = forms.ChoiceField(
        label=_("Age"), choices=[("", _("All ages")), *AgeBand.choices], required=False
    )


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the answers"), max_length=200, required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=_("All topics"),
        to_field_name="slug",
    )


class StatisticsForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To (not included)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] >= cleaned["until"]:
            raise forms.ValidationError(_("The first day must come before the last."))
        return cleaned
