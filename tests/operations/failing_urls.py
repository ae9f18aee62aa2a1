"""The project's URLs plus a view that fails while holding a learner's note, notebook and e-mail address."""

from django.urls import path

from dlcurriculum.urls import urlpatterns as project_urlpatterns


def failing_with_learner_data(request):
    notebook = request.POST["notebook"]  # a local variable: never sent
    note = request.POST["note"]
    raise RuntimeError(f"could not save the note of {request.POST['email']} ({len(note)} chars, {len(notebook)} bytes)")


urlpatterns = [
    path("fail-with-learner-data/", failing_with_learner_data, name="fail_with_learner_data"),
    *project_urlpatterns,
]
