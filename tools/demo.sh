#!/bin/sh
# make demo: create demo.db with the demo agency and serve it.
set -eu
cd "$(dirname "$0")/.."
DB=${GONGKAI_DEMO_DB:-demo.db}
LISTEN=${GONGKAI_LISTEN:-127.0.0.1:8080}
bin/gongkai --db "$DB" init
bin/gongkai --db "$DB" demo
pw=$(bin/gongkai --db "$DB" user passwd tongxiang --random | tail -1 | awk '{print $NF}')
echo
echo "演示门户：http://$LISTEN/o/tongxiang-edu/"
echo "工作台：  http://$LISTEN/admin/login   用户名 tongxiang   密码 $pw"
echo "(Ctrl-C 停止)"
echo
exec bin/gongkai --db "$DB" serve --listen "$LISTEN"
