#!/bin/bash
# GAS worker instance: `python -m workers.main NAME` under systemd, for NAME in
# annotator | notifier | archiver | restorer. An annotator instance runs
# GAS_ANNOTATORS processes (gas-annotator@1 ...), the others one.
source "$(dirname "$0")/common.sh"

name=${1:?usage: worker.sh annotator|notifier|archiver|restorer}
case "$name" in
    annotator|notifier|archiver|restorer) ;;
    *) echo "worker.sh: unknown worker '$name'; use annotator, notifier, archiver or restorer" >&2; exit 2 ;;
esac

log "$name: installing"
if [ "$name" = annotator ]; then
    install_packages nodejs npm          # anntools.install_reference fetches gene models with `npm pack`
else
    install_packages
fi
make_user
make_venv
fetch_secrets DATABASE_URL

if [ "$name" = annotator ]; then
    reference=$(sed -n 's/^GAS_REFERENCE_DIR=//p' /etc/gas/gas.env)
    log "annotator: installing the reference data into $reference"
    runuser -u gas -- env HOME="$DATA_DIR" \
        bash -c "cd '$GAS_HOME' && '$VENV/bin/python' -m anntools.install_reference --dir '$reference' --quiet"
fi

# Up to the queue's visibility timeout (120 s by default) to finish the current message;
# a message not finished by then comes back to another worker anyway.
UNIT_ENV=()
write_unit "gas-$name@" "GAS $name %i" 120 "$VENV/bin/python" -m workers.main "$name"

count=1
if [ "$name" = annotator ]; then
    count=$(sed -n 's/^GAS_ANNOTATORS=//p' /etc/gas/gas.env)
fi
systemctl daemon-reload
for i in $(seq 1 "${count:-1}"); do
    systemctl enable --now "gas-$name@$i.service"
done
log "$name: started $count process(es)"
