#!/bin/bash
# tools/pg-replica.sh [--keep] - the database part of docs/deploy.md, run for
# real on throw-away PostgreSQL 15 clusters on this machine (127.0.0.1, free
# ports, everything under one temp directory, removed at the end unless
# --keep):
#   1. a primary configured as docs/deploy.md says (wal_level, WAL archiving
#      with archive_command, a replication role, pg_hba lines), loaded with
#      `gongkai init` and `gongkai demo`;
#   2. a streaming replica made with `pg_basebackup -R` and a replication
#      slot; a change made by gongkai on the primary is read on the replica,
#      and the replica refuses writes;
#   3. the nightly dump: `pg_dump -Fc`, restored with pg_restore into a new
#      database; `gongkai audit verify` and `gongkai store verify` against
#      the primary pass on the restored copy;
#   4. point-in-time recovery: a base backup, a named restore point, a change
#      after it ("the mistake"), then the base backup restored with
#      restore_command and recovery_target_name: the state before the
#      mistake, and gongkai's audit chain intact.
# Exits non-zero at the first step that does not hold. Run as root (the
# clusters run as the system user gongkai-pg, as tools/pg.sh does) or as an
# unprivileged user. GONGKAI_BIN: the binary (default bin/gongkai).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
GK=${GONGKAI_BIN:-$ROOT/bin/gongkai}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || dirname "$(command -v pg_ctl)")}
KEEP=${1:-}
REPL_PW=replica-test-password

run_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u gongkai-pg -- "$@"
	else
		"$@"
	fi
}

free_port() {
	local p=$(( 20000 + (RANDOM % 20000) ))
	while (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; do
		p=$((p + 1))
	done
	echo "$p"
}

step() { printf '\n== %s\n' "$*"; }
fail() { echo "pg-replica: FAILED: $*" >&2; exit 1; }

[ -x "$GK" ] || fail "no binary $GK (make bin/gongkai)"
if [ "$(id -u)" = 0 ] && ! id gongkai-pg >/dev/null 2>&1; then
	useradd -r -M -d /nonexistent -s /usr/sbin/nologin gongkai-pg
fi
T=$(mktemp -d /tmp/gk-replica-XXXXXX)
chmod 0755 "$T"
mkdir -p "$T/archive" "$T/dumps"
[ "$(id -u)" = 0 ] && chown -R gongkai-pg "$T"

cleanup() {
	for d in primary replica pitr; do
		[ -f "$T/$d/postmaster.pid" ] && run_as "$PGBIN/pg_ctl" -D "$T/$d" -m fast -w stop >/dev/null 2>&1 || true
	done
	if [ "$KEEP" = --keep ]; then
		echo "pg-replica: kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

P1=$(free_port)
P2=$((P1 + 1))
P3=$((P1 + 2))
PRIMARY="postgresql://postgres@127.0.0.1:$P1/gongkai"
REPLICA="postgresql://postgres@127.0.0.1:$P2/gongkai"

step "1. primary on port $P1: initdb, postgresql.conf, pg_hba.conf"
run_as "$PGBIN/initdb" -D "$T/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$T/initdb.log"
# the lines docs/deploy.md gives for postgresql.conf (paths and addresses
# adjusted to this test)
cat >>"$T/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $P1
unix_socket_directories = '$T'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
wal_keep_size = 512MB
hot_standby = on
archive_mode = on
archive_command = 'test ! -f $T/archive/%f && cp %p $T/archive/%f'
archive_timeout = 60
EOF
# pg_hba.conf: the replication role by password from the replica's address
# (here 127.0.0.1); postgres by trust only because this is a test cluster
cat >"$T/primary/pg_hba.conf" <<EOF
local   all          all                       trust
host    all          postgres    127.0.0.1/32  trust
host    all          gongkai     127.0.0.1/32  scram-sha-256
host    replication  replicator  127.0.0.1/32  scram-sha-256
EOF
run_as "$PGBIN/pg_ctl" -D "$T/primary" -l "$T/primary.log" -w start >/dev/null
psql "postgresql://postgres@127.0.0.1:$P1/postgres" -qc "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '$REPL_PW'"
psql "postgresql://postgres@127.0.0.1:$P1/postgres" -qc "CREATE DATABASE gongkai"
# two processes migrating an empty database at once (two servers starting
# together after an upgrade): the second waits for the first's advisory
# lock and finds nothing left to do
psql "postgresql://postgres@127.0.0.1:$P1/postgres" -qc "CREATE DATABASE migrate_race"
RACE="postgresql://postgres@127.0.0.1:$P1/migrate_race"
"$GK" --db "$RACE" audit verify >"$T/race1.log" 2>&1 &
r1=$!
"$GK" --db "$RACE" audit verify >"$T/race2.log" 2>&1 &
r2=$!
wait $r1 || fail "the first of two concurrent migrations failed: $(cat "$T/race1.log")"
wait $r2 || fail "the second of two concurrent migrations failed: $(cat "$T/race2.log")"
[ "$(psql "$RACE" -Atc 'SELECT COUNT(*) = COUNT(DISTINCT version) AND COUNT(*) > 0 FROM schema_migrations')" = t ] ||
	fail "concurrent migrations applied a migration twice"
echo "two concurrent migrations: both succeeded, $(grep -c 'applied migration' "$T/race1.log" "$T/race2.log" | tr '\n' ' ')"
"$GK" --db "$PRIMARY" init >/dev/null 2>"$T/gk.log"
GONGKAI_DATA=$ROOT/data "$GK" --db "$PRIMARY" demo >/dev/null 2>>"$T/gk.log"
echo "primary: $("$GK" --db "$PRIMARY" audit verify 2>>"$T/gk.log")"

step "2. streaming replica on port $P2: pg_basebackup -R with a slot"
run_as env PGPASSWORD=$REPL_PW "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$P1" -U replicator -D "$T/replica" \
	-R -X stream -C -S replica1 -c fast
sed -i "s/^port = $P1/port = $P2/" "$T/replica/postgresql.conf"
grep -q "primary_conninfo" "$T/replica/postgresql.auto.conf" || fail "pg_basebackup -R wrote no primary_conninfo"
[ -f "$T/replica/standby.signal" ] || fail "pg_basebackup -R wrote no standby.signal"
run_as "$PGBIN/pg_ctl" -D "$T/replica" -l "$T/replica.log" -w start >/dev/null
[ "$(psql "$REPLICA" -Atc 'SELECT pg_is_in_recovery()')" = t ] || fail "the replica is not in recovery"
"$GK" --db "$PRIMARY" user add replcheck --org tongxiang-edu --role viewer --password-stdin \
	<<<"Replica-check-2026" >/dev/null 2>>"$T/gk.log"
for _ in $(seq 1 50); do
	n=$(psql "$REPLICA" -Atc "SELECT count(*) FROM users WHERE username = 'replcheck'")
	[ "$n" = 1 ] && break
	sleep 0.2
done
[ "$n" = 1 ] || fail "the user added on the primary did not reach the replica"
echo "replica: the user added on the primary is there; lag $(psql "postgresql://postgres@127.0.0.1:$P1/postgres" -Atc \
	"SELECT COALESCE(replay_lag::text, '0') FROM pg_stat_replication WHERE application_name = 'walreceiver'")"
if psql "$REPLICA" -qc "UPDATE orgs SET name = name" 2>/dev/null; then
	fail "the replica accepted a write"
fi
echo "replica: refuses writes (read-only transaction)"
psql "postgresql://postgres@127.0.0.1:$P1/postgres" -Atc "SELECT slot_name, active FROM pg_replication_slots"

step "3. nightly dump (pg_dump -Fc) and a restore drill"
run_as "$PGBIN/pg_dump" -h 127.0.0.1 -p "$P1" -U postgres -Fc -f "$T/dumps/gongkai-$(date +%F).dump" gongkai
psql "postgresql://postgres@127.0.0.1:$P1/postgres" -qc "CREATE DATABASE restore_drill"
run_as "$PGBIN/pg_restore" -h 127.0.0.1 -p "$P1" -U postgres -d restore_drill --no-owner "$T/dumps/gongkai-$(date +%F).dump"
DRILL="postgresql://postgres@127.0.0.1:$P1/restore_drill"
"$GK" --db "$DRILL" audit verify 2>>"$T/gk.log"
"$GK" store verify --from "$PRIMARY" --to "$DRILL" 2>>"$T/gk.log" | tail -1

step "4. point-in-time recovery from the WAL archive"
run_as env PGPASSWORD=$REPL_PW "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$P1" -U replicator -D "$T/base" -X none -c fast -Ft
psql "$PRIMARY" -Atc "SELECT pg_create_restore_point('before_mistake')" >/dev/null
"$GK" --db "$PRIMARY" user add mistake --org tongxiang-edu --role viewer --password-stdin \
	<<<"Mistake-user-2026" >/dev/null 2>>"$T/gk.log"
psql "$PRIMARY" -Atc "SELECT pg_switch_wal()" >/dev/null
for _ in $(seq 1 50); do
	[ "$(psql "postgresql://postgres@127.0.0.1:$P1/postgres" -Atc "SELECT last_archived_wal IS NOT NULL AND last_failed_wal IS NULL FROM pg_stat_archiver")" = t ] && break
	sleep 0.2
done
mkdir -p "$T/pitr"
tar -xf "$T/base/base.tar" -C "$T/pitr"
[ "$(id -u)" = 0 ] && chown -R gongkai-pg "$T/pitr"
chmod 0700 "$T/pitr"
cat >>"$T/pitr/postgresql.conf" <<EOF
port = $P3
archive_mode = off
restore_command = 'cp $T/archive/%f %p'
recovery_target_name = 'before_mistake'
recovery_target_action = 'promote'
EOF
run_as touch "$T/pitr/recovery.signal"
run_as "$PGBIN/pg_ctl" -D "$T/pitr" -l "$T/pitr.log" -w -t 120 start >/dev/null
PITR="postgresql://postgres@127.0.0.1:$P3/gongkai"
for _ in $(seq 1 100); do
	[ "$(psql "$PITR" -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break
	sleep 0.2
done
[ "$(psql "$PITR" -Atc "SELECT count(*) FROM users WHERE username = 'replcheck'")" = 1 ] ||
	fail "the recovered database lacks what came before the restore point"
[ "$(psql "$PITR" -Atc "SELECT count(*) FROM users WHERE username = 'mistake'")" = 0 ] ||
	fail "the recovered database has what came after the restore point"
echo "pitr: recovered to 'before_mistake': replcheck present, mistake absent"
"$GK" --db "$PITR" audit verify 2>>"$T/gk.log"

step "pg-replica: all steps passed"
