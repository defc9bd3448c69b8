"""Small helpers for views."""


def posted(request):
    """The POST data when the form was sent (even empty, so it shows every error), else None."""
    return request.POST if request.method == "POST" else None
