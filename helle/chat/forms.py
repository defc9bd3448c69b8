from django import forms
from django.utils.translation import gettext_lazy as _

from helle.chat.models import CounsellorStatus, Topic
from helle.chat.services import MAX_BODY, MAX_CAPACITY, MAX_NOTE, MAX_SUMMARY
from helle.identity.models import AgeBand

MOOD_CHOICES = [
    (1, _("1 – really bad")),
    (2, _("2 – bad")),
    (3, _("3 – so-so")),
    (4, _("4 – good")),
    (5, _("5 – really good")),
]
HELPED_CHOICES = [
    (1, _("1 – not at all")),
    (2, _("2 – a little")),
    (3, _("3 – somewhat")),
    (4, _("4 – quite a lot")),
    (5, _("5 – a lot")),
]


def _optional_choice(choices, label, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("I'd rather not say")), *list(choices)],
        required=False,
        coerce=int,
        empty_value=None,
        help_text=help_text,
    )


class PreChatForm(forms.Form):
    """Everything here may be left out: the counsellor reads it before saying hello. A member who
    has chatted before may ask for the same counsellor and let them read the earlier notes."""

    def __init__(self, *args, earlier=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.earlier = {str(c.pk): c for c in earlier}
        if self.earlier:
            self.fields["wanted_counsellor"] = forms.ChoiceField(
                label=_("Talk to the same counsellor as before?"),
                choices=[
                    ("", _("Whoever is free first")),
                    *((k, c.nickname) for k, c in self.earlier.items()),
                ],
                required=False,
                help_text=_(
                    "If they are on duty, you wait for them – at most 10 minutes, then whoever is free."
                ),
            )
            self.fields["share_history"] = forms.BooleanField(
                label=_("The counsellor may read the notes from my earlier chats"),
                required=False,
                help_text=_("Then you don't have to tell everything again. You can say no."),
            )

    def clean_wanted_counsellor(self):
        return self.earlier.get(self.cleaned_data.get("wanted_counsellor") or "")

    age_band = forms.ChoiceField(
        label=_("How old are you?"), choices=[("", _("I'd rather not say")), *AgeBand.choices], required=False
    )
    topic = forms.ChoiceField(
        label=_("What would you like to talk about?"),
        choices=[("", _("I'd rather not say")), *Topic.choices],
        required=False,
    )
    mood = _optional_choice(MOOD_CHOICES, _("How do you feel right now?"))
    first_message = forms.CharField(
        label=_("Your first message"),
        help_text=_("You can write it now, so the counsellor can read it as soon as they are ready."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_BODY,
        strip=False,
    )


class AvailabilityForm(forms.Form):
    availability = forms.ChoiceField(
        label=_("I am"), choices=CounsellorStatus.Availability.choices, widget=forms.RadioSelect
    )
    capacity = forms.IntegerField(
        label=_("Chats at the same time"), min_value=1, max_value=MAX_CAPACITY, initial=2
    )


class RecordForm(forms.Form):
    """What the counsellor keeps of a chat: for their colleagues and for the impact figures."""

    high_risk = forms.BooleanField(
        label=_("High risk"),
        required=False,
        help_text=_("Marks the chat for the supervisor, who is told at once."),
    )
    topic_codes = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    handover = forms.CharField(
        label=_("Words to take along"),
        help_text=_(
            "When you hand the young person over to another service: a few lines they see after the chat "
            "and can save, to show there. Only with their consent, and no names."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_SUMMARY,
    )
    summary = forms.CharField(
        label=_("Summary"),
        help_text=_("A few lines for your colleagues: what it was about, what you agreed. No names."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_SUMMARY,
    )


class SurveyForm(forms.Form):
    helped = _optional_choice(HELPED_CHOICES, _("Did the chat help you?"))
    feedback = forms.CharField(
        label=_("Anything you want to tell us?"),
        help_text=_("Optional. It helps us get better at this."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_SUMMARY,
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        help_text=_("Only staff see notes. A supervisor's note is a whisper to the counsellor."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_NOTE,
    )


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Hand the chat to"), queryset=None, empty_label=None)
    note = forms.CharField(
        label=_("A note for your colleague"),
        help_text=_("What they should know before they write. The young person does not see it."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_NOTE,
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = colleagues


def _when(label):
    return forms.DateTimeField(
        label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class RoomForm(forms.Form):
    """Plan a group chat (staff who plan them). The host must be trained to host."""

    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("What it is about"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    host = forms.ModelChoiceField(label=_("Host"), queryset=None)
    opens_at = _when(_("Opens"))
    closes_at = _when(_("Closes"))
    sign_up_required = forms.BooleanField(
        label=_("By sign-up"),
        required=False,
        help_text=_("Only those who signed up before it opens can join."),
    )
    age_band = forms.ChoiceField(
        label=_("Age group"), choices=[("", _("Every age")), *AgeBand.choices], required=False
    )

    def __init__(self, *args, hosts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts


class LeadRoomForm(forms.Form):
    paused = forms.BooleanField(
        label=_("Pause the group chat"), required=False, help_text=_("Only you can write while it is paused.")
    )
    slow_mode_seconds = forms.IntegerField(
        label=_("Slow mode (seconds between two messages from one person)"), min_value=0, max_value=300
    )


class MuteForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60, initial=10)


class ReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_BODY)
    shared = forms.BooleanField(label=_("Share with every counsellor"), required=False)

    def __init__(self, *args, may_share: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_share:
            del self.fields["shared"]


class OfferTimeForm(forms.Form):
    starts_at = _when(_("Starts"))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=120, initial=45)
