# One image, two services: the bot (the default command) and the tutor service
# (`discord-tutor-service`). compose.yaml runs both; docs/deploy.md, "With Docker".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Runtime dependencies only, exactly as locked: pip checks every hash.
COPY requirements/runtime.lock requirements/runtime.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.lock

# Then the project itself, without dependencies (all of them are above). Only what production
# runs: .dockerignore keeps out the tests and the loopback Discord (bot/sandbox).
COPY pyproject.toml README.md LICENSE ./
COPY bot bot
COPY config config
COPY exercises exercises
COPY tutor tutor
COPY wire wire
RUN pip install --no-cache-dir --no-deps .

# Not root; the database on a volume that this user owns.
RUN groupadd --gid 10001 tutor \
    && useradd --create-home --uid 10001 --gid 10001 tutor \
    && mkdir /data \
    && chown 10001:10001 /data
USER 10001:10001
VOLUME /data

ENV DATABASE_PATH=/data/tutor.sqlite3 \
    HEALTH_PORT=8080 \
    HEALTH_HOST=0.0.0.0 \
    HEALTH_URL=http://127.0.0.1:8080/health
EXPOSE 8080 8765

# The bot's /health by default; compose.yaml points HEALTH_URL at the tutor service's own.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ['HEALTH_URL'], timeout=4)"]

STOPSIGNAL SIGTERM
CMD ["discord-tutor-bot"]
