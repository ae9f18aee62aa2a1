"""Reminder e-mails: who is due (schedule), what they say (digest), the exactly-once pass
(sending), its reads (selectors), the unsubscribe page (views). Sent through the mail
transport in dlcurriculum.mail; schedule and digest are pure (no Django)."""
