"""Reads of the forum. A thread page costs the same number of queries however long it is."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.http import Http404

from helle.core import clock
from helle.core.opening_hours import open_hours_began
from helle.core.roles import is_staff
from helle.forum import policies
from helle.forum.models import (
    Bookmark,
    Category,
    Draft,
    Follow,
    Notification,
    Post,
    PostRevision,
    Reaction,
    ReadMarker,
    Thread,
)

THREADS_PER_PAGE = 30


def _member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def readable_categories(user) -> list[Category]:
    return [c for c in Category.objects.all() if policies.can_read_category(user, c)]


@dataclass
class CategoryRow:
    category: Category
    thread_count: int
    may_write: bool


def category_overview(user) -> list[CategoryRow]:
    categories = readable_categories(user)
    counts = dict(
        Thread.objects.filter(
            category__in=categories, state=Thread.State.VISIBLE, publish_at__lte=clock.now()
        )
        .values_list("category")
        .annotate(n=Count("id"))
    )
    return [CategoryRow(c, counts.get(c.pk, 0), policies.can_write_in(user, c)) for c in categories]


def category_by_slug(user, slug: str) -> Category | None:
    category = Category.objects.filter(slug=slug).first()
    return category if category and policies.can_read_category(user, category) else None


def _visible_threads(user, category: Category | None = None) -> QuerySet[Thread]:
    threads = Thread.objects.all()
    if category is not None:
        threads = threads.filter(category=category)
    published = Q(state=Thread.State.VISIBLE, publish_at__lte=clock.now())
    if _member(user):
        mine = Q(author=user) & ~Q(state=Thread.State.DELETED)
        if category is not None and policies.can_moderate(user, category):
            return threads.exclude(state=Thread.State.DELETED)
        return threads.filter(published | mine)
    return threads.filter(published)


def threads_in(user, category: Category, page_number) -> Page:
    threads = _visible_threads(user, category).order_by("-is_pinned", "-last_post_at", "-id")
    if _member(user):
        read = ReadMarker.objects.filter(
            thread=OuterRef("pk"), member=user, read_at__gte=OuterRef("last_post_at")
        )
        threads = threads.annotate(is_read=Exists(read))
    return Paginator(threads, THREADS_PER_PAGE).get_page(page_number)


def thread_for(user, pk: int) -> Thread | None:
    thread = Thread.objects.select_related("category").filter(pk=pk).first()
    if thread is None:
        return None
    try:
        policies.require_can_see_thread(user, thread)
    except Http404:  # the reader learns nothing, not even that it exists
        return None
    return thread


def post_for(user, pk: int) -> Post | None:
    post = Post.objects.select_related("thread__category", "author").filter(pk=pk).first()
    if post is None:
        return None
    try:
        policies.require_can_see_post(user, post)
    except Http404:
        return None
    return post


@dataclass
class PostView:
    post: Post
    reactions: Counter  # kind -> count, shown without names (0 for a kind nobody gave)
    mine: set[str]  # the kinds the reader gave
    bookmarked: bool
    is_new: bool


@dataclass
class ThreadPage:
    thread: Thread
    page: Page
    posts: list[PostView]
    following: bool
    may_moderate: bool
    newest_shown: object = None
    read_at: object = None  # the reader's read marker before this visit
    unread_here: int = 0  # the reader's unread notifications about this thread
    unread_elsewhere: int = 0  # and about other threads (the number in the menu)
    first_new: int | None = None
    extra: dict = field(default_factory=dict)


def _posts_seen_by(user, thread: Thread) -> QuerySet[Post]:
    posts = Post.objects.filter(thread=thread)
    if policies.can_moderate(user, thread.category):
        return posts
    visible = Q(state=Post.State.VISIBLE)
    if _member(user):
        visible |= Q(state=Post.State.HELD, author=user)
    return posts.filter(visible)


# What the thread page reads of a post: not the Markdown source, and the writer's nickname
# instead of the whole member (a 200-post page made 400 model instances before).
_POST_FIELDS = (
    "id",
    "thread_id",
    "author_id",
    "html",
    "shown_html",
    "state",
    "is_opening",
    "by_peer_adviser",
    "content_warning",
    "created_at",
    "edited_at",
)


def _reactions_on(user, thread: Thread, ids: list[int]) -> tuple[dict, dict]:
    """How many of each reaction the posts got, and which the reader gave: one query. The
    posts are picked by their thread and id range, not `IN (200 ids)`, which costs Django
    more to build than the database to answer."""
    counts: dict[int, Counter] = {}
    mine: dict[int, set[str]] = {}
    if not ids:
        return counts, mine
    on_page = set(ids)
    given_by_reader = Count("id", filter=Q(member=user)) if _member(user) else Value(0)
    rows = (
        Reaction.objects.filter(post__thread=thread, post__id__range=(min(ids), max(ids)))
        .values_list("post_id", "kind")
        .annotate(n=Count("id"), by_reader=given_by_reader)
    )
    for post_id, kind, n, by_reader in rows:
        if post_id in on_page:
            counts.setdefault(post_id, Counter())[kind] = n
            if by_reader:
                mine.setdefault(post_id, set()).add(kind)
    return counts, mine


def _page_of(posts: QuerySet[Post], page_number) -> Page:
    """The page asked for. The same query counts the posts (COUNT(*) OVER ()), so the page
    needs no COUNT of its own; "last" and a page past the end count first, as Django's
    paginator does, and land on the last page."""
    per_page = settings.FORUM_POSTS_PER_PAGE
    paginator = Paginator(posts, per_page)
    try:
        number = int(page_number or 1)
    except (TypeError, ValueError):
        number = 0
    if number >= 1:
        start = (number - 1) * per_page
        rows = list(posts.annotate(total_posts=Window(Count("pk")))[start : start + per_page])
        if rows:
            paginator.count = rows[0].total_posts  # instead of the cached COUNT query
            return Page(rows, number, paginator)
    return paginator.get_page(paginator.num_pages if page_number == "last" else page_number)


def _count(rows: QuerySet) -> Coalesce:
    """How many rows, as a subquery (0 when none)."""
    return Coalesce(Subquery(rows.order_by().values("member").annotate(n=Count("pk")).values("n")[:1]), 0)


def _reader_state(user, thread: Thread) -> tuple:
    """The reader's read marker, whether they follow the thread, and their unread
    notifications here and in all: one query."""
    unread = Notification.objects.filter(member=user, read_at__isnull=True)
    return (
        Thread.objects.filter(pk=thread.pk)
        .values_list(
            Subquery(ReadMarker.objects.filter(thread=OuterRef("pk"), member=user).values("read_at")[:1]),
            Exists(Follow.objects.filter(thread=OuterRef("pk"), member=user)),
            _count(unread.filter(thread=OuterRef("pk"))),
            _count(unread),
        )
        .get()
    )


def thread_page(user, thread: Thread, page_number) -> ThreadPage:
    """One page of a thread with reactions, the reader's own reactions and bookmarks, and which
    posts are new to them: a fixed number of queries."""
    member = _member(user)
    posts = (
        _posts_seen_by(user, thread)
        .only(*_POST_FIELDS)
        .annotate(
            author_nickname=F("author__nickname"),
            bookmarked=Exists(Bookmark.objects.filter(post=OuterRef("pk"), member=user))
            if member
            else Value(False),
        )
        .order_by("created_at", "id")
    )
    page = _page_of(posts, page_number)
    on_page = list(page.object_list)
    counts, mine = _reactions_on(user, thread, [p.pk for p in on_page])
    read_at, following, unread_here, unread_total = (
        _reader_state(user, thread) if member else (None, False, 0, 0)
    )
    # Read once: `user` is the request's lazy object, slow to ask 200 times.
    reader_id = user.pk if member else None
    views = [
        PostView(
            post=p,
            reactions=counts.get(p.pk) or Counter(),
            mine=mine.get(p.pk, set()),
            bookmarked=p.bookmarked,
            is_new=reader_id is not None
            and p.author_id != reader_id
            and (read_at is None or p.created_at > read_at),
        )
        for p in on_page
    ]
    first_new = next((v.post.pk for v in views if v.is_new), None)
    return ThreadPage(
        thread=thread,
        page=page,
        posts=views,
        following=following,
        may_moderate=policies.can_moderate(user, thread.category),
        newest_shown=max((p.created_at for p in on_page), default=None),
        read_at=read_at,
        unread_here=unread_here,
        unread_elsewhere=unread_total - unread_here,
        first_new=first_new,
    )


def post_view(user, post: Post) -> PostView:
    """One post as the thread page shows it (after a reaction, for htmx)."""
    counts = Counter(dict(Reaction.objects.filter(post=post).values_list("kind").annotate(n=Count("id"))))
    mine = set(Reaction.objects.filter(post=post, member=user).values_list("kind", flat=True))
    return PostView(post=post, reactions=counts, mine=mine, bookmarked=False, is_new=False)


def moderated_categories(user) -> list[Category]:
    return [c for c in Category.objects.all() if policies.can_moderate(user, c)]


def _waited_too_long() -> QuerySet[Thread]:
    """Questions without a reply after FORUM_UNANSWERED_HOURS of opening hours (every hour
    counts while no opening hours are set)."""
    cutoff = open_hours_began(settings.FORUM_UNANSWERED_HOURS, until=clock.now())
    if cutoff is None:  # not open that long in the last year: nobody has waited yet
        return Thread.objects.none()
    return Thread.objects.filter(
        state=Thread.State.VISIBLE, is_prompt=False, first_reply_at__isnull=True, publish_at__lte=cutoff
    )


def waiting_for_answer(user) -> list[Thread]:
    """Questions nobody has answered in time, oldest first, in the categories the reader may
    see (peer advisers and counsellors answer them)."""
    threads = _waited_too_long().filter(category__in=readable_categories(user))
    return list(threads.select_related("category").order_by("publish_at")[:100])


def unanswered_count(*, since=None, until=None) -> int:
    """Threads still waiting for a first reply in time (for the impact figures)."""
    threads = _waited_too_long()
    if since is not None:
        threads = threads.filter(publish_at__gte=since)
    if until is not None:
        threads = threads.filter(publish_at__lt=until)
    return threads.count()


def featured_prompts(user, limit: int = 3) -> list[Thread]:
    threads = Thread.objects.filter(
        is_prompt=True, is_featured=True, state=Thread.State.VISIBLE, publish_at__lte=clock.now()
    ).select_related("category")
    return [
        t
        for t in threads.order_by("-publish_at")[: limit * 3]
        if policies.can_read_category(user, t.category)
    ][:limit]


def notifications_for(member, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(member=member).select_related("thread")[:limit])


def unread_notification_count(member) -> int:
    return Notification.objects.filter(member=member, read_at__isnull=True).count()


def bookmarks_of(member) -> list[Post]:
    return [
        b.post
        for b in Bookmark.objects.filter(member=member, post__state=Post.State.VISIBLE)
        .select_related("post__thread__category")
        .order_by("-created_at")
        if policies.can_read_category(member, b.post.thread.category)
    ]


def draft_for(member, key: str) -> Draft | None:
    if not _member(member):
        return None
    return Draft.objects.filter(member=member, key=key).first()


def revisions_of(post: Post) -> list[PostRevision]:
    return list(post.revisions.all())


def all_categories() -> QuerySet[Category]:
    return Category.objects.prefetch_related("peer_advisers")


def category_by_pk(pk: int) -> Category | None:
    return Category.objects.filter(pk=pk).first()


def is_staff_reader(user) -> bool:
    return is_staff(user)
