#!/bin/sh
# Step 2 of deploy/check/deploy-check, inside the new Debian root with a network of its own: the
# commands of docs/deployment.md sections 2-7 with the answers a person would type given, then
# the checks. Stops at the first failure, naming it.
set -eu
# Only inside the root deploy/check/deploy-check made (it drops and creates a PostgreSQL cluster).
[ -f /etc/standortlotse-deploy-check ] || { echo "$0: not inside the deploy-check root" >&2; exit 64; }
export LC_ALL=C.UTF-8
host=standortlotse.landkreis.example
app=/srv/standortlotse/app
password="deploy-check-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
pids=""
fail() { echo "deploy-check: FAILED: $*" >&2; exit 1; }
step() { echo "== $*"; }
stop_all() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    nginx -s stop 2>/dev/null || true
    redis-cli shutdown nosave 2>/dev/null || true
    pg_ctlcluster 15 main stop 2>/dev/null || true
}
trap stop_all EXIT

step "PostgreSQL and Redis"
pg_ctlcluster 15 main start
redis-server --daemonize yes --save "" --appendonly no >/dev/null

step "3. database user (createuser --pwprompt, the password typed twice) and database"
printf '%s\n%s\n' "$password" "$password" | runuser -u postgres -- createuser --pwprompt standortlotse
runuser -u postgres -- createdb -O standortlotse standortlotse

step "2. the environment file"
install -m 640 -o root -g standortlotse /dev/null /etc/standortlotse.env
secret="$(python3.11 -c 'import secrets; print(secrets.token_urlsafe(50))')"
cat > /etc/standortlotse.env <<EOF
DJANGO_DEBUG="0"
DJANGO_SECRET_KEY="$secret"
DJANGO_ALLOWED_HOSTS="$host"
DATABASE_URL="postgres://standortlotse:$password@127.0.0.1:5432/standortlotse"
STANDORTLOTSE_SITE_URL="https://$host"
STANDORTLOTSE_SITE_NAME="Standortlotse Altmark (Landkreis Stendal)"
DJANGO_STATIC_ROOT="/srv/standortlotse/static"
DJANGO_MEDIA_ROOT="/srv/standortlotse/media"
STANDORTLOTSE_PRIVATE_ROOT="/srv/standortlotse/private"
STANDORTLOTSE_CACHE_DIR="/srv/standortlotse/var/cache"
STANDORTLOTSE_TRUSTED_PROXY_HOPS="1"
DJANGO_ADMINS="Betrieb (IT) <betrieb@$host>"
DJANGO_DEFAULT_FROM_EMAIL="Standortlotse <noreply@$host>"
EMAIL_HOST="127.0.0.1"
EMAIL_PORT="2525"
REDIS_URL="redis://127.0.0.1:6379/0"
STANDORTLOTSE_MAP_TILE_UPSTREAM=""
EOF

step "3. check, migrate, collectstatic, load_geo, setup_region"
install -d -o standortlotse -g standortlotse -m 755 /srv/standortlotse/static
run() { runuser -u standortlotse -- "$app/deploy/bin/standortlotse-env" "$@"; }
run check --deploy --fail-level WARNING
run migrate --noinput >/dev/null
run collectstatic --noinput -v0
run load_geo >/dev/null
run setup_region altmark \
    --moderator=moderation@altmark.example \
    --marketing-email=info@altmark.example \
    --district-email=15081=wirtschaft@altmarkkreis-salzwedel.example \
    --district-email=15090=ansiedlung@landkreis-stendal.example \
    --editor=redaktion@stendal.example=15090535 > /tmp/setup_region.txt
grep -q "moderation@altmark.example" /tmp/setup_region.txt || fail "setup_region did not name the moderator"

step "SMTP sink on 127.0.0.1:2525"
python3.11 - >/tmp/mails.txt 2>&1 <<'PY' &
import asyncore, smtpd, sys  # Debian 12's Python 3.11 still has smtpd
class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        print("MAIL FROM", mailfrom, "TO", rcpttos, flush=True)
        print(data.decode("utf-8", "replace"), flush=True)
Sink(("127.0.0.1", 2525), None)
asyncore.loop()
PY
pids="$! $pids"

step "4. gunicorn and the worker, by their units' ExecStart, as the units run them"
unit_command() { sed -n 's/^ExecStart=//p' "$app/deploy/systemd/$1"; }
start_unit() {  # unit file, log: the unit's user, working directory, environment file and command
    runuser -u standortlotse -- sh -c "set -a; . /etc/standortlotse.env; set +a; cd $app; \
        RUNTIME_DIRECTORY=/tmp exec $(unit_command "$1")" >"$2" 2>&1 &
    pids="$! $pids"
}
start_unit standortlotse-web.service /tmp/web.log
start_unit standortlotse-worker.service /tmp/worker.log
ready() {
    tries=0
    until curl -fs -o /dev/null "http://127.0.0.1:8000/health/ready/"; do
        tries=$((tries + 1))
        [ "$tries" -lt 60 ] || { tail -n 20 /tmp/web.log >&2; fail "/health/ready/ did not answer 200"; }
        sleep 1
    done
}
ready

step "5. nginx with the shipped site (a provisional self-signed certificate, as the guide says)"
install -d /var/www/letsencrypt "/etc/letsencrypt/live/$host"
install -m 644 "$app/deploy/nginx/standortlotse.conf" /etc/nginx/sites-available/standortlotse
sed -i "s/standortlotse.example.org/$host/g" /etc/nginx/sites-available/standortlotse
rm -f /etc/nginx/sites-enabled/default
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$host" \
    -keyout "/etc/letsencrypt/live/$host/privkey.pem" \
    -out "/etc/letsencrypt/live/$host/fullchain.pem" 2>/dev/null
ln -sf ../sites-available/standortlotse /etc/nginx/sites-enabled/
nginx -t 2>/dev/null || nginx -t
nginx

step "checks through nginx"
get() { curl -sS -k --resolve "$host:443:127.0.0.1" --resolve "$host:80:127.0.0.1" "$@"; }
status="$(get -o /dev/null -w '%{http_code}' "http://$host/immobilien/")"
[ "$status" = 301 ] || fail "port 80 answered $status, not the redirect to HTTPS"
get -o /tmp/home.html -w '%{http_code}\n' "https://$host/" | grep -q 200 || fail "the home page"
grep -q "Standortlotse" /tmp/home.html || fail "the home page has no Standortlotse"
css="$(cd /srv/standortlotse/static && find . -name '*.css' ! -name '*.gz' | sed 's#^\./##' | head -n 1)"
get -o /dev/null -D /tmp/static.headers "https://$host/static/$css"
grep -qi "^cache-control: .*immutable" /tmp/static.headers || fail "static files without their Cache-Control"
get -o /dev/null -w '%{http_code}' "https://$host/api/nope" | grep -q 404 || fail "/api/nope"
grep -q '"GET / HTTP' /var/log/nginx/standortlotse.access.log || fail "no access log of the site"
! grep -q "127.0.0.1" /var/log/nginx/standortlotse.access.log || fail "the access log keeps client addresses"

step "a mail through the configured SMTP server"
run sendtestemail betrieb@$host >/dev/null
sleep 1
grep -q "TO \['betrieb@$host'\]" /tmp/mails.txt || fail "no mail reached the SMTP sink"

step "each timer's job once, as its unit runs it (standortlotse@<job>.service, prune-tasks)"
for timer in "$app"/deploy/systemd/*.timer; do
    unit="$(sed -n 's/^Unit=//p' "$timer")"
    [ -n "$unit" ] || unit="$(basename "$timer" .timer).service"
    case "$unit" in
        standortlotse@*.service) job="${unit#standortlotse@}"; job="${job%.service}"
            command="$(unit_command standortlotse@.service | sed "s/%i/$job/g")" ;;
        *) command="$(unit_command "$unit")" ;;
    esac
    # -f: systemd passes "*" as it is (prune_db_task_results --queue-name *), so does the shell
    runuser -u standortlotse -- sh -fc "set -a; . /etc/standortlotse.env; set +a; cd $app; $command" \
        >/tmp/job.log 2>&1 || { cat /tmp/job.log >&2; fail "the job of $(basename "$timer"): $command"; }
done

step "7. backup, restore into a fresh database, start again on it"
install -d -o standortlotse -g standortlotse -m 700 /var/backups/standortlotse
backup="$(runuser -u standortlotse -- "$app/deploy/bin/standortlotse-backup" | tail -n 1)"
count() {  # rows of a table in the database of the environment file
    run shell -c "from django.db import connection; c = connection.cursor(); \
c.execute('SELECT count(*) FROM $1'); print(c.fetchone()[0])" | tail -n 1
}
before_users="$(count auth_user)"
before_places="$(count geo_municipality)"
runuser -u postgres -- createdb -O standortlotse standortlotse_restored
sed -i 's#/standortlotse"$#/standortlotse_restored"#' /etc/standortlotse.env
grep -q "standortlotse_restored" /etc/standortlotse.env || fail "the environment file was not switched"
runuser -u standortlotse -- "$app/deploy/bin/standortlotse-restore" "$backup" >/dev/null
[ "$(count auth_user)" = "$before_users" ] || fail "users after the restore"
[ "$(count geo_municipality)" = "$before_places" ] || fail "municipalities after the restore"
for pid in $pids; do kill "$pid" 2>/dev/null || true; done
sleep 2
pids=""
start_unit standortlotse-web.service /tmp/web2.log
start_unit standortlotse-worker.service /tmp/worker2.log
ready
get -o /dev/null -w '%{http_code}' "https://$host/" | grep -q 200 || fail "the home page after the restore"
echo "all steps passed: $before_users users, $before_places municipalities before and after the restore"
