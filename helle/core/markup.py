"""The little Markdown helle allows, rendered and then sanitised with an allow-list."""

from urllib.parse import quote

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# Raw HTML in the source is shown as text, never rendered.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.disable(["image"])

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote", "h2", "h3", "code"}
# What members may use in their own posts: emphasis, lists, quotes and links.
MEMBER_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def render(text: str, *, tags: set[str] = ALLOWED_TAGS, leave_url: str = "") -> SafeString:
    """Markdown → sanitised HTML. With `leave_url`, every link goes through that page first
    (it says where the link leads and that it leaves the site) instead of straight out."""

    def through_leave_page(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return f"{leave_url}?to={quote(value, safe='')}"
        return value

    html = _markdown.render(text)
    clean = nh3.clean(
        html,
        tags=tags,
        attributes={k: v for k, v in ALLOWED_ATTRIBUTES.items() if k in tags},
        attribute_filter=through_leave_page if leave_url else None,
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it
