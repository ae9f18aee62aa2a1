import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from . import names

MENTORS_GROUP = "Mentors"


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Berlin).")


class UserManager(DjangoUserManager):
    """E-mail is the login; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def with_roles(self):
        """Users with ``is_mentor`` and whether they have a second factor answered by the same query."""
        from allauth.mfa.models import Authenticator

        from .second_factor import SECOND_FACTOR_TYPES

        mentor_groups = self.model.groups.through.objects.filter(user=models.OuterRef("pk"), group__name=MENTORS_GROUP)
        # Whether the user has a second factor, for the check on every request (users.second_factor).
        factors = Authenticator.objects.filter(user=models.OuterRef("pk"), type__in=SECOND_FACTOR_TYPES)
        return self.get_queryset().annotate(
            _is_mentor=models.Exists(mentor_groups), _has_second_factor=models.Exists(factors)
        )

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """Every user is a learner; the "Mentors" group marks mentors, staff are admins."""

    class ReminderFrequency(models.TextChoices):
        OFF = "off", "Off"
        WEEKLY = "weekly", "Weekly"
        INACTIVITY = "inactivity", "After some days without activity"

    class Weekday(models.IntegerChoices):
        # Python's date.weekday() numbering.
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    username = None
    first_name = None
    last_name = None
    name = models.CharField("display name", max_length=150, blank=True)
    email = models.EmailField("e-mail address", unique=True)

    why = models.TextField(
        "why I am learning deep learning",
        blank=True,
        max_length=2000,
        help_text="Your goal. Keep it in mind when motivation runs low.",
    )
    reminder_frequency = models.CharField(
        max_length=16, choices=ReminderFrequency.choices, default=ReminderFrequency.INACTIVITY
    )
    reminder_inactivity_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    reminder_hour = models.PositiveSmallIntegerField(
        "preferred hour (local time)", default=18, validators=[MaxValueValidator(23)]
    )
    reminder_weekday = models.PositiveSmallIntegerField(
        "day of the weekly reminder",
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text="Weekly reminders go out on this day, at the preferred hour.",
    )
    # Apart from the reminders: a learner who stops reminders still hears that their capstone was
    # reviewed, and a mentor that a learner answered, unless they stop these too.
    review_emails = models.BooleanField(
        "e-mails about capstone reviews",
        default=True,
        help_text=(
            "Messages on your capstones and, for mentors, new submissions and the weekly note on the "
            "review queue. A verdict on your own capstone always comes."
        ),
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # One more after every write that changes what the learner's own pages show (users.changes);
    # what is cached from those pages keys on it. Never written by save().
    changes = models.PositiveBigIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_user_email_ci_unique"),
            models.CheckConstraint(condition=models.Q(reminder_hour__lte=23), name="users_user_reminder_hour_valid"),
            models.CheckConstraint(
                condition=models.Q(reminder_weekday__lte=6), name="users_user_reminder_weekday_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_inactivity_days__gte=1, reminder_inactivity_days__lte=90),
                name="users_user_reminder_days_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        # ``changes`` only moves forward, by UPDATE (users.changes): a save of a copy loaded
        # before the last change must not set it back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            skip = {"changes", *self.get_deferred_fields()}  # as save() does: deferred fields stay
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in skip
            ]
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        # AbstractUser's joins first and last name, which this model does not have ("None None").
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name mentors, e-mails and public pages show (users.names: never the e-mail's local part)."""
        return names.display_name(self.name, self.pk)

    @property
    def is_mentor(self) -> bool:
        # Cached per instance: templates ask more than once per page. The signed-in
        # user comes with it already (users.backends), so the menu costs no query.
        if not hasattr(self, "_is_mentor"):
            self._is_mentor = self.groups.filter(name=MENTORS_GROUP).exists()
        return self._is_mentor


class WhyPromptDismissal(models.Model):
    """The learner answered or skipped the first sign-in "why" prompt: don't ask again."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="why_prompt_dismissal")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Moved from the progress app; the table keeps its name and rows.
        db_table = "progress_whypromptdismissal"

    def __str__(self) -> str:
        return f"{self.user_id} dismissed the why prompt"
