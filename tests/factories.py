import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from dlcurriculum.users.changes import note_change
from dlcurriculum.users.models import MENTORS_GROUP, User
from stages.models import CapstoneBrief, Framework, ProjectIdea, Resource, Stage

PASSWORD = "correct horse battery staple"
# The authenticator-app secret of every factory mentor and admin (tests compute their codes: tests/totp.py).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _with_second_factor(user, create, extracted, *, needed: bool = True):
    """Mentors and admins must have a second factor (users.second_factor): factories give them an
    authenticator app unless told ``second_factor=False``."""
    if create and needed and extracted is not False:
        from allauth.mfa.totp.internal.auth import TOTP

        TOTP.activate(user, TOTP_SECRET)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
        if create:
            obj.save()

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        # A staff account made with UserFactory(is_staff=True) is an admin too.
        _with_second_factor(obj, create, extracted, needed=obj.is_staff)


class MentorFactory(UserFactory):
    email = factory.Sequence(lambda n: f"mentor{n}@example.com")

    @factory.post_generation
    def mentor_group(obj, create, extracted, **kwargs):
        if create:
            # get_or_create: transactional tests flush the rows data migrations made.
            obj.groups.add(Group.objects.get_or_create(name=MENTORS_GROUP)[0])

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        _with_second_factor(obj, create, extracted)


class AdminFactory(UserFactory):
    email = factory.Sequence(lambda n: f"admin{n}@example.com")
    is_staff = True
    is_superuser = True


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    order = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"stage-{n}")
    title = factory.Sequence(lambda n: f"Stage {n}")
    summary = "A stage."
    body = "Some *text*."


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    stage = factory.SubFactory(StageFactory)
    order = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"resource-{n}")
    title = factory.Sequence(lambda n: f"Resource {n}")
    url = factory.Sequence(lambda n: f"https://example.com/resource/{n}")
    kind = Resource.Kind.COURSE
    cost = Resource.Cost.FREE


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ["module"]

    module = factory.Sequence(lambda n: f"framework{n}")
    name = factory.LazyAttribute(lambda o: o.module.title())


class CapstoneBriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapstoneBrief

    stage = factory.SubFactory(StageFactory)
    key = factory.Sequence(lambda n: f"capstone-{n}")
    title = factory.Sequence(lambda n: f"Capstone {n}")
    focus = "Supervised Deep Learning"
    rules = "Low-level frameworks only."


class ProjectIdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectIdea

    brief = factory.SubFactory(CapstoneBriefFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Idea {n}")
    url = "https://example.com/idea"


class MovesStamp(factory.django.DjangoModelFactory):
    """``moves_stamp=True``: the learner's change stamp moves, as the service writing such a row
    would move it (dlcurriculum.users.changes). Rows a factory makes do not move it by
    themselves: a test that shows a cached dashboard after making one says so."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True  # the hook writes nothing of the row

    @factory.post_generation
    def moves_stamp(obj, create, extracted, **kwargs):
        if create and extracted:
            note_change(obj.learner_id if hasattr(obj, "learner_id") else obj.submission.learner_id)


class SubmissionFactory(MovesStamp):
    class Meta:
        model = "capstones.Submission"

    learner = factory.SubFactory(UserFactory)
    brief = factory.SubFactory(CapstoneBriefFactory)
    title = factory.Sequence(lambda n: f"Submission {n}")
    own_problem = "My own problem"
    status = "waiting"


class IterationFactory(MovesStamp):
    """An iteration row without a stored file or jobs (for tests of the job machinery itself)."""

    class Meta:
        model = "capstones.Iteration"

    submission = factory.SubFactory(SubmissionFactory)
    number = factory.Sequence(lambda n: n + 1)
    notebook = "capstones/notebooks/none.ipynb"
    original_name = "n.ipynb"
    size = 1
    sha256 = "0" * 64
    write_up = "w"


def build_curriculum(stages: int, resources_per_stage: int) -> list[Stage]:
    """A synthetic curriculum of the given size; every third stage is a capstone."""
    made = []
    for s in range(stages):
        stage = StageFactory(order=s + 1, slug=f"scaled-{s}")
        if s % 3 == 2:
            brief = CapstoneBriefFactory(stage=stage, key=f"scaled-capstone-{s}")
            brief.allowed_frameworks.add(FrameworkFactory(module="torch"))
            brief.forbidden_frameworks.add(FrameworkFactory(module="keras"))
            ProjectIdeaFactory.create_batch(3, brief=brief)
        else:
            for r in range(resources_per_stage):
                ResourceFactory(stage=stage, order=r + 1, key=f"scaled-{s}-{r}", url=f"https://example.com/{s}/{r}")
        made.append(stage)
    return made
