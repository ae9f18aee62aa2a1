"""Study groups: learners who take the curriculum together (issue #32).

Below the curriculum: it imports infrastructure and dlcurriculum.users only. What members see of
each other's progress is composed in the page layer (dlcurriculum/pages/group_pages.py) from these
selectors and progress's and capstones' own; progress's reminders read it from here.
"""
