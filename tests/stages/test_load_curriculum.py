import pytest
from django.core.management import CommandError, call_command

from stages import curriculum as cur
from stages.models import CapstoneBrief, Framework, ProjectIdea, Resource, Stage

SEED_STAGES = [
    "practical-encounter",
    "mathematical-foundations",
    "deep-dive",
    "capstone-1",
    "deep-reinforcement-learning",
    "capstone-2",
]


def _snapshot():
    return (
        list(Stage.objects.order_by("pk").values()),
        list(Resource.objects.order_by("pk").values()),
        list(CapstoneBrief.objects.order_by("pk").values()),
        list(ProjectIdea.objects.order_by("pk").values()),
        list(Framework.objects.order_by("pk").values()),
    )


def test_loaded_curriculum_has_the_six_stages_in_seed_order(curriculum):
    assert list(Stage.objects.order_by("order").values_list("slug", flat=True)) == SEED_STAGES


def test_every_resource_of_the_seed_lists_is_loaded_with_its_exact_url(curriculum):
    expected = {
        "practical-encounter": [
            "https://course.fast.ai/",
            "https://cloud.google.com/blog/products/gcp/learn-tensorflow-and-deep-learning-without-a-phd",
            "https://www.youtube.com/playlist?list=PLWKotBjTDoLj3rXBL-nEIPRN9V3a9Cx07",
        ],
        "mathematical-foundations": [
            "http://cs229.stanford.edu/section/cs229-linalg.pdf",
            "http://cs229.stanford.edu/section/cs229-prob.pdf",
            "https://www.deeplearningbook.org/",
            "https://arxiv.org/pdf/1802.01528.pdf",
            "https://github.com/fastai/numerical-linear-algebra",
        ],
        "deep-dive": ["https://www.deeplearning.ai/", "http://d2l.ai/", "http://introtodeeplearning.com/"],
        "deep-reinforcement-learning": [
            "https://simoninithomas.github.io/Deep_reinforcement_learning_Course/",
            "https://spinningup.openai.com/en/latest/",
            "https://www.youtube.com/watch?v=fdY7dt3ijgY",
            "https://github.com/enggen/DeepMind-Advanced-Deep-Learning-and-Reinforcement-Learning",
            "https://github.com/lebourbon/ADL_RL",
            "http://www.incompleteideas.net/book/the-book-2nd.html",
        ],
    }
    for slug, urls in expected.items():
        loaded = set(Resource.objects.filter(stage__slug=slug, optional=False).values_list("url", flat=True))
        assert set(urls) <= loaded, slug


def test_resources_recommended_in_the_text_are_loaded_as_optional(curriculum):
    optional = set(Resource.objects.filter(optional=True).values_list("url", flat=True))
    assert {
        "https://www.youtube.com/watch?v=vq2nnJ4g6N0",
        "http://karpathy.github.io/2016/05/31/rl/",
        "https://lilianweng.github.io/lil-log/2018/02/19/a-long-peek-into-reinforcement-learning.html",
        "https://github.com/d2l-ai/notebooks",
    } <= optional


def test_capstone_briefs_have_focus_frameworks_and_ideas(curriculum):
    first = CapstoneBrief.objects.get(stage__slug="capstone-1")
    second = CapstoneBrief.objects.get(stage__slug="capstone-2")
    assert first.focus == "Supervised Deep Learning"
    assert second.focus == "Deep Reinforcement Learning"
    for brief in (first, second):
        assert set(brief.allowed_frameworks.values_list("module", flat=True)) == {"torch", "tensorflow", "mxnet"}
        assert set(brief.forbidden_frameworks.values_list("module", flat=True)) == {"fastai", "keras"}
    assert list(first.ideas.order_by("order").values_list("url", flat=True)) == [
        "http://yann.lecun.com/exdb/mnist/",
        "http://mi.eng.cam.ac.uk/research/projects/VideoRec/CamVid/",
        "http://ai.stanford.edu/~amaas/data/sentiment/",
        "http://u.cs.biu.ac.il/~koppel/BlogCorpus.htm",
    ]
    assert list(second.ideas.order_by("order").values_list("title", flat=True)) == [
        "OpenAI Gym Exercises",
        "Connect Four Game Agent",
        "Frogger Game Agent",
    ]


def test_loading_twice_changes_nothing(curriculum):
    before = _snapshot()
    call_command("load_curriculum", verbosity=0)
    assert _snapshot() == before


def test_an_admin_edit_survives_a_reload(curriculum):
    resource = Resource.objects.get(key="fastai-practical-deep-learning")
    resource.url = "https://course.fast.ai/moved/"
    resource.save()
    call_command("load_curriculum", verbosity=0)
    resource.refresh_from_db()
    assert resource.url == "https://course.fast.ai/moved/"
    assert Resource.objects.filter(url="https://course.fast.ai/").count() == 0


def test_an_admin_deletion_survives_a_reload(curriculum):
    Resource.objects.filter(key="matrix-calculus").delete()
    call_command("load_curriculum", verbosity=0)
    assert not Resource.objects.filter(key="matrix-calculus").exists()


def test_update_overwrites_edits_and_restores_deletions(curriculum):
    Stage.objects.filter(slug="deep-dive").update(title="Edited")
    Resource.objects.filter(key="matrix-calculus").delete()
    call_command("load_curriculum", "--update", verbosity=0)
    assert Stage.objects.get(slug="deep-dive").title == "Deep Dive"
    assert Resource.objects.filter(key="matrix-calculus").exists()


def test_a_new_seed_resource_is_appended_when_an_admin_took_its_position(curriculum, tmp_path):
    stage = Stage.objects.get(slug="practical-encounter")
    count = stage.resources.count()
    text = cur.DEFAULT_PATH.read_text().replace(
        "    resources:\n      - key: fastai-practical-deep-learning",
        '    resources:\n      - key: brand-new\n        title: New\n        url: "https://example.com/new"\n'
        "        kind: article\n      - key: fastai-practical-deep-learning",
        1,
    )
    path = tmp_path / "c.yaml"
    path.write_text(text)
    call_command("load_curriculum", "--file", str(path), verbosity=0)
    new = Resource.objects.get(key="brand-new")
    assert new.stage == stage
    assert new.order == count + 1


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        (
            'url: "https://course.fast.ai/"',
            'url: "ftp://course.fast.ai/"',
            "fastai-practical-deep-learning): 'url' 'ftp://course.fast.ai/' is not an http(s) URL",
        ),
        ("kind: playlist", "kind: podcast", "isikdogan-crash-course): 'kind' 'podcast' is not one of"),
        ("slug: deep-dive", "slug: capstone-1", "slug 'capstone-1' is used twice"),
        ("forbidden: [fastai, keras]", "forbidden: [fastai, jax]", "framework 'jax' is not defined"),
        ("    order: 3\n", "    order: three\n", "'order' must be a whole number"),
        ("title: A Practical Encounter", "title: [A, list]", "'title' must be text"),
    ],
)
def test_an_invalid_file_names_the_entry_and_changes_nothing(curriculum, tmp_path, replace, by, message):
    before = _snapshot()
    text = cur.DEFAULT_PATH.read_text()
    assert replace in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(replace, by, 1))
    with pytest.raises(CommandError) as excinfo:
        call_command("load_curriculum", "--file", str(path), "--update", verbosity=0)
    assert message in str(excinfo.value)
    assert "Nothing was changed" in str(excinfo.value)
    assert _snapshot() == before


def test_malformed_yaml_is_reported_not_raised(db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("stages: [\n  - slug: x\n    title: : :\n")
    with pytest.raises(CommandError, match="not valid YAML"):
        call_command("load_curriculum", "--file", str(path), verbosity=0)
    assert Stage.objects.count() == 0
