# Common Map app image: Debian 12 with GDAL/GEOS/PROJ from Debian, Python deps from the lock,
# and Debian's Varnish for the front cache service (docker-compose.yml, scripts/front.sh).
FROM debian:bookworm-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv gdal-bin libgdal32 libgeos-c1v5 libproj25 proj-data binutils \
      postgresql-client ca-certificates gettext nodejs npm varnish \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN python3 -m venv /opt/venv && pip install --no-cache-dir -r requirements.lock
# MapLibre GL JS is served from node_modules (geoportal/staticfinders.py): install it exactly
# as package-lock.json pins it (no dev packages, no install scripts) before collectstatic.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY . .
RUN COMMONMAP_DEV=1 python manage.py compilemessages --verbosity 0 \
 && COMMONMAP_DEV=1 python manage.py collectstatic --noinput --verbosity 0 \
 && python -m compileall -q -j 0 -x '/node_modules/' .

EXPOSE 8000
# Migrate and load the demo areas and facilities (all idempotent), then serve.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py load_demo_areas && python manage.py load_demo_facilities && python manage.py load_demo_feedback && exec gunicorn geoportal.wsgi:application --bind 0.0.0.0:8000 --workers 3 --access-logfile - --no-control-socket"]
