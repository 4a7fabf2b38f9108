#!/usr/bin/env bash
# Alerts (issue 14 item 2; issue 13: they fire once with several instances): two collector
# instances on one database (PostgreSQL as collector_alerts_pg, one SQLite file here), both with
# a webhook (a real HTTP server on 127.0.0.1 that answers its first request 500) and a command.
# Six conditions hold at the start (a kiosk never heard from, one silent for 3 hours within its
# opening hours, an unsynchronised clock, low disk, gaps, conflicts) and one kiosk silent for 3
# hours outside its opening hours must not be raised. Checked: each condition is raised once at
# the webhook and once through the command, whichever instance sends it (the one refused with 500
# is sent again); after every instance has made two more passes nothing more arrives (no repeat
# storm); heartbeats through the instances clear three conditions, each "cleared" once; the state
# is in the database. Synchronised on the receiver's log and the instances' "alerts: pass N"
# lines (--test-alert-trace), never on sleeps. The kiosks page flags by the same judgement (k5
# silent, k4 not).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/coll_test.sh
. "$HERE/lib/coll_test.sh"
# shellcheck source=lib/coll_db.sh
. "$HERE/lib/coll_db.sh"
export TZ=UTC # the opening hours below are written in UTC
# until_true CMD...: waits until CMD succeeds while both instances run (a guard of 300 s against
# a hang, no budget)
until_true() {
    local i
    for ((i = 0; i < 6000; i++)); do
        "$@" && return 0
        for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || return 1; done
        sleep 0.05
    done
    return 1
}
hook_ok() { grep -c '^200 ' "$TMP/hook.log" 2>/dev/null || true; }
cmd_n() { grep -c 'wijkpeil-alert/1' "$TMP/cmd.log" 2>/dev/null || true; }
pass_of() { sed -n 's/.*alerts: pass \([0-9]*\)$/\1/p' "$TMP/serve$1.err" | tail -1; }
# two_more_passes: waits until each instance has ended two passes more than it had now
two_more_passes() {
    local a b
    a=$(($(pass_of 1) + 2))
    b=$(($(pass_of 2) + 2))
    until_true bash -c "[ \"\$(sed -n 's/.*alerts: pass \([0-9]*\)\$/\1/p' '$TMP/serve1.err' | tail -1)\" -ge $a ] &&
        [ \"\$(sed -n 's/.*alerts: pass \([0-9]*\)\$/\1/p' '$TMP/serve2.err' | tail -1)\" -ge $b ]"
}

DB=$(coll_db_new alerts)
for k in k1 k2 k3 k4 k5; do
    "$C" device add "$k" --location "loc-$k" --db "$DB" | tail -1 >"$TMP/tok-$k"
done
# k3: sequence numbers 1 and 3 (2 missing), then number 1 again with other answers (a conflict)
python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
def item(seq, answer):
    return {"id": "00000000-0000-4000-8000-%012d" % seq, "seq": seq, "questionset": "q",
            "questionset_version": 1, "language": "nl", "started_at": "2027-03-01T09:15:02Z",
            "finished_at": "2027-03-01T09:17:40Z", "duration_ms": 1, "status": "complete",
            "answers": {"a": answer}}
with open(tmp + "/k3.jsonl", "w") as f:
    for s in (1, 3):
        f.write(json.dumps(item(s, "x")) + "\n")
with open(tmp + "/k3-again.jsonl", "w") as f:
    f.write(json.dumps(item(1, "other")) + "\n")
PY
"$C" import "$TMP/k3.jsonl" --device k3 --db "$DB" >/dev/null
"$C" import "$TMP/k3-again.jsonl" --device k3 --db "$DB" >/dev/null 2>&1 || true
# k2 (and k3): last heartbeat now, k2's clock not synchronised, 1 kB free. k4 and k5: last
# contact 3 hours ago; k4's opening hours began an hour from now and ended four hours ago (closed
# since), k5's began four hours ago and end an hour from now (open all the time)
NOW=$(($(date +%s) * 1000))
hhmm() { date -u -d "@$(($(date +%s) + $1 * 3600))" +%H:%M; }
coll_db_sql "$DB" "UPDATE devices SET last_seen_ms = $NOW, clock_synced = 0,
    last_status = '{\"clock_synced\":false,\"free_disk_bytes\":1000}' WHERE name = 'k2'"
# k3: in network contact now (its responses came from a stick: no contact)
coll_db_sql "$DB" "UPDATE devices SET last_seen_ms = $NOW WHERE name = 'k3'"
coll_db_sql "$DB" "UPDATE devices SET last_seen_ms = $((NOW - 3 * 3600000)), clock_synced = 1,
    last_status = '{\"opening_hours\":\"$(hhmm 1)-$(hhmm -4)\"}' WHERE name = 'k4'"
coll_db_sql "$DB" "UPDATE devices SET last_seen_ms = $((NOW - 3 * 3600000)), clock_synced = 1,
    last_status = '{\"opening_hours\":\"$(hhmm -4)-$(hhmm 1)\"}' WHERE name = 'k5'"

echo 'correct horse battery' | "$C" user add anna --role viewer --db "$DB" >/dev/null
python3 "$HERE/lib/alert_receiver.py" "$TMP/hook.log" "$TMP/hook.port" 1 &
PIDS+=($!)
wait_line "$TMP/hook.port" '^[0-9]+$' $! || {
    echo "the webhook receiver did not start" >&2
    exit 1
}
HOOK="http://127.0.0.1:$(cat "$TMP/hook.port")/hook"
# Each instance's first pass judges, then waits on its FIFO: both are let go together, so both
# change the state from the same reading (only the compare-and-set keeps one of them out).
PORTS=()
for i in 1 2; do
    mkfifo "$TMP/hold$i"
    coll_serve "serve$i" --db "$DB" --silent-after 60 --alert-interval 1 \
        --alert-webhook "$HOOK" --alert-command "cat >>'$TMP/cmd.log'" --test-alert-trace \
        --test-alert-hold "$TMP/hold$i"
    PORTS+=("$SERVE_PORT")
done
for i in 1 2; do
    wait_line "$TMP/serve$i.err" 'alerts: holding' "${PIDS[$i]}" || {
        cat "$TMP/serve$i.err" >&2
        exit 1
    }
done
echo go >"$TMP/hold1" &
echo go >"$TMP/hold2"
wait $!

check "six conditions raised at the webhook" until_true bash -c "[ \$(grep -c '^200 ' '$TMP/hook.log' 2>/dev/null) -ge 6 ]"
check "... and through the command" until_true bash -c "[ \$(grep -c wijkpeil-alert/1 '$TMP/cmd.log' 2>/dev/null) -ge 6 ]"
check "every instance made two more passes" two_more_passes
# conditions: "200 device cond state" per line of the webhook, "device cond state" of the command
summary() {
    python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    code, _, body = line.partition(" ") if line[0].isdigit() else ("", "", line)
    a = json.loads(body)
    assert a["protocol"] == "wijkpeil-alert/1" and a["at"].endswith("Z") and a["id"]
    print(" ".join(x for x in (code, a["device"], a["condition"], a["state"]) if x))
PY
}
summary "$TMP/hook.log" | sort >"$TMP/hook.1"
summary "$TMP/cmd.log" | sort >"$TMP/cmd.1"
RAISED="k1 silent raised
k2 clock raised
k2 disk raised
k3 conflicts raised
k3 gaps raised
k5 silent raised"
check "each raised once at the webhook (no repeat, k4 closed: not silent)" \
    test "$(grep '^200 ' "$TMP/hook.1" | cut -d' ' -f2-)" = "$RAISED"
check "... the one answered 500 was sent again, once" test "$(grep -c '^500 ' "$TMP/hook.1")" = 1
check "... each once through the command" test "$(cat "$TMP/cmd.1")" = "$RAISED"
check "the alert says why (silent within opening hours)" \
    grep -q '"device":"k5".*minutes of opening hours ago' "$TMP/hook.log"
check "... never in contact" grep -q '"device":"k1".*never in contact' "$TMP/hook.log"

# the kiosks page judges the same way: k5 flagged silent, k4 (closed all the while) not
J="$TMP/jar"
U="http://127.0.0.1:${PORTS[0]}"
curl -s -c "$J" -b "$J" -o "$TMP/login" "$U/dash/login"
curl -s -c "$J" -b "$J" -o /dev/null "$U/dash/login" \
    --data-urlencode "csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$TMP/login" | head -1)" \
    --data-urlencode user=anna --data-urlencode 'password=correct horse battery'
curl -s -b "$J" -o "$TMP/kiosks" "$U/dash/kiosks?lang=en"
check "kiosks page: k5 flagged silent" grep -q '<th scope="row">k5</th>.*silent too long' "$TMP/kiosks"
check "... k4 not (silent only outside its opening hours)" \
    bash -c "grep '<th scope=\"row\">k4</th>' '$TMP/kiosks' | grep -v -q 'silent too long'"

# clear three: k1 and k2 send heartbeats (clock synchronised, 10 GB free), through both instances
beat() {
    curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$TMP/tok-$1")" \
        -H 'Content-Type: application/json' \
        --data '{"protocol":"wijkpeil-sync/1","pending":0,"clock_synced":true,"free_disk_bytes":10000000000}' \
        "http://127.0.0.1:$2/v1/status"
}
check "heartbeats taken" test "$(beat k1 "${PORTS[1]}")$(beat k2 "${PORTS[0]}")" = 200200
check "three cleared at the webhook" until_true bash -c "[ \$(grep -c '^200 ' '$TMP/hook.log') -ge 9 ]"
check "... and through the command" until_true bash -c "[ \$(grep -c wijkpeil-alert/1 '$TMP/cmd.log') -ge 9 ]"
check "every instance made two more passes" two_more_passes
summary "$TMP/hook.log" | grep '^200 ' | cut -d' ' -f2- | sort >"$TMP/hook.2"
summary "$TMP/cmd.log" | sort >"$TMP/cmd.2"
ALL=$(printf '%s\n%s\n' "$RAISED" "k1 silent cleared
k2 clock cleared
k2 disk cleared" | sort)
check "each cleared once, nothing raised again" test "$(cat "$TMP/hook.2")" = "$ALL"
check "... the same through the command" test "$(cat "$TMP/cmd.2")" = "$ALL"
check "the state is in the database: three raised" \
    test "$(coll_db_sql "$DB" "SELECT device || ' ' || cond FROM alert_state WHERE active = 1 ORDER BY 1")" = "k3 conflicts
k3 gaps
k5 silent"
check "... nine events, all sent to both" \
    test "$(coll_db_sql "$DB" "SELECT COUNT(*) FROM alert_events WHERE done_ms > 0 AND sent = 3")" = 9
check "an instance logs what it raised" grep -qh 'alert raised: k3 (loc-k3) gaps' "$TMP/serve1.err" "$TMP/serve2.err"
check "... and the failed send" grep -qh 'not sent (attempt 1, .*HTTP 500' "$TMP/serve1.err" "$TMP/serve2.err"

# a bad webhook URL is refused at start
check "--alert-webhook must be http(s)" bash -c "! '$C' serve --db '$DB' --listen 127.0.0.1:0 --alert-webhook ftp://x 2>'$TMP/bad.err' </dev/null"
check "... saying so" grep -q 'http:// or https://' "$TMP/bad.err"

if [ "$fail" -ne 0 ]; then
    for i in 1 2; do
        echo "--- serve$i.err" >&2
        grep -v 'alerts: pass' "$TMP/serve$i.err" >&2 || true
    done
    echo "--- hook.log" >&2
    cat "$TMP/hook.log" >&2
    exit 1
fi
echo "all alert checks passed"
