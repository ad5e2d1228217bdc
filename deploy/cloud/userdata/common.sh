#!/bin/bash
# Shared by web.sh and worker.sh (sourced). The launch template's user data has
# already written /etc/gas/gas.env (the fleet's GAS environment, from SSM) and
# unpacked the release into /opt/gas; it then runs one of those scripts as root.
set -euo pipefail

GAS_HOME=${GAS_HOME:-/opt/gas}
VENV=$GAS_HOME/.venv
DATA_DIR=/var/lib/gas
UNIT_DIR=${UNIT_DIR:-/etc/systemd/system}     # tests point it elsewhere

log() { echo "gas-boot: $*" | systemd-cat -t gas-boot -p info 2>/dev/null || true; echo "gas-boot: $*"; }

# Python 3.11 from the Amazon Linux 2023 repositories, plus whatever the role adds ($@).
install_packages() {
    dnf install -y -q python3.11 python3.11-pip "$@"
}

# The service user: owns the data folder, runs every GAS process, logs in nowhere.
make_user() {
    id gas >/dev/null 2>&1 || useradd --system --home-dir "$DATA_DIR" --shell /sbin/nologin gas
    install -d -o gas -g gas -m 0750 "$DATA_DIR"
}

# The repo's requirements (requirements.txt, pinned) in a venv owned by root: the service cannot change its code.
make_venv() {
    python3.11 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q -r "$GAS_HOME/requirements.txt"
}

# Secrets from Parameter Store into /etc/gas/secrets.env (0600, read by systemd as root).
# $1: comma-separated names that must exist; $2: names used when present.
fetch_secrets() {
    local prefix
    prefix=$(sed -n 's/^GAS_SECRETS_PREFIX=//p' /etc/gas/gas.env)
    (cd "$GAS_HOME" && "$VENV/bin/python" -m deploy.cloud.fetch_secrets \
        --prefix "$prefix" --require "$1" --optional "${2:-}" --out /etc/gas/secrets.env)
}

# write_unit NAME DESCRIPTION STOP_TIMEOUT COMMAND...: a systemd service running COMMAND as `gas` in /opt/gas.
write_unit() {
    local name=$1 description=$2 stop_timeout=$3
    shift 3
    cat > "$UNIT_DIR/$name.service" <<UNIT
[Unit]
Description=$description
After=network-online.target
Wants=network-online.target

[Service]
User=gas
Group=gas
WorkingDirectory=$GAS_HOME
EnvironmentFile=/etc/gas/gas.env
EnvironmentFile=/etc/gas/secrets.env
Environment=PYTHONUNBUFFERED=1 HOME=$DATA_DIR
$(for line in "${UNIT_ENV[@]:-}"; do [ -n "$line" ] && echo "Environment=$line"; done)
ExecStart=$*
Restart=always
RestartSec=5
# SIGTERM once: the process finishes what it is doing, then exits (workers: the current message).
KillSignal=SIGTERM
TimeoutStopSec=$stop_timeout
NoNewPrivileges=true
ProtectSystem=full
PrivateTmp=true

[Install]
WantedBy=multi-user.target
UNIT
}
