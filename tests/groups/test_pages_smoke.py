from django.urls import reverse

from dlcurriculum.groups import services

from .conftest import membership


def test_the_group_page_shows_members_progress_and_messages(client, people):
    group = people["group"]
    services.post_message(membership(group, people["member"]), "Hello **all**")
    client.force_login(people["owner"])
    page = client.get(reverse("groups:detail", kwargs={"pk": group.pk}))
    assert page.status_code == 200
    text = page.text
    assert "Mia Member" in text
    assert "Olga Owner" in text
    assert "<strong>all</strong>" in text
    assert "Mia&#x27;s private note" not in text
    assert "Mia's private note" not in text
    assert "secret why" not in text
