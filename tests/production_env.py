"""The environment of a process started with production settings (``DEBUG=false``) in a test.

Production refuses to start half-configured (dlcurriculum/config.py), so every required
variable gets a value: the test's own where it set one (its database, its Redis), else a
placeholder that is never reached (a closed port). Callers override what they test.
"""

import os

PLACEHOLDERS = {
    "ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": "postgres://placeholder@127.0.0.1:9/placeholder",
    "REDIS_URL": "redis://127.0.0.1:9/0",
    "EMAIL_URL": "smtp://127.0.0.1:9",
    "SITE_URL": "https://dlcurriculum.test",
}


def production_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    for name, value in PLACEHOLDERS.items():
        if not env.get(name):
            env[name] = value
    env.update({"DEBUG": "false", "SECRET_KEY": "x" * 64, "SECURE_SSL_REDIRECT": "false"})
    env.update(overrides)
    return env
