"""The app's own knobs: capstones, link health, reminders, and how long what grows is kept."""

from .core import REDIS_URL, SITE_URL
from .env import DEBUG, env

# --- Capstones: submissions, automatic checks, mentor review --------------------
CAPSTONE_MAX_NOTEBOOK_BYTES = env.int("CAPSTONE_MAX_NOTEBOOK_BYTES", default=20 * 1024 * 1024)
# Outputs longer than this (characters) are cut short in the rendering, with a note.
CAPSTONE_MAX_OUTPUT_CHARS = env.int("CAPSTONE_MAX_OUTPUT_CHARS", default=50_000)
# A mentor's claim with no activity for this many days returns the submission to the queue.
CAPSTONE_CLAIM_IDLE_DAYS = env.int("CAPSTONE_CLAIM_IDLE_DAYS", default=3)
# A decision e-mail still not sent this long after the decision is enqueued again by the sweep.
CAPSTONE_SWEEP_AFTER_MINUTES = env.int("CAPSTONE_SWEEP_AFTER_MINUTES", default=10)
# Notebook check and rendering jobs: soft and hard time limits (seconds), the notebooks queue's
# (JOB_QUEUES, dlcurriculum/settings/jobs.py). A limit hit is stored as "too large to check
# automatically: a mentor will look", never retried.
CAPSTONE_JOB_SOFT_TIME_LIMIT = env.int("CAPSTONE_JOB_SOFT_TIME_LIMIT", default=45)
CAPSTONE_JOB_TIME_LIMIT = env.int("CAPSTONE_JOB_TIME_LIMIT", default=60)
# A started job's lease outlives its hard limit by this much (dlcurriculum.leases); a job whose
# lease expired, or never started this long after it was enqueued, is enqueued again by the sweep.
CAPSTONE_JOB_LEASE_MARGIN = env.int("CAPSTONE_JOB_LEASE_MARGIN", default=15)
CAPSTONE_JOB_GRACE_SECONDS = env.int("CAPSTONE_JOB_GRACE_SECONDS", default=60)
# A job started this many times without a result (killed at a limit each time) is stored as too large.
CAPSTONE_JOB_MAX_ATTEMPTS = 2
CAPSTONE_SWEEP_BATCH = 500
# A resubmission goes back to the mentor who asked for the changes; untouched this many days, to the queue.
CAPSTONE_RESUBMISSION_HOLD_DAYS = env.int("CAPSTONE_RESUBMISSION_HOLD_DAYS", default=3)
# Messages, resubmissions and decisions are e-mailed this long after the last of a burst, all in one
# e-mail (shorter in local mode, where a person tries the conversation out and waits for the console)...
CAPSTONE_NOTIFY_DELAY_SECONDS = env.int("CAPSTONE_NOTIFY_DELAY_SECONDS", default=120 if REDIS_URL else 30)
# ...but never later than this after the first, however long the burst goes on.
CAPSTONE_NOTIFY_MAX_WAIT_SECONDS = env.int("CAPSTONE_NOTIFY_MAX_WAIT_SECONDS", default=900)
# Batches whose burst is over are also looked for this often: the countdown task of each
# notification is lost when the broker was down at enqueue time (and, in local mode, always).
CAPSTONE_NOTIFY_SWEEP_SECONDS = env.int("CAPSTONE_NOTIFY_SWEEP_SECONDS", default=60)
# A mentor is nudged once about a claim idle this many days (before it expires at CAPSTONE_CLAIM_IDLE_DAYS).
CAPSTONE_CLAIM_NUDGE_DAYS = env.int("CAPSTONE_CLAIM_NUDGE_DAYS", default=2)
# Messages (comments) a person may send within CAPSTONE_MESSAGE_WINDOW_SECONDS, over all their
# submissions, and messages one submission's conversation takes from everyone in that window: a
# flood is refused with a message (the text stays in the form), before it costs notifications.
CAPSTONE_MESSAGES_PER_USER = env.int("CAPSTONE_MESSAGES_PER_USER", default=20)
CAPSTONE_MESSAGES_PER_SUBMISSION = env.int("CAPSTONE_MESSAGES_PER_SUBMISSION", default=40)
CAPSTONE_MESSAGE_WINDOW_SECONDS = env.int("CAPSTONE_MESSAGE_WINDOW_SECONDS", default=600)
# One activity e-mail shows at most this many updates and this many bytes of message text, then
# links to the rest on the site (every update stays in the inbox).
CAPSTONE_DIGEST_MAX_ITEMS = env.int("CAPSTONE_DIGEST_MAX_ITEMS", default=20)
CAPSTONE_DIGEST_MAX_BYTES = env.int("CAPSTONE_DIGEST_MAX_BYTES", default=50_000)
# A submission's conversation shows this many messages a page, the latest first page.
CAPSTONE_CONVERSATION_PAGE_SIZE = env.int("CAPSTONE_CONVERSATION_PAGE_SIZE", default=50)
# A handle a learner gives up stays theirs this long: nobody else may take it (or a look-alike), and
# links with it lead to the learner's new handle.
CAPSTONE_HANDLE_HOLD_DAYS = env.int("CAPSTONE_HANDLE_HOLD_DAYS", default=180)

# --- Study groups (dlcurriculum/groups) ---------------------------------------------
# Members a group takes at most (the owner included); joining a full group is refused with a message.
GROUP_MAX_MEMBERS = env.int("GROUP_MAX_MEMBERS", default=200)
# Groups one learner may be in at once (started or joined).
GROUP_MAX_PER_LEARNER = env.int("GROUP_MAX_PER_LEARNER", default=20)
# A message on a group page is at most this many characters (checked before it is rendered).
GROUP_MESSAGE_MAX_CHARS = env.int("GROUP_MESSAGE_MAX_CHARS", default=2000)
# Messages one person may post (over all their groups), and one group takes from everyone, in the window.
GROUP_MESSAGES_PER_USER = env.int("GROUP_MESSAGES_PER_USER", default=10)
GROUP_MESSAGES_PER_GROUP = env.int("GROUP_MESSAGES_PER_GROUP", default=60)
GROUP_MESSAGE_WINDOW_SECONDS = env.int("GROUP_MESSAGE_WINDOW_SECONDS", default=600)
# The group page shows this many messages, the latest first ("Earlier messages" for the rest).
GROUP_MESSAGES_PAGE_SIZE = env.int("GROUP_MESSAGES_PAGE_SIZE", default=30)
# E-mail invitations one group sends in an hour.
GROUP_INVITES_PER_HOUR = env.int("GROUP_INVITES_PER_HOUR", default=20)

# --- Link health: scheduled checks of every resource URL ----------------------------
# When the beat job runs, as a crontab "minute hour day-of-month month day-of-week" (UTC).
LINKCHECK_SCHEDULE = env("LINKCHECK_SCHEDULE", default="30 3 * * *")
# Politeness and timeouts: unset means the checker's own defaults (stages.linkhealth.checker.CheckerConfig),
# the same ones `python -m stages.linkhealth.checker` uses; flags of `manage.py check_links` override both.
LINKCHECK_CONCURRENCY = env.int("LINKCHECK_CONCURRENCY", default=None)
LINKCHECK_PER_HOST_CONCURRENCY = env.int("LINKCHECK_PER_HOST_CONCURRENCY", default=None)
LINKCHECK_PER_HOST_INTERVAL = env.float("LINKCHECK_PER_HOST_INTERVAL", default=None)
LINKCHECK_CONNECT_TIMEOUT = env.float("LINKCHECK_CONNECT_TIMEOUT", default=None)
LINKCHECK_READ_TIMEOUT = env.float("LINKCHECK_READ_TIMEOUT", default=None)
LINKCHECK_TOTAL_TIMEOUT = env.float("LINKCHECK_TOTAL_TIMEOUT", default=None)
LINKCHECK_MAX_REDIRECTS = env.int("LINKCHECK_MAX_REDIRECTS", default=None)
LINKCHECK_RETRY_AFTER_CAP = env.float("LINKCHECK_RETRY_AFTER_CAP", default=None)
LINKCHECK_USER_AGENT = env(
    "LINKCHECK_USER_AGENT", default=f"dlcurriculum-linkcheck/1.0 (+{SITE_URL}; checks the curriculum's links daily)"
)
# Broken or timed-out checks in a row before learners see "this link may be broken".
LINKCHECK_FAILURES_BEFORE_FLAG = env.int("LINKCHECK_FAILURES_BEFORE_FLAG", default=2)
# Private, loopback and link-local hosts are refused in production (the checker must not
# probe the internal network); local mode allows them for tests and benchmarks.
LINKCHECK_ALLOW_PRIVATE_ADDRESSES = env.bool("LINKCHECK_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
# Links per batch: a run of more is shared out to the link-check workers (all of a host's links in one batch).
LINKCHECK_BATCH_SIZE = env.int("LINKCHECK_BATCH_SIZE", default=200)
# Checks older than this leave the history (each link's current state stays in LinkStatus).
LINKCHECK_HISTORY_DAYS = env.int("LINKCHECK_HISTORY_DAYS", default=180)

# --- Reminders and notification e-mails ------------------------------------------
# Learners handled per batch: a constant number of queries and one SMTP connection each.
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=500)
# Accounts per task: a pass over more is shared out in id ranges to the e-mail workers.
REMINDER_TASK_LEARNERS = env.int("REMINDER_TASK_LEARNERS", default=2000)
# A reminder goes out at the learner's preferred local hour; a missed hourly run is caught up this many hours later.
REMINDER_SEND_WINDOW_HOURS = env.int("REMINDER_SEND_WINDOW_HOURS", default=3)
# Unanswered inactivity reminders per inactive stretch before we let the learner go.
REMINDER_INACTIVITY_MAX_REPEATS = env.int("REMINDER_INACTIVITY_MAX_REPEATS", default=3)
# SMTP failures: retried with exponential backoff, recorded as permanent after this many attempts.
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=8)
REMINDER_RETRY_BASE_SECONDS = env.int("REMINDER_RETRY_BASE_SECONDS", default=300)
REMINDER_RETRY_MAX_SECONDS = env.int("REMINDER_RETRY_MAX_SECONDS", default=6 * 3600)
# A run that dies while sending holds its claim this long before another run may send the reminder.
REMINDER_LEASE_SECONDS = env.int("REMINDER_LEASE_SECONDS", default=1800)
UNSUBSCRIBE_LINK_MAX_AGE_DAYS = env.int("UNSUBSCRIBE_LINK_MAX_AGE_DAYS", default=180)
# Records of sent and failed e-mails (addresses included) are kept this long.
SENT_EMAIL_RETENTION_DAYS = env.int("SENT_EMAIL_RETENTION_DAYS", default=365)

# --- Time spent: what learners say a resource took them -------------------------------
# Answers a resource needs before the learners' pace plans count their median instead of its
# estimate, and the insight page asks the content team to update the estimate.
TIME_SPENT_MIN_ANSWERS = env.int("TIME_SPENT_MIN_ANSWERS", default=20)

# --- Housekeeping: retention of what grows with time (dlcurriculum/retention.py) -------
# Each app registers what of its data expires; one daily job deletes it in batches of
# HOUSEKEEPING_BATCH_SIZE rows (one short transaction each) within HOUSEKEEPING_TIME_LIMIT_SECONDS
# (below the housekeeping queue's soft limit, JOB_QUEUES); a backlog is worked off over the following nights.
# Kept: link checks LINKCHECK_HISTORY_DAYS, sent-mail records SENT_EMAIL_RETENTION_DAYS (above);
# read notifications and settled reminders as below; sessions until they expire (SESSION_COOKIE_AGE).
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=180)
REMINDER_RETENTION_DAYS = env.int("REMINDER_RETENTION_DAYS", default=400)
HOUSEKEEPING_BATCH_SIZE = env.int("HOUSEKEEPING_BATCH_SIZE", default=1000)
HOUSEKEEPING_TIME_LIMIT_SECONDS = env.int("HOUSEKEEPING_TIME_LIMIT_SECONDS", default=480)
