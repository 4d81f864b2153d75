# The central store (head office) as a container image: `docker compose up -d` starts it with PostgreSQL.
# The image runs `omnitoko central init` (migrations under a lock, idempotent) and then granian; the background
# worker is the same image with `omnitoko central worker` (see compose.yaml).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMNITOKO_CENTRAL_CONFIG=/var/lib/omnitoko/central.toml \
    OMNITOKO_CENTRAL_SERVER__HOST=0.0.0.0

RUN useradd --system --create-home --home-dir /var/lib/omnitoko --shell /usr/sbin/nologin omnitoko

WORKDIR /app
# Dependencies first (a code change does not reinstall them), then the code; installed in place, as the
# migrations, templates and static files are read beside the packages.
COPY pyproject.toml README.md ./
COPY common ./common
COPY pos ./pos
COPY kiosk ./kiosk
COPY sync_agent ./sync_agent
COPY central ./central
COPY omnitoko ./omnitoko
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
RUN pip install -e . && python -c "import central.web.app, prometheus_client"
COPY --chown=omnitoko:omnitoko central.toml /var/lib/omnitoko/central.toml

USER omnitoko
WORKDIR /var/lib/omnitoko
EXPOSE 5100
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:5100/api/v1/health', timeout=4).status != 200)"
CMD ["sh", "-c", "omnitoko central init && exec omnitoko central serve --no-worker"]
