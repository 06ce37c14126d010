#!/bin/sh
# make demo: create demo.db with the demo agency and serve it.
set -eu
cd "$(dirname "$0")/.."
DB=${GONGKAI_DEMO_DB:-demo.db}
LISTEN=${GONGKAI_LISTEN:-127.0.0.1:8080}
STATIC=${GONGKAI_DEMO_STATIC:-demo-static}
bin/gongkai --db "$DB" init
out=$(bin/gongkai --db "$DB" demo)
echo "$out"
# the password of the demo's agency administrator: the one just created, or
# (the demo was loaded before) a new one, since the old one was shown once
pw=$(printf '%s\n' "$out" | sed -n 's/.*tongxiang.*密码：\([^（]*\).*/\1/p')
[ -n "$pw" ] || pw=$(bin/gongkai --db "$DB" user passwd tongxiang --random | sed -n 's/.*密码：\([^（]*\).*/\1/p')
# the static tree (静态化发布), kept up to date by serve --static
bin/gongkai --db "$DB" publish-static --all --out "$STATIC" --base-url "http://$LISTEN"
echo
echo "演示门户：http://$LISTEN/o/tongxiang-edu/"
echo "工作台：  http://$LISTEN/admin/login   用户名 tongxiang   密码 $pw"
echo "推送：    发布一条信息后，http://$LISTEN/admin/o/tongxiang-edu/deliveries 显示推送到两个演示渠道的记录"
echo "          （演示地址未连接，显示为等待重试；在“推送渠道”页面填入真实地址和密钥即可使用）"
echo "静态页面：$STATIC/（发布、撤回、更正后自动更新；gongkai publish-static --verify $STATIC 检查是否被改动；"
echo "          deploy/nginx-static.conf 用 nginx 提供这些文件）"
echo "(Ctrl-C 停止)"
echo
exec bin/gongkai --db "$DB" serve --listen "$LISTEN" --static "$STATIC" --static-base "http://$LISTEN"
