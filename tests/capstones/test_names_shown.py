"""Mentors, e-mails and public pages show the name a person chose, else "Learner <number>", never the
e-mail's local part (issue 28); the portfolio settings say where the name comes from, show the real
address, and "Show" leads to the public page."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from capstones import services
from tests import factories
from tests.factories import PASSWORD

from .test_share_meta import share_metas

User = get_user_model()


@pytest.fixture
def ana(db):
    return factories.UserFactory(email="ana.learner@example.com", name="")


@pytest.fixture
def ana_submission(make_submission, ana, brief):
    return make_submission(ana, brief)


def test_the_queue_shows_the_learner_by_number_until_they_choose_a_name(client, mentor, ana, ana_submission):
    client.force_login(mentor)
    html = client.get(reverse("capstones:queue")).text
    assert f"Learner {ana.pk}" in html
    assert "ana.learner" not in html


def test_the_review_page_shows_the_number_then_the_chosen_name(client, mentor, ana, ana_submission):
    services.claim(ana_submission, mentor=mentor)
    client.force_login(mentor)
    html = client.get(ana_submission.get_absolute_url(), follow=True).text
    assert f"by Learner {ana.pk}" in html
    assert "ana.learner" not in html
    ana.name = "Ana Lima"
    ana.save(update_fields=["name"])
    assert "by Ana Lima" in client.get(ana_submission.get_absolute_url(), follow=True).text


def test_the_decision_email_greets_by_number_never_by_address(
    ana_submission, ana, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    claimed = services.claim(ana_submission, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    (mail,) = mailoutbox
    assert mail.to == ["ana.learner@example.com"]
    assert mail.body.startswith(f"Hello Learner {ana.pk},")
    assert "ana.learner," not in mail.body
    assert f"Hello Learner {ana.pk}," in mail.alternatives[0][0]


def test_the_name_chosen_at_sign_up_greets_the_learner_in_the_decision_email(
    client, brief, mentor, make_submission, mailoutbox, django_capture_on_commit_callbacks
):
    data = {"email": "ana.learner@example.com", "password1": PASSWORD, "password2": PASSWORD, "name": "Ana Lima"}
    client.post(reverse("account_signup"), data)
    learner = User.objects.get(email="ana.learner@example.com")
    claimed = services.claim(make_submission(learner, brief), mentor=mentor)
    mailoutbox.clear()  # the sign-up's verification e-mail
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(claimed, mentor=mentor, decision="approved", feedback="")
    assert [m.body.split("\n", 1)[0] for m in mailoutbox] == ["Hello Ana Lima,"]


# --- The portfolio -------------------------------------------------------------------------


@pytest.fixture
def approved(ana_submission, mentor):
    claimed = services.claim(ana_submission, mentor=mentor)
    return services.decide(claimed, mentor=mentor, decision="approved", feedback="")


def test_the_portfolio_and_its_tags_are_titled_with_the_number_until_a_name_is_chosen(client, ana, approved):
    services.update_portfolio(ana, is_public=True, headline="", handle="ana-l")
    html = client.get("/u/ana-l/").text
    title = f"Learner {ana.pk}'s deep learning portfolio"
    assert f"<h1>{title}</h1>" in html
    assert f"<title>{title} · dlcurriculum</title>" in html
    assert share_metas(html)["og:title"] == title
    assert "ana.learner" not in html
    assert "A deep learning portfolio" not in html


def test_the_portfolio_takes_the_name_once_chosen(client, ana, approved):
    services.update_portfolio(ana, is_public=True, headline="", handle="ana-l")
    ana.name = "Ana Lima"
    ana.save(update_fields=["name"])
    html = client.get("/u/ana-l/").text
    assert share_metas(html)["og:title"] == "Ana Lima's deep learning portfolio"
    assert "<h1>Ana Lima's deep learning portfolio</h1>" in html


def test_the_settings_say_where_the_title_comes_from_and_link_to_it(client, ana):
    client.force_login(ana)
    html = client.get(reverse("capstones:portfolio_settings")).text
    assert f"It is titled “Learner {ana.pk}'s deep learning portfolio”" in html
    assert "you have not chosen yet; set it in" in html
    assert f'<a href="{reverse("users:profile")}#id_name">your profile</a>' in html
    ana.name = "Ana Lima"
    ana.save(update_fields=["name"])
    html = client.get(reverse("capstones:portfolio_settings")).text
    assert "It is titled “Ana Lima's deep learning portfolio”: the display name you chose in" in html


def test_the_handle_help_shows_the_real_address_before_and_after_a_handle_is_saved(client, ana):
    client.force_login(ana)
    url = reverse("capstones:portfolio_settings")
    assert "Your page's address will be http://testserver/u/your-handle/ (" in client.get(url).text
    client.post(url, {"handle": "ana-l", "headline": ""})
    html = client.get(url).text
    assert "Your page's address: http://testserver/u/ana-l/ (" in html
    assert "/u//" not in html


def _show(client, submission, **extra):
    return client.post(reverse("capstones:visibility", kwargs={"pk": submission.pk}), {"public": "1", **extra})


def test_show_on_the_settings_lands_on_the_public_capstone_page(client, ana, approved):
    services.update_portfolio(ana, is_public=True, headline="", handle="ana-l")
    client.force_login(ana)
    response = _show(client, approved, **{"from": "portfolio"})
    assert response.url == reverse("portfolio:capstone", kwargs={"handle": "ana-l", "key": approved.brief.key})
    assert client.get(response.url).status_code == 200


def test_show_without_a_handle_lands_on_the_public_portfolio(client, ana, approved):
    portfolio = services.update_portfolio(ana, is_public=True, headline="")
    client.force_login(ana)
    response = _show(client, approved, **{"from": "portfolio"})
    assert response.url == portfolio.get_absolute_url()
    assert approved.title in client.get(response.url).text


def test_show_while_the_portfolio_is_private_says_so_on_the_settings(client, ana, approved):
    client.force_login(ana)
    response = _show(client, approved, **{"from": "portfolio"})
    assert response.url == reverse("capstones:portfolio_settings")
    assert "once it is public" in client.get(response.url).text


def test_the_settings_buttons_say_where_they_come_from(client, ana, approved):
    client.force_login(ana)
    html = client.get(reverse("capstones:portfolio_settings")).text
    assert '<input type="hidden" name="from" value="portfolio">' in html


def test_show_on_the_submission_page_stays_there(client, ana, approved):
    services.update_portfolio(ana, is_public=True, headline="", handle="ana-l")
    client.force_login(ana)
    assert _show(client, approved).url == approved.get_absolute_url()
