# Debian trixie: its PostgreSQL client (17) can dump the compose stack's PostgreSQL 16 (manage.py backup).
FROM python:3.11-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN useradd --create-home --uid 1000 app

COPY pyproject.toml ./
COPY dlcurriculum ./dlcurriculum
COPY stages ./stages
COPY progress ./progress
COPY capstones ./capstones
RUN pip install .
COPY . .
# The app runs from /app (ahead of the installed copy on sys.path): its bytecode is written here, at
# build time, since PYTHONDONTWRITEBYTECODE keeps every process (each gunicorn and Celery worker,
# each manage.py) from writing it and each would otherwise compile the whole project at start-up.
RUN python -m compileall -q dlcurriculum stages progress capstones

# collectstatic runs with production settings, which refuse to load half-configured; these
# placeholders are never connected to and no real value is baked into the image.
RUN DEBUG=false SECRET_KEY=collectstatic-only-collectstatic-only-collectstatic-only \
    ALLOWED_HOSTS=build.invalid DATABASE_URL=postgres://build@build.invalid/build \
    REDIS_URL=redis://build.invalid:6379/0 EMAIL_URL=smtp://build.invalid:25 SITE_URL=https://build.invalid \
    python manage.py collectstatic --no-input \
 && mkdir -p /app/media /app/beat && chown -R app /app/media /app/beat

USER app
EXPOSE 8000
# Workers, threads and timeouts: gunicorn.conf.py.
CMD ["gunicorn", "dlcurriculum.wsgi:application", "--config", "gunicorn.conf.py"]
