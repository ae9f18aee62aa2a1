"""A public portfolio never shows a name taken from the learner's e-mail address."""

from capstones import services
from tests.factories import UserFactory


def test_portfolio_without_a_display_name_has_a_neutral_title(client, db):
    learner = UserFactory(email="jane.doe.1987@example.com", name="")
    portfolio = services.update_portfolio(learner, is_public=True, headline="")
    html = client.get(portfolio.get_absolute_url()).text
    assert f"<h1>Learner {learner.pk}'s deep learning portfolio</h1>" in html
    assert "jane" not in html.lower()
    assert "1987" not in html


def test_portfolio_with_a_display_name_is_titled_with_it(client, db):
    learner = UserFactory(email="jd@example.com", name="Jane Doe")
    portfolio = services.update_portfolio(learner, is_public=True, headline="")
    assert "<h1>Jane Doe's deep learning portfolio</h1>" in client.get(portfolio.get_absolute_url()).text
