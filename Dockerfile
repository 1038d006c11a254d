# Production image: gunicorn serving the dashboard against an external PostgreSQL (DATABASE_URL).

# Build stage: the wheel, which carries seed/, migrations/, assets/ and the compiled catalogues (setup.py)
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY app ./app
COPY assets ./assets
COPY migrations ./migrations
COPY seed ./seed
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    FJERNARBEID_DATA_DIR=/var/lib/fjernarbeid BROWSER_PATH=/usr/bin/chromium

# Chromium draws the chart images and handouts on the server (kaleido)
RUN apt-get update && apt-get install -y --no-install-recommends chromium \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 fjernarbeid \
 && mkdir -p /var/lib/fjernarbeid && chown fjernarbeid /var/lib/fjernarbeid

WORKDIR /app
# the installed wheel alone: no source tree in the image, the package finds its data inside itself
COPY --from=wheel /wheels /tmp/wheels
RUN pip install /tmp/wheels/*.whl && rm -rf /tmp/wheels

USER fjernarbeid
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health').status != 200)"
# Alone (one container), migrations and the idempotent seed run at every start, then a job worker starts
# beside gunicorn;
# docker-compose.yml runs them in its one-shot `migrate` service instead and starts a `worker` beside it.
CMD ["sh", "-c", "fjernarbeid db upgrade && fjernarbeid seed && { fjernarbeid worker & } && exec gunicorn --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --threads 8 --timeout 60 --access-logfile - app.wsgi:server"]
