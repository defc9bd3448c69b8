"""Chat pages: the young person's way in (closed page, pre-chat form, waiting and talking, the
survey after), the counsellor's console, and the supervisor's overview. The words themselves
travel over the WebSocket (consumers.py); these pages draw the frame around them."""

import math
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helle.chat import forms, policies, selectors, services
from helle.core import clock, handoff
from helle.core.forms import add_refusal
from helle.core.http import posted
from helle.core.opening_hours import opening_state
from helle.core.policies import staff_page
from helle.core.services import Refused


def _visitor_key(request, *, create: bool = False) -> str | None:
    """The young person's chat key in their session (made on joining the queue)."""
    key = request.session.get(policies.VISITOR_KEY)
    if key is None and create:
        key = request.session[policies.VISITOR_KEY] = services.new_visitor_key()
    return key


def _tell_refusal(request, refused: Refused) -> None:
    """A refused action on a page without its own form: the reasons show at the top of the next page."""
    for reasons in refused.errors.values():
        messages.error(request, " ".join(str(reason) for reason in reasons))


def _member(request):
    return request.user if request.user.is_authenticated else None


def _taking_part(request, pk: int):
    """The conversation and how the reader takes part in it; 404 for anybody else."""
    conversation = selectors.conversation_by_pk(pk)
    who = conversation and policies.participant(request.user, _visitor_key(request), conversation)
    if not who:
        raise Http404
    return conversation, who


def _page_of(view):
    """A page about one conversation: the view gets the conversation and the reader's part in it."""

    @wraps(view)
    def wrapped(request, pk: int, *args, **kwargs):
        conversation, who = _taking_part(request, pk)
        if conversation.kind == conversation.Kind.GROUP:
            return redirect("chat:room", pk=conversation.pk)  # a group chat has its own page
        if who.role != policies.VISITOR and not request.user.is_verified():
            # Staff read chats only after two-factor log-in, as on every staff page.
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('identity:two_factor')}?{query}")
        return view(request, conversation, who, *args, **kwargs)

    return never_cache(wrapped)


# --- The young person's side ---------------------------------------------------------------------------


@never_cache
def start(request):
    """The way in: an open chat goes on; outside opening hours, when it opens next and where
    else to turn; otherwise the short pre-chat form."""
    going = selectors.open_conversation_of(_member(request), _visitor_key(request))
    if going is not None and going.left_at is not None:
        # Back after stepping away: the same place within a few minutes, else a new one at the back.
        going = services.join_queue(visitor_key=_visitor_key(request, create=True), member=_member(request))
    if going is not None:
        return redirect("chat:conversation", pk=going.pk)
    now = clock.now()
    state = opening_state(now)
    if not state.is_open:
        return render(request, "chat/closed.html", {"state": state})
    member = _member(request)
    booking = selectors.booking_of(member)
    booked_now = (
        booking is not None and booking.starts_at - timedelta(minutes=services.BOOKING_EARLY_MINUTES) <= now
    )
    form = forms.PreChatForm(
        posted(request), earlier=[] if booked_now else selectors.earlier_counsellors(member)
    )
    if selectors.queue_is_full() and not booked_now:
        return _queue_full(request, form)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if booked_now:  # the booked counsellor takes this chat first
            fields["wanted_counsellor"], fields["booked"] = booking.counsellor, True
        try:
            conversation = services.join_queue(
                visitor_key=_visitor_key(request, create=True), member=member, **fields
            )
        except services.QueueFull:
            return _queue_full(request, form)
        except Refused as refused:
            add_refusal(form, refused)
        else:
            return redirect("chat:conversation", pk=conversation.pk)
    closing_soon = state.closes_at is not None and state.closes_at - now <= CLOSING_SOON
    return render(
        request,
        "chat/start.html",
        {
            "form": form,
            "state": state,
            "closing_soon": closing_soon,
            "booking": booking,
            "booked_now": booked_now,
            "may_book": policies.can_book(request.user),
        },
        status=400 if form.errors else 200,
    )


CLOSING_SOON = timedelta(minutes=20)  # the start page warns that a counsellor may not get to you


def _queue_full(request, form):
    """Never a dead end: a letter (keeping what they typed) or being told when there is room."""
    typed = form.data.get("first_message", "") if form.is_bound else ""
    return render(request, "chat/full.html", {"typed": typed})


@never_cache
def queue_room(request):
    """Is there room in the queue now? (htmx, asked every little while by the "queue full" page)"""
    return render(request, "chat/_room.html", {"full": selectors.queue_is_full()})


@require_POST
def to_letter(request):
    """Leave a message instead: what they typed (and wrote in a chat that waits) becomes the start
    of a letter. A waiting chat they leave this way ends; the letter page asks an anonymous
    visitor to log in or join first, and the words wait in their session meanwhile."""
    words = []
    conversation = selectors.conversation_by_pk(_int(request.POST.get("conversation")))
    if conversation is not None:
        who = policies.participant(request.user, _visitor_key(request), conversation)
        if policies.can_end(who, conversation) and who.role == policies.VISITOR:
            words.append(selectors.visitor_words(conversation))
            services.end_conversation(conversation=conversation)
    words.append(request.POST.get("text", ""))
    handoff.offer_letter_text(request.session, "\n\n".join(w for w in words if w.strip()))
    return redirect("letters:write")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@_page_of
def conversation(request, conversation, who):
    if who.role != policies.VISITOR:
        return redirect("chat:observe", pk=conversation.pk)
    return render(
        request,
        "chat/conversation.html",
        {**_status(conversation), "may_write": policies.can_write(who, conversation)},
    )


def _status(conversation) -> dict:
    position = selectors.position_in_queue(conversation)
    estimate = selectors.estimated_wait(position) if position else None
    now = clock.now()
    closes_at = opening_state(now).closes_at
    return {
        # The estimate runs past closing time: say so, and offer a letter.
        "may_not_reach": bool(estimate and closes_at and now + estimate > closes_at),
        "closes_at": closes_at,
        "conversation": conversation,
        "position": position,
        "estimate": estimate,
        "estimate_minutes": math.ceil(estimate.total_seconds() / 60) if estimate else 0,
        "counsellor_name": conversation.counsellor.nickname if conversation.counsellor_id else "",
    }


@_page_of
def status(request, conversation, who):
    """The line above the chat: place in the queue and the estimate, or who is here (htmx)."""
    return render(request, "chat/_status.html", _status(conversation))


@require_POST
@_page_of
def leave(request, conversation, who):
    if not policies.can_leave_queue(who, conversation):
        raise Http404
    services.leave_queue(conversation=conversation)
    return render(request, "chat/left.html", {"minutes": services.REJOIN_MINUTES})


@require_POST
@_page_of
def end(request, conversation, who):
    if not policies.can_end(who, conversation):
        raise Http404
    services.end_conversation(conversation=conversation)
    if who.role == policies.COUNSELLOR:
        return redirect("chat:record", pk=conversation.pk)
    return redirect("chat:survey", pk=conversation.pk)


@_page_of
def survey(request, conversation, who):
    if not policies.can_answer_survey(who, conversation):
        raise Http404
    form = forms.SurveyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_survey(conversation=conversation, **form.cleaned_data)
        except Refused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Thank you. Come back whenever you need to talk."))
            return redirect("core:home")
    return render(request, "chat/survey.html", {"form": form, "conversation": conversation})


@_page_of
def handover(request, conversation, who):
    """The words to take along to another service, as a text file the young person keeps."""
    if who.role != policies.VISITOR or not conversation.handover:
        raise Http404
    response = HttpResponse(conversation.handover + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="helle-handover.txt"'
    return response


# --- The counsellor's console -------------------------------------------------------------------------


@never_cache
@staff_page("chat.counsel")
def console(request):
    status = services.status_of(request.user)
    return render(
        request,
        "chat/console.html",
        {
            "status": status,
            "long_shift": selectors.on_a_long_shift(status),
            "availability_form": forms.AvailabilityForm(
                initial={"availability": status.availability, "capacity": status.capacity}
            ),
            "chats": [(chat, selectors.shared_history(chat)) for chat in selectors.active_of(request.user)],
            "replies": selectors.replies_for(request.user),
            "note_form": forms.NoteForm(),
            "counsellor_role": policies.Participant(request.user, policies.COUNSELLOR),
            "to_record": selectors.ended_without_record(request.user),
            **_queue_context(),
        },
    )


def _queue_context() -> dict:
    waiting = selectors.queue()
    return {"waiting": waiting, "now": clock.now(), "free_places": selectors.free_places()}


@never_cache
@staff_page("chat.counsel")
def console_queue(request):
    return render(request, "chat/_queue.html", _queue_context())


@require_POST
@staff_page("chat.counsel")
def availability(request):
    form = forms.AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            services.set_availability(counsellor=request.user, **form.cleaned_data)
        except Refused as refused:
            add_refusal(form, refused)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("chat:console")


@require_POST
@staff_page("chat.counsel")
def take_next(request):
    try:
        taken = services.take_next(counsellor=request.user)
    except Refused as refused:
        _tell_refusal(request, refused)
    else:
        if taken is None:
            messages.info(request, _("Nobody is waiting right now."))
    return redirect("chat:console")


@_page_of
def record(request, conversation, who):
    """The risk marker, topic codes and summary: the counsellor's, during the chat and after."""
    if not policies.can_keep_record(who, conversation):
        raise Http404
    form = forms.RecordForm(
        posted(request),
        initial={
            "high_risk": conversation.high_risk,
            "topic_codes": conversation.topic_codes,
            "summary": conversation.summary,
            "handover": conversation.handover,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.keep_record(conversation=conversation, **form.cleaned_data)
        except Refused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("chat:console")
    heavy = conversation.state == "ended" and (conversation.high_risk or conversation.crisis)
    return render(request, "chat/record.html", {"form": form, "conversation": conversation, "heavy": heavy})


# --- The supervisor's view ----------------------------------------------------------------------------


@never_cache
@staff_page("chat.observe")
def overview(request):
    return render(request, "chat/overview.html", {"open": selectors.all_open(), "now": clock.now()})


@_page_of
def observe(request, conversation, who):
    """Follow a chat without writing in it (supervisors), or the counsellor's own pane alone."""
    if who.role == policies.VISITOR:
        return redirect("chat:conversation", pk=conversation.pk)
    return render(
        request,
        "chat/observe.html",
        {
            "conversation": conversation,
            "who": who,
            "may_write": policies.can_write(who, conversation),
            "notes": selectors.notes_of(conversation),
            "note_form": forms.NoteForm(),
            "may_transfer": policies.can_transfer(who, conversation),
            "may_take_over": policies.can_take_over(who, conversation),
        },
    )


# --- Notes, whispers, transfer and take-over -------------------------------------------------------------


@_page_of
def notes(request, conversation, who):
    """The staff notes of a chat (htmx): drawn again when a note, whisper or transfer comes."""
    if not policies.can_read_notes(who, conversation):
        raise Http404
    form = forms.NoteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_note(author=who, conversation=conversation, body=form.cleaned_data["body"])
        except Refused as refused:
            add_refusal(form, refused)
        else:
            form = forms.NoteForm()
    return render(
        request,
        "chat/_notes.html",
        {
            "conversation": conversation,
            "notes": selectors.notes_of(conversation),
            "note_form": form,
            "who": who,
        },
        status=400 if form.errors else 200,
    )


@_page_of
def transfer(request, conversation, who):
    if not policies.can_transfer(who, conversation):
        raise Http404
    form = forms.TransferForm(posted(request), colleagues=selectors.colleagues_for_transfer(conversation))
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer(by=who, conversation=conversation, **form.cleaned_data)
        except Refused as refused:
            add_refusal(form, refused)
        else:
            to = form.cleaned_data["to"].nickname
            messages.success(request, _("The chat is now with %(name)s.") % {"name": to})
            return redirect("chat:overview" if who.role == policies.OBSERVER else "chat:console")
    return render(
        request,
        "chat/transfer.html",
        {"conversation": conversation, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@_page_of
def take_over(request, conversation, who):
    if not policies.can_take_over(who, conversation):
        raise Http404
    try:
        services.take_over(supervisor=who, conversation=conversation)
    except Refused as refused:
        _tell_refusal(request, refused)
        return redirect("chat:observe", pk=conversation.pk)
    return redirect("chat:console")


# --- Group chats -------------------------------------------------------------------------------------------


def rooms(request):
    return render(
        request, "chat/rooms.html", {"rooms": selectors.rooms_for(request.user), "now": clock.now()}
    )


def _room_or_404(request, pk: int):
    room = selectors.room_by_pk(pk)
    if room is None or not policies.can_see_room(request.user, room):
        raise Http404
    return room


@never_cache
def room(request, pk: int):
    """A group chat: what it is about, joining or signing up, and (once in) the chat itself."""
    found = _room_or_404(request, pk)
    who = policies.participant(request.user, None, found.conversation)
    leading = policies.can_lead_room(who)
    return render(
        request,
        "chat/room.html",
        {
            "room": found,
            "conversation": found.conversation,
            "who": who,
            "now": clock.now(),
            "is_open": found.opens_at <= clock.now() < found.closes_at,
            "membership": selectors.membership(found, request.user),
            "may_join": who is None and policies.can_join_room(request.user, found),
            "may_write": policies.can_write(who, found.conversation),
            "leading": leading,
            "members": selectors.room_members(found) if leading else [],
            "lead_form": forms.LeadRoomForm(
                initial={"paused": found.paused, "slow_mode_seconds": found.slow_mode_seconds}
            ),
            "mute_form": forms.MuteForm(),
        },
    )


@require_POST
def join_room(request, pk: int):
    found = _room_or_404(request, pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('identity:login')}?{urlencode({'next': reverse('chat:room', args=[pk])})}")
    try:
        services.join_room(room=found, member=request.user)
    except Refused as refused:
        _tell_refusal(request, refused)
    return redirect("chat:room", pk=pk)


@require_POST
def leave_room(request, pk: int):
    found = _room_or_404(request, pk)
    if request.user.is_authenticated:
        services.leave_room(room=found, member=request.user)
    return redirect("chat:rooms")


def _leader(request, pk: int):
    found = _room_or_404(request, pk)
    who = policies.participant(request.user, None, found.conversation)
    if not policies.can_lead_room(who):
        raise Http404
    return found, who


@require_POST
def lead_room(request, pk: int):
    found, who = _leader(request, pk)
    form = forms.LeadRoomForm(request.POST)
    if form.is_valid():
        services.lead_room(by=who, room=found, **form.cleaned_data)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("chat:room", pk=pk)


@require_POST
def mute_member(request, pk: int, member_pk: int):
    found, who = _leader(request, pk)
    membership = next((m for m in selectors.room_members(found) if m.member_id == member_pk), None)
    form = forms.MuteForm(request.POST)
    if membership is None:
        raise Http404
    if form.is_valid():
        services.mute(by=who, room=found, member=membership.member, minutes=form.cleaned_data["minutes"])
        messages.success(request, _("%(name)s cannot write for now.") % {"name": membership.member.nickname})
    return redirect("chat:room", pk=pk)


@require_POST
def remove_member(request, pk: int, member_pk: int):
    found, who = _leader(request, pk)
    membership = next((m for m in selectors.room_members(found) if m.member_id == member_pk), None)
    if membership is None:
        raise Http404
    try:
        services.remove(by=who, room=found, member=membership.member)
    except Refused as refused:
        _tell_refusal(request, refused)
    else:
        messages.success(
            request, _("%(name)s has left the group chat.") % {"name": membership.member.nickname}
        )
    return redirect("chat:room", pk=pk)


@never_cache
@staff_page("chat.manage_rooms")
def staff_rooms(request):
    return render(request, "chat/staff_rooms.html", {"rooms": selectors.all_rooms(), "now": clock.now()})


@never_cache
@staff_page("chat.manage_rooms")
def staff_room(request, pk: int | None = None):
    found = selectors.room_by_pk(pk) if pk else None
    if pk and found is None:
        raise Http404
    initial = (
        {field: getattr(found, field) for field in forms.RoomForm.base_fields if hasattr(found, field)}
        if found
        else {}
    )
    form = forms.RoomForm(posted(request), initial=initial, hosts=selectors.hosts())
    if request.method == "POST" and form.is_valid():
        try:
            if found:
                services.update_room(actor=request.user, room=found, **form.cleaned_data)
            else:
                found = services.create_room(actor=request.user, **form.cleaned_data)
        except Refused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("chat:staff_rooms")
    return render(
        request, "chat/staff_room.html", {"form": form, "room": found}, status=400 if form.errors else 200
    )


# --- Saved replies and booked times ------------------------------------------------------------------


@never_cache
@staff_page("chat.counsel")
def replies(request, pk: int | None = None):
    reply = selectors.reply_by_pk(pk) if pk else None
    if pk and (reply is None or not policies.can_edit_reply(request.user, reply)):
        raise Http404
    may_share = policies.can_share_replies(request.user)
    initial = {"title": reply.title, "body": reply.body, "shared": reply.owner_id is None} if reply else {}
    form = forms.ReplyForm(posted(request), initial=initial, may_share=may_share)
    if request.method == "POST" and "delete" in request.POST and reply is not None:
        services.delete_reply(actor=request.user, reply=reply)
        return redirect("chat:replies")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reply(actor=request.user, reply=reply, **form.cleaned_data)
        except Refused as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("chat:replies")
    return render(
        request,
        "chat/replies.html",
        {"form": form, "reply": reply, "replies": selectors.replies_for(request.user)},
        status=400 if form.errors else 200,
    )


@never_cache
@staff_page("chat.counsel")
def times(request):
    """The times this counsellor offers for booked chats, and who booked them."""
    form = forms.OfferTimeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        starts_at = form.cleaned_data["starts_at"]
        try:
            services.offer_time(
                counsellor=request.user,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=form.cleaned_data["minutes"]),
            )
        except Refused as refused:
            add_refusal(form, refused)
        else:
            return redirect("chat:times")
    return render(
        request,
        "chat/times.html",
        {"form": form, "times": selectors.times_of(request.user)},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_page("chat.counsel")
def withdraw_time(request, pk: int):
    booking = selectors.booking_by_pk(pk)
    if booking is None or booking.counsellor_id != request.user.pk:
        raise Http404
    try:
        services.withdraw_time(counsellor=request.user, booking=booking)
    except Refused as refused:
        _tell_refusal(request, refused)
    return redirect("chat:times")


@never_cache
@login_required
def book(request):
    """A member books a time with a counsellor, or sees and cancels the time they booked."""
    return render(
        request,
        "chat/book.html",
        {"booking": selectors.booking_of(request.user), "free": selectors.free_times()},
    )


@require_POST
@login_required
def book_time(request, pk: int):
    booking = selectors.booking_by_pk(pk)
    if booking is None:
        raise Http404
    try:
        services.book(member=request.user, booking=booking)
    except Refused as refused:
        _tell_refusal(request, refused)
    else:
        messages.success(request, _("Your time is booked. Come to the chat at that time."))
    return redirect("chat:book")


@require_POST
@login_required
def cancel_booking(request):
    booking = selectors.booking_of(request.user)
    if booking is not None:
        services.cancel_booking(member=request.user, booking=booking)
        messages.success(request, _("Your booking is cancelled."))
    return redirect("chat:book")
