# syntax=docker/dockerfile:1
#
# Stride: one image for every process type. The default command serves HTTP with gunicorn
# (WSGI, gthread); docker-compose.yml and deploy/k8s/ run the same image as `ws` (uvicorn,
# ASGI, websockets only), Celery `worker`s, `beat` and the `migrate` job. deploy/README.md
# explains the split.
#
#   docker build -t stride:local .
#
# Stages: deps (virtualenv from the pinned requirements) -> assets (gettext, compiled
# catalogs, collected static; never shipped) -> runtime (slim, non-root, no build tools).

ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# --- deps: the virtualenv ------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS deps

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

# Every pinned dependency ships a manylinux wheel, so no compiler is needed here.
COPY requirements/base.txt requirements/prod.txt /tmp/requirements/
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir -r /tmp/requirements/base.txt -r /tmp/requirements/prod.txt

# --- assets: translations and static files, built once at image build time -----------------
FROM deps AS assets

# gettext (msgfmt) exists only in this stage; the runtime stage gets the compiled .mo files.
# Unpinned on purpose: Debian replaces old versions in its security archive.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .

# config.settings.production refuses to import without its secrets. collectstatic and
# compilemessages open no connection, so they get throwaway build-only values that exist only
# in this RUN line: not in ENV, not in any layer of the runtime image (this stage is discarded).
# compilemessages is skipped when there is no msgfmt or no catalog to compile; the compiled
# .mo files committed under locale/ are then used as they are.
RUN export DJANGO_SETTINGS_MODULE=config.settings.production \
        DJANGO_SECRET_KEY=build-only-not-a-secret \
        DATABASE_URL=postgres://build:build@build.invalid:5432/build \
        REDIS_URL=redis://build.invalid:6379/0 \
        METRICS_TOKEN=build-only-not-a-secret \
        FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1rZXktMDEyMzQ1Njc4OTA= \
        PRIVACY_ZONE_SECRET=build-only-not-a-secret \
        DJANGO_ALLOWED_HOSTS=build.invalid \
    && if command -v msgfmt >/dev/null \
          && [ -n "$(find . -path '*/LC_MESSAGES/*.po' -print -quit)" ]; then \
         python manage.py compilemessages -v0; \
       else \
         echo "compilemessages skipped: using the committed .mo files"; \
       fi \
    && python manage.py collectstatic --noinput -v0 \
    && python -m compileall -q --invalidation-mode checked-hash apps config

# --- runtime -------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# gunicorn >= 25.1 opens a control socket under $HOME/.gunicorn by default; /app (the app
# user's home) is read-only, and nothing in a container uses the socket.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    HEALTHCHECK_PORT=8000 \
    GUNICORN_CMD_ARGS=--no-control-socket

RUN groupadd --system --gid 10001 stride \
    && useradd --system --uid 10001 --gid stride --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin stride

COPY --from=deps /opt/venv /opt/venv

WORKDIR /app
# Code, catalogs and static files stay owned by root: the app user can read, not change them.
# Only the local media folder (used when no S3 bucket is configured) is writable.
COPY --from=assets /app /app
RUN install -d -o stride -g stride /app/media

USER 10001:10001

EXPOSE 8000 8001

# /healthz touches no dependency. Django validates the Host header, so the check sends the
# first DJANGO_ALLOWED_HOSTS entry (a leading "." or "*" is dropped). The ws container sets
# HEALTHCHECK_PORT=8001; worker and beat containers turn the check off or replace it.
# It runs every 2 s while the container starts (Docker Engine 25+), then every 30 s.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --start-interval=2s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.*') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:%s/healthz' % os.environ.get('HEALTHCHECK_PORT', '8000'), headers={'Host': h}), timeout=4)"]

# sh -c only to expand the two tunables; exec hands PID 1 (and SIGTERM) to gunicorn.
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --worker-class gthread --workers ${WEB_CONCURRENCY:-2} --threads ${GUNICORN_THREADS:-8} --max-requests 2000 --max-requests-jitter 200 --access-logfile -"]
