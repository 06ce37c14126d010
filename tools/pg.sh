#!/bin/bash
# tools/pg.sh start|stop|down|up|url DIR - a throw-away PostgreSQL 15 cluster
# for the tests: initdb into DIR (a new temp dir when omitted on start), a
# free port on 127.0.0.1, the socket in DIR, run by an unprivileged user
# (postgres refuses to run as root: the system user gongkai-pg, created when
# missing, or the caller when not root). `start` prints the cluster's
# directory on stderr and its connection string on stdout; `stop DIR` stops
# it and removes DIR. `down DIR` stops the server and keeps the cluster,
# `up DIR` starts it again on the same port (tests of a database that goes
# away and comes back). The database "postgres" is the maintenance database; tests
# create their own (tests/unit/store fixtures, tests/http/lib.mjs).
set -eu

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || dirname "$(command -v pg_ctl)")}

run_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u gongkai-pg -- "$@"
	else
		"$@"
	fi
}

free_port() {
	# a port nothing listens on (bash's /dev/tcp connects or fails)
	p=$(( 20000 + $$ % 20000 ))
	while :; do
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
			echo "$p"
			return
		fi
		p=$((p + 1))
	done
}

pg_up() {
	run_as "$PGBIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 \
		-o "-p $(cat "$1/port") -k $1 -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
		start >/dev/null || { cat "$1/server.log" >&2; exit 1; }
}

cmd=${1:-}
case "$cmd" in
start)
	if [ "$(id -u)" = 0 ] && ! id gongkai-pg >/dev/null 2>&1; then
		useradd -r -M -d /nonexistent -s /usr/sbin/nologin gongkai-pg
	fi
	dir=${2:-$(mktemp -d /tmp/gk-pg-XXXXXX)}
	mkdir -p "$dir"
	chmod 0755 "$dir"
	[ "$(id -u)" = 0 ] && chown gongkai-pg "$dir"
	port=$(free_port)
	run_as "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	# fsync off: a test cluster is thrown away, and durability is not what
	# its tests measure
	echo "$port" >"$dir/port"
	pg_up "$dir"
	echo "pg.sh: cluster in $dir" >&2
	echo "postgresql://postgres@127.0.0.1:$port/postgres"
	;;
stop)
	dir=${2:?usage: tools/pg.sh stop DIR}
	if [ -f "$dir/data/postmaster.pid" ]; then
		run_as "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
	fi
	rm -rf "$dir"
	;;
down)
	dir=${2:?usage: tools/pg.sh down DIR}
	run_as "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	;;
up)
	dir=${2:?usage: tools/pg.sh up DIR}
	pg_up "$dir"
	;;
url)
	dir=${2:?usage: tools/pg.sh url DIR}
	echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
	;;
*)
	echo "usage: tools/pg.sh start [DIR] | stop DIR | down DIR | up DIR | url DIR" >&2
	exit 2
	;;
esac
