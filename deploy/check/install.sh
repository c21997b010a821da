#!/bin/sh
# Step 1 of deploy/check/deploy-check, run by the new Debian root's shell with the host's network:
# docs/deployment.md section 1 (packages, the app user and its folders, the clone, the virtualenv,
# `pip install ".[redis]"`: the check runs with Redis), plus what the check itself uses.
set -eu
# Only inside the root deploy/check/deploy-check made (it drops and creates a PostgreSQL cluster).
[ -f /etc/standortlotse-deploy-check ] || { echo "$0: not inside the deploy-check root" >&2; exit 64; }
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
apt-get update -qq
# docs/deployment.md, 1. (plus what the check itself uses: openssl for a provisional
# certificate, curl for the requests, redis-server for the optional cache)
apt-get install -y -qq git python3.11-venv postgresql nginx libpango-1.0-0 libpangoft2-1.0-0 \
    fonts-dejavu-core ca-certificates openssl curl redis-server adduser >/dev/null
update-ca-certificates >/dev/null
# A new, empty cluster on 5432 for each run: Debian created it while the host network was in use
# (next to a PostgreSQL of the host on 5432 it chose 5433), and a root used again keeps the last
# run's data. Step 2 has a network of its own, in which 5432 is free, as on a fresh server.
pg_dropcluster --stop 15 main 2>/dev/null || true
pg_createcluster --port 5432 15 main >/dev/null
id standortlotse >/dev/null 2>&1 || adduser --system --group --home /srv/standortlotse standortlotse
install -d -o standortlotse -g standortlotse -m 750 /srv/standortlotse/app /srv/standortlotse/media \
    /srv/standortlotse/private /srv/standortlotse/var /srv/standortlotse/var/cache
if [ ! -d /srv/standortlotse/app/.git ]; then
    runuser -u standortlotse -- git clone --quiet /tmp/standortlotse.bundle /srv/standortlotse/app
else
    runuser -u standortlotse -- git -C /srv/standortlotse/app fetch --quiet /tmp/standortlotse.bundle HEAD
    runuser -u standortlotse -- git -C /srv/standortlotse/app checkout --quiet --detach FETCH_HEAD
fi
cd /srv/standortlotse/app
runuser -u standortlotse -- python3.11 -m venv .venv
PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    runuser -u standortlotse -- .venv/bin/pip install --quiet --disable-pip-version-check ".[redis]"

