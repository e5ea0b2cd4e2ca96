# Aplauso in a container: a slim Python image, the app installed from its own wheel, run as an
# unprivileged user, with a health check on /healthz. See docs/deploy.md (and compose.yaml).

FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir build==1.2.2
COPY . .
RUN python -m build --wheel --outdir /dist .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/aplauso.db
RUN useradd --create-home --uid 10001 aplauso \
    && mkdir /data \
    && chown aplauso:aplauso /data
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-cache-dir /tmp/dist/*.whl \
    && rm -rf /tmp/dist
USER 10001
WORKDIR /home/aplauso
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
# `serve` applies pending migrations, checks the Slack token and its scopes, then serves.
CMD ["aplauso", "serve"]
