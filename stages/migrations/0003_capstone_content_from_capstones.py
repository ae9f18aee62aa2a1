"""Capstone briefs, frameworks and project ideas are curriculum content: their models
move here from the capstones app. State only: the tables keep their names and rows
(capstones.0003 removes the models from the capstones app's state)."""

import django.db.models.constraints
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stages", "0002_link_health"),
        ("capstones", "0002_submissions_review_portfolio"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Framework",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=80, unique=True)),
                        (
                            "module",
                            models.CharField(
                                help_text="Top-level import name, e.g. torch, tensorflow, keras.",
                                max_length=80,
                                unique=True,
                            ),
                        ),
                        ("url", models.URLField(blank=True)),
                    ],
                    options={"db_table": "capstones_framework", "ordering": ["name"]},
                ),
                migrations.CreateModel(
                    name="CapstoneBrief",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.SlugField(max_length=80, unique=True)),
                        ("title", models.CharField(max_length=200)),
                        ("focus", models.CharField(max_length=200)),
                        ("rules", models.TextField(help_text="The rules in prose (Markdown).")),
                        (
                            "stage",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE, related_name="capstone", to="stages.stage"
                            ),
                        ),
                        (
                            "allowed_frameworks",
                            models.ManyToManyField(blank=True, related_name="allowed_in", to="stages.framework"),
                        ),
                        (
                            "forbidden_frameworks",
                            models.ManyToManyField(blank=True, related_name="forbidden_in", to="stages.framework"),
                        ),
                    ],
                    options={"db_table": "capstones_capstonebrief", "ordering": ["stage__order"]},
                ),
                migrations.CreateModel(
                    name="ProjectIdea",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField()),
                        ("title", models.CharField(max_length=200)),
                        ("url", models.URLField(blank=True, max_length=1000)),
                        (
                            "brief",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="ideas",
                                to="stages.capstonebrief",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "capstones_projectidea",
                        "ordering": ["brief", "order"],
                        "constraints": [
                            models.UniqueConstraint(
                                deferrable=django.db.models.constraints.Deferrable["DEFERRED"],
                                fields=("brief", "order"),
                                name="capstones_idea_unique_order",
                            ),
                            models.UniqueConstraint(fields=("brief", "title"), name="capstones_idea_unique_title"),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("url", ""),
                                    ("url__startswith", "http://"),
                                    ("url__startswith", "https://"),
                                    _connector="OR",
                                ),
                                name="capstones_idea_url_http",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
