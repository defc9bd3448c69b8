"""The forum's part of a member's data export and erasure.

Erasing with `keep_public`: posts stay, shown as by "a former member" (the author link is
cleared when the account is deleted); without it, every post is removed. Drafts, reactions,
follows, bookmarks, read markers and notifications always go with the account.
"""

from helle.forum.models import Bookmark, Draft, Follow, Post, Reaction, Thread


def export(member) -> dict:
    return {
        "posts": [
            {
                "thread": post.thread.title,
                "written": post.created_at.isoformat(),
                "edited": post.edited_at.isoformat() if post.edited_at else None,
                "state": post.state,
                "text": post.body,
                "earlier_versions": [r.body for r in post.revisions.all()],
            }
            for post in Post.objects.filter(author=member)
            .select_related("thread")
            .prefetch_related("revisions")
        ],
        "drafts": [
            {"place": d.key, "title": d.title, "text": d.body} for d in Draft.objects.filter(member=member)
        ],
        "reactions_given": Reaction.objects.filter(member=member).count(),
        "following": [f.thread.title for f in Follow.objects.filter(member=member).select_related("thread")],
        "bookmarks": Bookmark.objects.filter(member=member).count(),
    }


def erase(member, keep_public: bool) -> None:
    if not keep_public:
        Post.objects.filter(author=member, is_opening=False).delete()
        # A conversation they started goes, unless others have answered in it: then only
        # their opening words are removed, so the answers others wrote are not lost.
        for thread in Thread.objects.filter(author=member):
            if thread.posts.exclude(author=member).exists():
                thread.posts.filter(is_opening=True).update(
                    body="", shown_body="", html="", shown_html="", state=Post.State.DELETED
                )
            else:
                thread.delete()
    Draft.objects.filter(member=member).delete()
    Reaction.objects.filter(member=member).delete()
    Follow.objects.filter(member=member).delete()
    Bookmark.objects.filter(member=member).delete()
