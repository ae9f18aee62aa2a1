import pytest

from dlcurriculum.groups import services
from dlcurriculum.groups.models import Membership
from progress import services as progress_services
from stages.models import Resource
from tests import factories


@pytest.fixture
def people(db, curriculum):
    """An owner and a member of one group, an outsider and staff; the member has progress, a
    private note and a "why"."""
    owner = factories.UserFactory(name="Olga Owner", why="Olga's secret why")
    member = factories.UserFactory(name="Mia Member", why="Mia's secret why")
    outsider = factories.UserFactory(name="Otto Outsider")
    staff = factories.AdminFactory(name="Sam Staff")
    group = services.create_group(owner, name="Friday club", description="We meet on Fridays.", weekly_goal_hours=10)
    services.join(member, group.invite_token)
    resource = Resource.objects.get(key="matrix-calculus")
    progress_services.set_status(member, resource, "done")
    progress_services.save_note(member, resource, "Mia's private note")
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "staff": staff,
        "group": group,
        "resource": resource,
    }


def membership(group, user) -> Membership:
    return Membership.objects.get(group=group, user=user)
