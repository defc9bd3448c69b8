from django.contrib.auth.backends import ModelBackend

from helle.identity.models import Member, nickname_key


class NicknameBackend(ModelBackend):
    """Log in by nickname, written in any case or with look-alike letters."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        nickname = username or kwargs.get("nickname")
        if not nickname or not password:
            return None
        try:
            member = Member.objects.get(nickname_key=nickname_key(nickname))
        except Member.DoesNotExist:
            # Hash anyway, so a wrong nickname takes as long as a wrong password.
            Member().set_password(password)
            return None
        if member.check_password(password) and self.user_can_authenticate(member):
            return member
        return None
