"""People who log in: staff of the regional apparatus, branch editors, the chair, members."""

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with a login. Roles are groups (see `accounts.roles`); the branch is on the profile."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username


class Profile(models.Model):
    """What the portal knows of a user beyond the login: their organisation (branch)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user"))
    organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("organisation"),
        help_text=_("A branch editor sees and edits only the records of this organisation and its primaries."),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class Session(AbstractBaseSession):
    """Django's database session, in Django's own table, with the id of the user it logs in
    kept in a column of its own (written at every save from the session's data), so that a
    logged-in member's request reads its session and its user in one query
    (`accounts.sessions`).

    The table stays `django.contrib.sessions`' (so this model does not manage it: migration
    `accounts 0004` only adds the column). While an update rolls from node to node, the old
    code and the new share one table: a log-out anywhere ends the session everywhere, and a
    row the old code saved names no user, which only costs its next read the user's query.
    A plain number, not a foreign key: a session naming a user deleted meanwhile must still
    save (Django's `create()` retries every failed INSERT with a new key, without end), and
    it logs nobody in, since the join then finds no user."""

    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "django_session"
        managed = False

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
