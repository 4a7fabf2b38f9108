# shellcheck shell=bash
# The collector's database for a test script, on the backend the test runs against:
# WIJKPEIL_COLLECTOR_BACKEND=pg (ctest's *_pg twins) uses the PostgreSQL server of
# WIJKPEIL_PG_DIR (lib/pg_server.sh), anything else an SQLite file in $TMP.
#   coll_db_new NAME     prints a new, empty --db value: $TMP/NAME.db or a postgresql:// URI;
#                        the database exists (an empty file, as CREATE DATABASE on PostgreSQL),
#                        so any command may come first (only serve and device add create one)
#   coll_db_sql DB SQL   runs SQL on it, rows printed with | between values
#   coll_db_dump DB      everything it holds, as text (to look for what must not be there)
#   coll_pg_uri DBNAME   the URI of database DBNAME on the test server
# Sourcing it exits 77 (ctest: skipped) when the PostgreSQL server could not be had.
COLL_BACKEND=${WIJKPEIL_COLLECTOR_BACKEND:-sqlite}
if [ "$COLL_BACKEND" = pg ]; then
    : "${WIJKPEIL_PG_DIR:?set WIJKPEIL_PG_DIR to a folder of lib/pg_server.sh start}"
    if [ -f "$WIJKPEIL_PG_DIR/skip" ] || [ ! -f "$WIJKPEIL_PG_DIR/env" ]; then
        echo "SKIP: $(cat "$WIJKPEIL_PG_DIR/skip" 2>/dev/null || echo "no test PostgreSQL server")"
        exit 77
    fi
    # shellcheck disable=SC1091
    . "$WIJKPEIL_PG_DIR/env"
    export PGHOST PGPORT PGUSER
fi

coll_pg_uri() {
    printf 'postgresql://%s@/%s?host=%s&port=%s' "$PGUSER" "$1" "$PGHOST" "$PGPORT"
}

coll_db_new() {
    if [ "$COLL_BACKEND" = pg ]; then
        local name
        name="t_$(basename "$0" .sh)_$1_$$_$RANDOM"
        "$PG_BINDIR/psql" -qAt -d postgres -c "CREATE DATABASE \"$name\"" >/dev/null
        coll_pg_uri "$name"
    else
        : >"$TMP/$1.db"
        printf '%s/%s.db' "$TMP" "$1"
    fi
}

coll_db_sql() {
    case "$1" in
    postgresql://*) "$PG_BINDIR/psql" -qAt -v ON_ERROR_STOP=1 -d "$1" -c "$2" ;;
    *) sqlite3 "$1" "$2" ;;
    esac
}

coll_db_dump() {
    case "$1" in
    postgresql://*) "$PG_BINDIR/pg_dump" --data-only -d "$1" ;;
    *)
        cat "$1"
        sqlite3 "$1" .dump
        ;;
    esac
}

# coll_db_before_counts DB: takes DB back to schema 10, as a collector from before the results
# counts and sequence summaries (migrations 11 and 16) left it: the next collector to open it
# fills them from the responses held.
coll_db_before_counts() {
    case "$1" in
    postgresql://*)
        coll_db_sql "$1" "DROP TABLE agg_counts, agg_months, agg_delta; DROP TABLE device_seq CASCADE;
            DROP TABLE IF EXISTS agg_hours; DROP INDEX IF EXISTS responses_started;
            UPDATE wijkpeil_schema SET version = 10" >/dev/null
        ;;
    *)
        coll_db_sql "$1" "DROP TABLE agg_counts; DROP TABLE agg_months; DROP TABLE agg_delta;
            DROP TABLE device_seq; DROP TABLE IF EXISTS agg_hours; DROP INDEX IF EXISTS responses_started;
            PRAGMA user_version = 10"
        ;;
    esac
}
