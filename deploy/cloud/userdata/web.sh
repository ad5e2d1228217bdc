#!/bin/bash
# GAS web server: gunicorn (deploy/gunicorn.conf.py) on 0.0.0.0:8050, behind the load balancer,
# which checks /healthz. Stateless: every instance is the same and keeps nothing that matters.
source "$(dirname "$0")/common.sh"

log "web: installing"
install_packages
make_user
make_venv
fetch_secrets DATABASE_URL,GAS_SECRET_KEY STRIPE_SECRET_KEY,STRIPE_WEBHOOK_SECRET,GAS_CLIENT_SECRET

# The load balancer sets X-Forwarded-*; only it can reach port 8050 (security group), so trust them.
UNIT_ENV=("GAS_BIND=0.0.0.0:8050" "FORWARDED_ALLOW_IPS=*")
# Longer than gunicorn's graceful_timeout (20 s).
write_unit gas-web "GAS web app (gunicorn)" 30 \
    "$VENV/bin/gunicorn" -c "$GAS_HOME/deploy/gunicorn.conf.py" dashapp.wsgi:app

systemctl daemon-reload
systemctl enable --now gas-web.service
log "web: started gas-web.service"
