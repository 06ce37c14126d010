/* main.c - `gongkai <command> [options]`: the one dispatch table of the
 * subcommands (name, handler, summary, usage) and the global option --db.
 *
 * Exit statuses: 0 success, 1 runtime error, 2 usage error. Every error is
 * one line on stderr, in Chinese, prefixed "gongkai: ". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/auth/auth.h"
#include "core/banned.h"

#define DB_HELP "  --db PATH          数据库文件（默认：环境变量 GONGKAI_DB，否则 gongkai.db）\n"

struct cmd {
	const char *name;
	int (*run)(const struct cli *c, int argc, char **argv);
	const char *summary;
	const char *usage;
};

static const struct cmd cmds[] = {
	{ "init", cli_init, "创建或升级数据库，建立平台机构和初始管理员",
	  "用法：gongkai init [--admin NAME] [--org-name 名称 --org-slug SLUG [--org-code 代码]]\n"
	  "\n"
	  "创建或升级数据库，建立平台机构；还没有任何用户时创建初始系统管理员，\n"
	  "其一次性密码只在这里显示一次。可重复运行：已完成的步骤不会重做。\n"
	  "\n"
	  "选项：\n"
	  "  --admin NAME       初始系统管理员的用户名（默认 admin）\n"
	  "  --org-name 名称    同时创建一个机构（含默认公开类别）\n"
	  "  --org-slug SLUG    该机构的标识，用于网址（小写字母、数字和 -）\n"
	  "  --org-code 代码    该机构的机构代码（索引号前缀）\n" DB_HELP },
	{ "demo", cli_demo, "载入演示机构（桐乡市教育局）及其公开目录",
	  "用法：gongkai demo\n"
	  "\n"
	  "从数据目录的 demo/tongxiang-edu/ 载入演示机构、公开指南和公开目录，\n"
	  "并创建机构管理员 tongxiang，其一次性密码只显示一次。机构已存在时不做改动。\n"
	  "数据目录：环境变量 GONGKAI_DATA，否则 ./data、程序所在目录的 ../data、\n"
	  "/usr/share/gongkai 中第一个含演示数据的目录。\n"
	  "\n"
	  "选项：\n" DB_HELP },
	{ "serve", cli_serve, "启动网站（公开门户、工作人员页面和 API）",
	  "用法：gongkai serve [--listen HOST:PORT] [--files DIR] [--threads N]\n"
	  "\n"
	  "升级数据库结构（如需要）后启动网站，收到 SIGINT 或 SIGTERM 时退出。\n"
	  "\n"
	  "选项：\n"
	  "  --listen HOST:PORT 监听地址（默认 127.0.0.1:8080；IPv6 写作 [::1]:8080）\n"
	  "  --files DIR        附件目录（默认：数据库文件名加 .files，如 gongkai.db.files）\n"
	  "  --threads N        工作线程数，1-256（默认 4）\n"
	  "  --max-upload MB    单个附件的大小上限，1-2048（默认 50）\n"
	  "  --timeout S        连接无数据多少秒后断开，1-3600（默认 30）\n"
	  "  --per-ip-connections N  同一地址同时打开的连接数上限，0 为不限（默认 256）\n"
	  "  --search-limit N   同一地址每分钟的检索次数上限，0 为不限（默认 60）\n"
	  "  --https            网站经 HTTPS 访问（如由反向代理提供）：发送 HSTS 头\n"
	  "  --static DIR       同时维护静态页面目录：发布、撤回、更正后重新生成受影响的页面\n"
	  "  --static-base URL  静态页面中订阅和站点地图的网址前缀（默认 http://localhost）\n"
	  "  --trusted-proxy ADDR  反向代理（如 nginx）的 IP 地址：只有来自这个地址的请求，才以\n"
	  "                     X-Forwarded-For 的最后一项作为访问者地址（用于频率限制、登录锁定和审计日志）\n"
	  "  --instance NAME    在响应头 X-Gongkai-Instance 中写出本实例的名称（多台服务器时便于排查）\n"
	  "  --feed-key PATH    导出接口的签名密钥文件（默认：数据库文件名加 .feed-key；没有时导出接口关闭）\n"
	  "  --public-url URL   推送内容中链接的网址前缀（默认 --static-base，否则 http://监听地址）；\n"
	  "                     导出接口中链接的网址前缀（默认：请求的 Host）\n"
	  "  --delivery-workers N     推送线程数，0-16，0 为不在本进程推送（默认 2）\n"
	  "  --delivery-backoff-ms N  推送失败后第一次重试的间隔（毫秒，默认 60000，之后逐次加倍，最长 360 倍）\n"
	  "  --delivery-timeout-ms N  每次请求渠道的超时（毫秒，默认 30000）\n"
	  "  --delivery-max-attempts N  连续失败多少次后转为“失败”等待人工处理（默认 10）\n"
	  "  --delivery-lease-ms N    一次发送的租约（毫秒，默认 5 倍超时加 10 秒）：进程中途退出后，\n"
	  "                           租约到期后该推送由其他进程或重启后的进程重发\n" DB_HELP },
	{ "deliver", cli_deliver, "推送待发送的信息到各渠道（不启动网站时用，如定时任务）",
	  "用法：gongkai deliver [--org SLUG] [--once] [--public-url URL] [--files DIR]\n"
	  "\n"
	  "把到期的推送（公开平台、微信公众号等渠道）逐条发送，记录每次尝试；失败的按间隔重试。\n"
	  "与 gongkai serve 的推送线程可同时运行：每条推送发送时加租约，不会重复发送。\n"
	  "\n"
	  "选项：\n"
	  "  --org SLUG         只推送这个机构的（默认：所有机构）\n"
	  "  --once             发送现在到期的推送后退出（默认：一直运行，直到 SIGINT/SIGTERM）\n"
	  "  --public-url URL   推送内容中链接的网址前缀（默认 http://127.0.0.1:8080）\n"
	  "  --files DIR        附件目录（默认：数据库文件名加 .files）\n"
	  "  --backoff-ms N     第一次重试的间隔（毫秒，默认 60000）\n"
	  "  --timeout-ms N     每次请求的超时（毫秒，默认 30000）\n" DB_HELP },
	{ "publish-static", cli_publish_static, "生成公开页面的静态文件，或检查静态目录是否被改动",
	  "用法：gongkai publish-static [--org SLUG] --out DIR [--all | --item ID] [--base-url URL]\n"
	  "      gongkai publish-static --verify DIR\n"
	  "\n"
	  "把公开页面（机构首页、公开目录各类别和年份的第一页、公开指南、信息页及其历史版本、\n"
	  "Atom 订阅、站点地图、样式表）生成为 DIR 下的文件，与网站动态生成的页面逐字节相同；\n"
	  "每个文件先写临时文件再改名，内容没变的不写；DIR/.manifest 记录每个文件的大小和 SHA-256。\n"
	  "检索、表单、申请查询、附件和列表的后续各页仍由 gongkai serve 提供（见 deploy/nginx-static.conf）。\n"
	  "\n"
	  "选项：\n"
	  "  --org SLUG         只生成这个机构的页面（默认：所有机构）\n"
	  "  --out DIR          静态目录（不存在时创建）\n"
	  "  --all              重新生成每一页并与磁盘上的文件比较，修复被改动或删除的文件\n"
	  "                     （不加时，已生成的信息页不再重新生成）\n"
	  "  --item ID          只重新生成这条信息的页面（已撤回的删除）及机构首页、目录、订阅、站点地图\n"
	  "  --base-url URL     订阅和站点地图中的网址前缀（默认 http://localhost）\n"
	  "  --verify DIR       按清单检查 DIR：列出改动、多出、缺少的文件；有则退出状态 1\n" DB_HELP },
	{ "demo-tree", cli_demo_tree, "在演示机构之上载入一个小的机构树（桐乡市人民政府及其部门、乡镇）",
	  "用法：gongkai demo-tree\n"
	  "\n"
	  "先运行 gongkai demo。创建桐乡市人民政府（其年度报告为本级政府报告），把桐乡市教育局\n"
	  "移到其下，并创建桐乡市卫生健康局、乌镇镇人民政府，各有几条公开信息和联系方式。\n"
	  "桐乡市教育局自己的记录和年度报告数字不变。已存在时不做改动。\n"
	  "\n"
	  "选项：\n" DB_HELP },
	{ "org", cli_org, "平台的机构：新建、列出机构树、修改设置、移动、停用",
	  "用法：gongkai org add SLUG --name 名称 [--code 机构代码] [--parent SLUG] [--kind KIND]\n"
	  "                [--pattern 索引号规则] [--sort N] [--due MM-DD] [--admin 用户名 [--admin-name 姓名]]\n"
	  "                [--address 地址] [--postcode 邮编] [--phone 电话] [--fax 传真] [--email 邮箱] [--hours 办公时间]\n"
	  "      gongkai org list\n"
	  "      gongkai org set SLUG [--name] [--code] [--kind] [--pattern] [--sort] [--due MM-DD|statutory] [联系方式选项]\n"
	  "      gongkai org move SLUG (--parent SLUG | --top)\n"
	  "      gongkai org deactivate|activate|delete SLUG\n"
	  "\n"
	  "add         新建机构及其默认公开类别；--admin 同时创建其机构管理员，生成一次性密码并显示一次\n"
	  "            （首次登录后须修改）。KIND：government（人民政府）、department（政府部门，默认）、\n"
	  "            town（乡镇（街道））、other（其他机构）。索引号规则默认 {机构代码}/{YYYY}-{NNNNN}。\n"
	  "list        按机构树列出所有机构、类型、年度报告时限和状态。\n"
	  "set         修改平台设置的字段和联系方式。--due 设本地年度报告时限（只能早于法定时限：\n"
	  "            部门 1月31日，有下级机构的人民政府 3月31日，条例第四十九条）；statutory 恢复法定。\n"
	  "move        移到另一上级机构之下或最上层；不能移到自己或自己的下级之下。\n"
	  "deactivate  停用（记录保留，公众首页不再列出）；activate 重新启用。\n"
	  "delete      删除没有任何记录、用户和下级机构的机构；有记录的只能停用。\n"
	  "\n"
	  "选项：\n" DB_HELP },
	{ "user", cli_user, "管理工作人员账号、各机构中的角色和双重验证",
	  "用法：gongkai user add NAME --org SLUG --role ROLE [--display 姓名] [--password-stdin]\n"
	  "      gongkai user passwd NAME [--password-stdin | --random]\n"
	  "      gongkai user list [--org SLUG]\n"
	  "      gongkai user grant NAME --org SLUG --role ROLE\n"
	  "      gongkai user revoke NAME --org SLUG --role ROLE\n"
	  "      gongkai user reset-password NAME\n"
	  "      gongkai user totp-off NAME\n"
	  "      gongkai user disable NAME\n"
	  "      gongkai user enable NAME\n"
	  "\n"
	  "add             创建用户并授予机构 SLUG 中的角色 ROLE：sysadmin（系统管理员，\n"
	  "                总是属于平台机构，可不写 --org）、orgadmin、editor、reviewer、\n"
	  "                handler、viewer。不加 --password-stdin 时生成一次性密码并显示一次。\n"
	  "passwd          修改密码：从标准输入读一行（在终端上则提示输入两次），\n"
	  "                或用 --random 生成新密码并显示一次。该用户的登录会话随之失效。\n"
	  "list            列出用户及其在各机构的角色、状态。\n"
	  "grant、revoke   授予、取消某机构中的角色（最后一位机构管理员不能取消）。\n"
	  "reset-password  生成一次性密码，登录后须立即修改；该用户的登录全部退出。\n"
	  "totp-off        关闭双重验证（手机丢失时）。\n"
	  "disable、enable 停用、启用账号。\n"
	  "\n"
	  "每个子命令都支持 --help。密码从不写在命令行上。\n"
	  "\n"
	  "选项：\n" DB_HELP },
	{ "import", cli_import, "从 TSV 文件批量导入公开目录条目并发布",
	  "用法：gongkai import --org SLUG [--bulk] FILE\n"
	  "\n"
	  "从 FILE（- 为标准输入）导入机构 SLUG 的公开目录条目并发布，按发布日期\n"
	  "顺序编索引号。全部导入或全部不导入：任一行有误则报告行号，不做改动。\n"
	  "\n"
	  "文件格式：UTF-8，每行一条，11 列以 Tab 分隔：\n"
	  "  公开类别 标题 文号 发布机构 成文日期 发布日期 体裁 有效性 有效性日期 主题分类 正文\n"
	  "以 # 开头的行（含表头）和空行忽略；日期为 YYYY-MM-DD，可空（发布日期为空时\n"
	  "取当天）；正文为 Markdown；各字段中 \\n 表示换行，\\\\ 表示反斜杠。\n"
	  "\n"
	  "选项：\n"
	  "  --org SLUG         导入到哪个机构\n"
	  "  --bulk             大批量导入（如迁移旧系统的全部目录）：导入期间独占数据库\n"
	  "                     （须先停止服务），最后一次性重建全文检索索引\n" DB_HELP },
	{ "calendar", cli_calendar, "工作日历：导入节假日安排、计算期限到期日",
	  "用法：gongkai calendar import FILE\n"
	  "      gongkai calendar due DATE N\n"
	  "      gongkai calendar due -\n"
	  "      gongkai calendar is-workday DATE\n"
	  "      gongkai calendar years\n"
	  "\n"
	  "工作日：日历列为调休上班（work）的日子，或周一至周五且未列为放假（off）的日子。\n"
	  "只有已载入节假日数据的年份才能判断；缺少数据时报错，从不按周一至周五推算。\n"
	  "\n"
	  "import      从 FILE（- 为标准输入）导入平台的全国工作日历：文件中出现的每个年份\n"
	  "            的原有数据被整体替换，其他年份不变。任一行有误则报告行号，不做改动。\n"
	  "            格式同数据目录的 cn-calendar.tsv：UTF-8，每行“日期<Tab>off 或 work\n"
	  "            <Tab>名称”，以 # 开头的行和空行忽略；work 只能是星期六或星期日。\n"
	  "            gongkai init 在平台还没有工作日历时自动载入 cn-calendar.tsv。\n"
	  "due         输出 DATE（YYYY-MM-DD）之后第 N 个工作日（不含 DATE 当天，N 为 1-10000），\n"
	  "            即“自 DATE 起 N 个工作日内”的到期日。due - 从标准输入逐行读取\n"
	  "            “DATE N”，每行输出一个日期；遇到有误的行时报告行号并停止。\n"
	  "is-workday  DATE 是工作日时退出状态为 0，休息日为 1；日期无效或该年缺少节假日\n"
	  "            数据时为 2。\n"
	  "years       列出已有节假日数据的年份，并提示今年或明年是否缺少数据。\n"
	  "\n"
	  "退出状态：0 成功，1 运行错误（文件有误、缺少该年数据），2 用法错误。\n"
	  "\n"
	  "选项：\n" DB_HELP },
	{ "applications", cli_applications, "依申请公开：年度统计、导出、导入",
	  "用法：gongkai applications counts SLUG YEAR\n"
	  "      gongkai applications export SLUG [--personal]\n"
	  "      gongkai applications import SLUG FILE\n"
	  "\n"
	  "counts  输出机构 YEAR 年度“收到和处理政府信息公开申请情况”（年度报告表三）的各项数字\n"
	  "        （TSV：行为表三各项，列为申请人类型及总计；2019、2020 年按当时格式合并“其他处理”）。\n"
	  "        每列满足：本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理。\n"
	  "export  以 TSV 输出机构的全部申请。证件号码、联系电话、电子邮箱、通信地址默认留空，\n"
	  "        加 --personal 才输出（注意个人信息保护）。\n"
	  "import  从 JSON 文件导入申请及其办理过程（格式见 src/cli/cli_apps.c 开头，演示数据\n"
	  "        data/demo/tongxiang-edu/applications.json 为例）：每件申请和每个办理步骤都按\n"
	  "        网页上的同一规则检查；任一件有误则报告并不做改动。\n"
	  "\n"
	  "选项：\n"
	  "  --personal         export 时包含个人信息\n" DB_HELP },
	{ "registers", cli_registers, "登记簿：政民互动、建议提案、复议诉讼等的 CSV 导入导出",
	  "用法：gongkai registers import KIND --org SLUG [--dry-run] [--encoding utf-8|gbk] FILE\n"
	  "      gongkai registers export KIND --org SLUG [--year YEAR] [--personal]\n"
	  "      gongkai registers list\n"
	  "\n"
	  "KIND 为登记簿代码（registers list 列出）：interactions 政民互动、proposals 建议提案、\n"
	  "reviews 复议诉讼、decisions 行政许可处罚强制、fees 行政事业性收费、procurements 政府集中采购、\n"
	  "channel-stats 公开渠道数据。\n"
	  "\n"
	  "import  导入 CSV 文件（FILE 为 - 时读标准输入）。第一行为列名（与导出的文件相同）；\n"
	  "        编码自动识别 UTF-8 或 GBK，也可用 --encoding 指定。整个文件检查无误才导入，\n"
	  "        有错误时逐行报告（第 N 行：……）且不导入任何数据；--dry-run 只检查。\n"
	  "        在终端上运行时显示进度。\n"
	  "export  以 CSV（UTF-8，带 BOM，Excel 可直接打开）输出到标准输出；--year 只导出该年；\n"
	  "        群众的姓名、电话、电子邮箱等个人信息默认不导出，--personal 才导出。\n"
	  "\n"
	  "选项：\n"
	  "  --org SLUG         机构\n"
	  "  --dry-run          只检查，不导入\n"
	  "  --encoding E       文件编码：utf-8、gbk（默认自动识别）\n"
	  "  --year YEAR        导出的年度\n"
	  "  --personal         导出个人信息\n" DB_HELP },
	{ "report", cli_report, "政府信息公开工作年度报告：按记录生成，检查其他来源的年报",
	  "用法：gongkai report --org SLUG --year YYYY [--format md|html|docx|pdf|xlsx|json] [-o FILE]\n"
	  "                     [--overview FILE] [--problems FILE] [--other FILE] [--no-check]\n"
	  "                     [--items-prev N,N,N,N] [--items-delta N,N,N,N]\n"
	  "      gongkai report check [--year YYYY] FILE\n"
	  "\n"
	  "生成机构某年度的年度报告：六个部分和三张法定表格，格式按报告年度（2019、2020 年用\n"
	  "国办公开办函〔2019〕60号格式，2021 年起用〔2021〕30号格式），每个数字都由记录计算\n"
	  "（公开目录和第二十条登记簿、依申请公开、复议诉讼）。没有 -o 时输出到标准输出；docx、\n"
	  "pdf、xlsx 须用 -o 指定文件。一、五、六部分的文字可用 --overview、--problems、--other\n"
	  "从文件读取，否则使用由记录生成的句子。生成后在标准错误输出一致性检查的结果\n"
	  "（--no-check 不检查）；检查出错误时退出状态为 1。\n"
	  "\n"
	  "check  检查其他来源的年报（.docx、.md 或 .txt，UTF-8 或 GBK）：缺少的部分和表格、\n"
	  "       “共 N……其中 a……、b……”各项之和不符、与报告年度不符的年份、表格合计不符。\n"
	  "       逐条给出行号或段落号；发现错误时退出状态为 1，文件无法读取或不是年报时为 2。\n"
	  "\n"
	  "选项：\n"
	  "  --org SLUG         机构\n"
	  "  --year YYYY        报告年度（2019 年起）\n"
	  "  --format F         md（默认）、html、docx、pdf、xlsx、json\n"
	  "  -o, --output FILE  输出文件\n"
	  "  --items-prev, --items-delta N,N,N,N\n"
	  "                     2019 年格式表二中行政许可、其他对外管理服务事项、行政处罚、行政强制的\n"
	  "                     “上一年项目数量”和“本年增/减”（登记簿只记录决定，不记录事项）\n" DB_HELP },
	{ "feed", cli_feed, "导出接口（供政府网站平台拉取）的签名密钥",
	  "用法：gongkai feed keygen [--key PATH]\n"
	  "      gongkai feed public-key [--key PATH]\n"
	  "\n"
	  "keygen 生成 Ed25519 签名密钥（只生成一次，已存在时不覆盖），public-key 显示其编号和公钥。\n"
	  "导出接口 /api/v1/export 的每个响应都用它签名（X-Gongkai-Signature），平台凭\n"
	  "/api/v1/export/public-key 公布的公钥验证。密钥文件权限为 0600，放在网站目录之外。\n"
	  "\n"
	  "选项：\n"
	  "  --key PATH         密钥文件（默认：数据库文件名加 .feed-key）\n" DB_HELP },
	{ "backup", cli_backup, "在线备份数据库到新文件",
	  "用法：gongkai backup FILE\n"
	  "\n"
	  "把数据库在线备份到 FILE（网站可继续运行）。FILE 已存在时不会覆盖。\n"
	  "\n"
	  "选项：\n" DB_HELP },
	{ "audit", cli_audit, "检查审计日志的校验链",
	  "用法：gongkai audit verify\n"
	  "\n"
	  "逐条重算审计日志的校验值（每条记录与前一条相连的 SHA-256）。日志在程序之外被修改、\n"
	  "删除或插入时，报告第一条不符的记录。退出状态：0 完整，1 不符或无法读取，2 用法错误。\n"
	  "\n"
	  "选项：\n" DB_HELP },
	{ "store", cli_store, "在 SQLite 与 PostgreSQL 之间复制数据库（全部或一个机构）并逐表核对",
	  "用法：gongkai store copy --from 源库 --to 目标库 [--org SLUG] [--force]\n"
	  "                         [--files-from 目录 --files-to 目录]\n"
	  "      gongkai store verify --from 源库 --to 目标库 [--org SLUG]\n"
	  "\n"
	  "源库、目标库各为 SQLite 文件路径或 postgresql://… 连接串（两个方向均可，也可 SQLite 到 SQLite）。\n"
	  "先把目标库升级到本程序的结构版本；源库版本须与本程序相同。表从数据库的结构中读出，\n"
	  "按外键顺序、主键顺序逐行复制，保留原 id 和值的类型；整个复制是目标库上的一个事务，\n"
	  "失败时目标库不变。复制后逐表比较行数和 SHA-256 校验值（打印成表），不一致时撤销复制。\n"
	  "审计日志原样复制（复制本身不写审计记录），目标库的 gongkai audit verify 可通过。\n"
	  "目标库的全文检索索引在复制后重建（PostgreSQL 到 PostgreSQL 时随表复制）。\n"
	  "\n"
	  "  --org SLUG         只复制这个机构：有 org_id 的各表中该机构的记录，以及它们引用的\n"
	  "                     共享记录（用户、上级和平台机构、平台的工作日历）；目标库已有的\n"
	  "                     共享记录保留不动。该机构的审计记录接在目标库的校验链之后。\n"
	  "                     目标库中与该机构记录主键或唯一值冲突时拒绝复制。\n"
	  "  --force            目标库不是空库时先清空（与复制在同一事务中）；不加时拒绝复制\n"
	  "  --files-from DIR, --files-to DIR\n"
	  "                     附件不在数据库中：把复制的记录引用的附件文件从 DIR 复制到 DIR\n"
	  "                     （serve --files 目录）；不给时打印需要复制的目录\n"
	  "\n"
	  "verify 只比较两库（或两库中的该机构），不复制。\n"
	  "退出状态：0 成功，1 校验不一致或运行错误，2 用法错误或目标库不是空库。\n" },
	{ "search", cli_search, "重建全文检索索引",
	  "用法：gongkai search rebuild\n"
	  "\n"
	  "把全部已公开的条目重新编入全文检索索引（SQLite 或 PostgreSQL），在一个事务中完成，\n"
	  "完成前检索照常使用原索引。用于绕过本程序直接向数据库写入条目之后（SQL 批量生成、\n"
	  "恢复的转储）；网页、导入和 store copy 会自行维护索引，无需运行。\n"
	  "退出状态：0 成功，1 运行错误，2 用法错误。\n"
	  "\n"
	  "选项：\n" DB_HELP },
	{ "restore", cli_restore, "从备份文件恢复数据库（须先停止服务）",
	  "用法：gongkai restore FILE\n"
	  "\n"
	  "用备份文件 FILE（gongkai backup 生成）替换数据库。FILE 须是完整性检查通过的\n"
	  "SQLite 数据库，且数据库结构版本不高于本程序；否则不做任何改动。数据库正被\n"
	  "使用（gongkai serve 在运行）时拒绝恢复：请先停止服务。\n"
	  "原数据库改名保留为 数据库文件名.before-restore-YYYYMMDDTHHMMSS；新文件先完整\n"
	  "写入并同步到磁盘，再一次性替换，中途中断不会留下半个数据库。恢复后自动升级\n"
	  "数据库结构。附件目录（--files）不在数据库中，需另行恢复。\n"
	  "\n"
	  "退出状态：0 成功，1 运行错误（文件不存在、不是数据库、未通过检查、数据库正被使用），\n"
	  "2 用法错误。\n"
	  "\n"
	  "选项：\n" DB_HELP },
	{ "version", cli_version, "显示版本",
	  "用法：gongkai version\n"
	  "\n"
	  "显示 gongkai 及 SQLite、libmicrohttpd 的版本。\n" },
	{ "help", NULL, "显示帮助",
	  "用法：gongkai help [命令]\n"
	  "\n"
	  "列出所有命令，或显示某个命令的用法（同 gongkai 命令 --help）。\n" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static void usage_all(void)
{
	fputs("用法：gongkai [--db PATH] <命令> [选项]\n\n政府信息公开平台。\n\n命令：\n", stdout);
	for (size_t i = 0; i < NCMDS; i++)
		printf("  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\n全局选项（可写在命令前或后）：\n" DB_HELP
	      "  -h, --help         显示帮助\n"
	      "\n用 gongkai <命令> --help 查看各命令的用法。\n",
	      stdout);
}

static int cmd_help(const struct cli *c, int argc, char **argv)
{
	const struct cmd *k;

	if (argc > 2)
		return cli_usage_fail(c, "多余的参数“%s”", argv[2]);
	if (argc < 2) {
		usage_all();
		return CLI_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(c->usage, stdout);
		return CLI_OK;
	}
	if (!(k = cmd_find(argv[1])))
		return cli_usage_fail(NULL, "未知命令“%s”", argv[1]);
	fputs(k->usage, stdout);
	return CLI_OK;
}

/* Take --db PATH / --db=PATH out of argv, wherever it is (up to "--"), so
 * every command accepts it before or after its name. The last one wins.
 * Returns 0 or CLI_USAGE (reported). */
static int take_db_option(int *argc, char **argv, const char **db_path)
{
	int i, k = 1;

	for (i = 1; i < *argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--") == 0)
			break;
		if (strcmp(arg, "--db") == 0) {
			if (i + 1 >= *argc)
				return cli_usage_fail(NULL, "选项 --db 需要一个参数");
			*db_path = argv[++i];
		} else if (strncmp(arg, "--db=", 5) == 0) {
			*db_path = arg + 5;
		} else {
			argv[k++] = argv[i];
			continue;
		}
		if (!**db_path)
			return cli_usage_fail(NULL, "--db 不能为空");
	}
	while (i < *argc)
		argv[k++] = argv[i++];
	argv[k] = NULL;
	*argc = k;
	return 0;
}

int main(int argc, char **argv)
{
	const char *env = getenv("GONGKAI_DB");
	struct cli c = { .db_path = env && *env ? env : "gongkai.db" };
	const struct cmd *k;
	const char *name;
	int rc;

	if ((rc = take_db_option(&argc, argv, &c.db_path)))
		return rc;
	if (argc < 2)
		return cli_usage_fail(NULL, "缺少命令");
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		usage_all();
		return CLI_OK;
	}
	if (strcmp(name, "--version") == 0)
		name = "version";
	else if (name[0] == '-')
		return cli_usage_fail(NULL, "未知选项 %s", name);
	if (!(k = cmd_find(name)))
		return cli_usage_fail(NULL, "未知命令“%s”", name);
	c.cmd = k->name;
	c.usage = k->usage;
	if (!k->run)
		return cmd_help(&c, argc - 1, argv + 1);
	if (auth_init())
		return cli_fail("无法初始化加密库（libsodium）");
	rc = k->run(&c, argc - 1, argv + 1);
	return rc == CLI_HELP ? CLI_OK : rc;
}
