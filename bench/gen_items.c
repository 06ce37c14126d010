/* gen_items.c - print N realistic synthetic catalog items for `gongkai import`.
 *
 *     gen_items N [SEED] > items.tsv
 *
 * Output: the TSV format of data/demo/tongxiang-edu/items.tsv (11 columns,
 * "\n" escapes, '#' header lines), deterministic for a given N and SEED.
 *
 * What makes it realistic enough for a search benchmark:
 *
 *   - Categories follow the skew of a real 教育局 catalog (工作动态 and
 *     重点领域信息 dominate, 提案建议办理结果 is rare).
 *   - Each item has a theme (招生考试, 校园安全, 学生资助 ...) that picks its
 *     主题分类, title phrases and most body sentences, so a theme word such
 *     as 招生 or 校车 hits a few percent of the items while 教育 (every body
 *     names 市教育局) hits nearly all of them.
 *   - A long tail: about a third of the items also carry one sentence from
 *     a list of rarer topics drawn with Zipf weights (垃圾分类, 围棋, 蚕桑 ...),
 *     and personnel items list invented names, which add many rare bigrams.
 *   - 疫情防控 items only appear in 2020-2022; dates spread over
 *     2015-01-01..2026-11-20 with more items in later years and few on
 *     weekends.
 *   - Titles are 15-40 characters, bodies 300-800 characters of Markdown
 *     paragraphs; about 30% of the items have a unique 文号 代字〔YYYY〕N号.
 *
 * Only libc; about 1.7 KB of output per item, ~1 s per 100,000 items. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- random numbers: splitmix64 --------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static bool rng_pct(struct rng *r, uint32_t pct)
{
	return rng_below(r, 100) < pct;
}

#define PICK(r, arr) ((arr)[rng_below((r), COUNT(arr))])

/* ---- dates: days since 1970-01-01 (H. Hinnant's civil algorithms) ----- */

static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 = Monday ... 6 = Sunday; 1970-01-01 was a Thursday. */
static int weekday(long day)
{
	long w = (day + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/* ---- vocabulary -------------------------------------------------------- */

/* 桐乡's 街道 and 镇 */
static const char *const towns[] = {
	"梧桐街道", "凤鸣街道", "龙翔街道", "高桥街道", "乌镇镇", "濮院镇",
	"屠甸镇",   "石门镇",   "河山镇",   "洲泉镇",   "大麻镇", "崇福镇",
};

static const char *const town_school_kinds[] = {
	"中心小学", "中学", "中心幼儿园", "实验小学", "第二小学", "初级中学", "幼儿园", "中心学校",
};

static const char *const city_schools[] = {
	"桐乡市高级中学",   "桐乡市第一中学",     "桐乡市茅盾中学",   "桐乡市凤鸣高级中学",
	"桐乡市实验小学",   "桐乡市实验中学",     "桐乡市第二中学",   "桐乡市茅盾实验小学",
	"桐乡市现代实验学校", "桐乡市技师学院",     "桐乡市卫生学校",   "桐乡市特殊教育学校",
	"桐乡市振东中学",   "桐乡市求是实验中学", "桐乡市启新学校",   "桐乡市春蕾幼儿园",
	"桐乡市机关幼儿园", "桐乡市教师进修学校", "桐乡市职业技术学校", "桐乡市乌镇实验小学",
};

/* names of private training schools (批复) */
static const char *const trainers[] = {
	"启航艺术", "博睿教育", "新起点文化", "星辰舞蹈", "墨香书法", "乐学英语", "童画美术", "思维魔方",
	"青苗体育", "知行科技", "小海豚游泳", "翰林书院", "未来星音乐", "晨曦围棋", "远航职业技能", "金话筒口才",
};

static const char *const depts[] = {
	"办公室",       "基础教育科",   "学前教育科", "职成教科",     "计划财务科",
	"人事科",       "安全稳定科",   "民办教育科", "教育督导室",   "教研室",
	"学生资助管理中心", "招生考试中心", "德育科",     "体育卫生艺术科", "基建办",
};

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"沈", "钱", "朱", "蒋", "姚", "陆", "顾", "金", "屠", "汤", "范", "俞", "沈", "费", "褚",
	"郁", "鲍", "施", "严", "董", "潘", "戴", "夏", "钟", "汪", "田", "任", "姜", "方", "石",
};

static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
	"明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玲", "飞", "慧", "建", "红", "文",
	"婷", "晨", "宇", "浩", "欣", "怡", "佳", "琪", "悦", "雪", "燕", "萍", "蕾", "琳", "倩",
	"晓", "海", "波", "斌", "鑫", "凯", "俊", "帆", "颖", "瑶", "璐", "嘉", "逸", "梦", "诗",
	"雯", "洁", "旭", "昊", "睿", "哲", "航", "晶", "露", "岚", "莉", "彬", "峰", "亮", "振",
};

/* A theme: 主题分类 and the phrases its items are made of. Slots in every
 * phrase: $Y year, $y year before, $Z two years later, $M month, $D day,
 * $T the item's town, $t any town, $S the item's school, $s any school,
 * $m $d the document's month and day, $B a training school's name,
 * $P a name, $p the item's person (the same in title and body), $L a list of names, $k 2-7, $n 2-99, $N 100-9999, $F a percentage,
 * $X an amount in 万元, $G a department, $K a keyword, $A an action,
 * $E an event, $W a noun of the theme. */
struct theme {
	const char *topic;         /* 主题分类, TSV-escaped */
	unsigned weight;
	const char *const *kw;     /* keywords ($K) */
	size_t nkw;
	const char *const *act;    /* actions ($A): "做好……工作" */
	size_t nact;
	const char *const *evt;    /* events ($E): "开展……活动" */
	size_t nevt;
	const char *const *noun;   /* nouns ($W): "学前教育" */
	size_t nnoun;
	const char *const *sent;   /* body sentences */
	size_t nsent;
};

#define LIST(a) a, COUNT(a)

/* 1 基础教育 */
static const char *const jc_kw[] = {
	"课堂教学改革", "教学质量", "课后服务", "作业管理", "教育共同体", "集团化办学", "新课程方案",
	"教研活动", "义务教育优质均衡", "学业质量监测", "双减", "跨学科学习",
};
static const char *const jc_act[] = {
	"进一步规范义务教育阶段办学行为", "做好$Y年中小学课后服务工作", "加强中小学作业管理",
	"推进城乡义务教育共同体建设", "深化义务教育课堂教学改革", "做好$Y年秋季中小学开学工作",
	"开展$Y年义务教育教学质量监测", "落实义务教育“双减”工作", "推进义务教育优质均衡发展",
};
static const char *const jc_evt[] = {
	"召开义务教育课堂教学改革推进会", "举行$Y年中小学教学质量分析会", "开展课后服务工作专项督查",
	"组织开展新课程方案培训", "举办教育共同体建设现场会", "开展“双减”落实情况专项检查",
	"举办小学语文教学研讨活动", "开展初中数学同课异构活动",
};
static const char *const jc_noun[] = {
	"义务教育", "课后服务", "课堂教学改革", "教育共同体建设", "中小学教学质量", "“双减”",
};
static const char *const jc_sent[] = {
	"全市义务教育学校要严格执行国家课程方案，开齐开足开好规定课程，不得随意增减课时。",
	"各学校要将课后服务与学生自主学习相结合，不得利用课后服务时间讲授新课。",
	"$S通过集体备课、同课异构等方式，推动课堂教学方式转变，提高课堂教学效率。",
	"截至$M月底，全市$n所义务教育学校全部开展课后服务，学生参与率达$F%。",
	"$T各中小学结合实际，积极探索$K工作新路径，形成了一批可复制、可推广的经验。",
	"各学校要统筹调控作业总量，小学一二年级不布置书面家庭作业，初中书面作业平均完成时间不超过90分钟。",
	"城乡教育共同体按照“融合型、共建型、协作型”三种模式推进，实现师资互派、教研共享。",
	"会上，$s等$n所学校作交流发言，分享了$K方面的做法和成效。",
	"市教研室组织骨干教师开展送教下乡活动，为乡村学校送去示范课$n节。",
	"本学期全市共开展校际教研活动$N场次，参与教师$N人次。",
	"下一步，市教育局将持续深化$K，推动全市义务教育高质量发展。",
};

/* 2 学前教育 */
static const char *const xq_kw[] = {
	"学前教育", "普惠性幼儿园", "幼儿园保教质量", "幼小衔接", "托育服务", "等级幼儿园", "游戏化课程",
};
static const char *const xq_act[] = {
	"做好$Y年幼儿园招生工作", "推进学前教育普及普惠发展", "加强幼儿园保教质量管理",
	"做好幼小科学衔接工作", "开展$Y年幼儿园等级评定工作", "规范幼儿园收费管理",
};
static const char *const xq_evt[] = {
	"开展幼儿园保教质量评估", "举办学前教育宣传月启动仪式", "召开幼小衔接工作推进会",
	"开展幼儿园游戏化课程展示活动", "组织新任幼儿园园长培训",
};
static const char *const xq_noun[] = { "学前教育", "普惠性幼儿园", "幼儿园招生", "幼小衔接", "托育服务" };
static const char *const xq_sent[] = {
	"全市现有幼儿园$n所，其中公办幼儿园$n所，普惠性幼儿园覆盖率达$F%。",
	"各幼儿园要坚持以游戏为基本活动，严禁提前教授小学课程内容。",
	"$S组织教师开展游戏化课程研讨，让孩子在游戏中快乐成长。",
	"学前教育宣传月期间，各幼儿园通过家长会、开放日等形式，向家长宣传科学育儿理念。",
	"幼儿园招生实行网上报名，适龄幼儿按照户籍和居住地就近入园。",
	"市教育局将加大学前教育投入，新建、改扩建幼儿园$n所，新增学位$N个。",
	"等级幼儿园评定重点考察办园条件、保育教育和安全卫生等方面。",
	"$T中心幼儿园与$s结对，共同开展幼小衔接课程研究。",
};

/* 3 招生考试 */
static const char *const zs_kw[] = {
	"招生入学", "中考", "义务教育招生", "随迁子女入学", "高中招生", "网上报名", "学区划分",
};
static const char *const zs_act[] = {
	"做好$Y年义务教育阶段学校招生入学工作", "做好$Y年普通高中招生工作", "做好$Y年初中毕业生升学考试工作",
	"做好$Y年新居民子女入学工作", "公布$Y年义务教育学校学区划分方案", "做好$Y年中等职业学校招生工作",
};
static const char *const zs_evt[] = {
	"召开$Y年招生工作会议", "开展中考考务人员培训", "组织中考模拟考试", "开展招生政策咨询活动",
	"举行$Y年中考新闻发布会",
};
static const char *const zs_noun[] = { "招生入学", "中考", "义务教育招生", "高中招生", "新居民子女入学" };
static const char *const zs_sent[] = {
	"$Y年全市义务教育阶段学校招生实行“阳光招生”，全部通过网上报名平台进行。",
	"小学一年级招收$y年8月31日前（含）年满6周岁的适龄儿童。",
	"新居民随迁子女入学按照积分排序，由各镇（街道）统筹安排学位。",
	"今年全市共有$N名初中毕业生报名参加中考，设考点$n个、考场$N个。",
	"普通高中招生分为提前招生、名额分配和统一招生三个批次。",
	"各学校不得以任何形式举行或变相举行入学考试，不得以各类竞赛证书作为招生依据。",
	"招生咨询电话：0573-8812$N（市教育局招生考试中心）。",
	"$S今年计划招收新生$N名，其中学区内生源$N名。",
	"考试期间，公安、卫健、供电等部门协同做好考点安全保障工作。",
	"市招生考试中心提醒考生，提前熟悉考点位置，携带准考证和身份证按时参加考试。",
};

/* 4 校园安全 */
static const char *const aq_kw[] = {
	"校园安全", "校车安全", "防溺水", "消防安全", "交通安全", "校园欺凌", "安全隐患排查", "平安校园",
};
static const char *const aq_act[] = {
	"加强中小学校车安全管理", "做好$Y年暑期防溺水工作", "开展校园安全隐患排查整治",
	"加强中小学校园安全管理", "开展预防中小学生校园欺凌专项治理", "做好汛期学校安全工作",
	"加强学生上下学交通安全管理",
};
static const char *const aq_evt[] = {
	"开展校车安全专项检查", "开展防溺水安全教育", "举行消防应急疏散演练", "开展校园安全大检查",
	"开展交通安全进校园活动", "组织校车驾驶员安全培训",
};
static const char *const aq_noun[] = { "校园安全", "校车安全管理", "防溺水", "平安校园创建", "学校消防安全" };
static const char *const aq_sent[] = {
	"检查组重点检查了校舍安全、消防设施、门卫值守和校车运行等情况。",
	"全市现有校车$N辆，均按规定安装卫星定位装置和车内视频监控。",
	"各学校要落实校车接送学生登记制度，严禁超员、超速运行。",
	"暑假前，各学校通过主题班会、致家长一封信等形式开展防溺水安全教育，覆盖学生$N人次。",
	"$S组织全体师生开展消防应急疏散演练，全校师生在$n分钟内安全疏散到操场。",
	"对检查中发现的$n处安全隐患，检查组当场反馈并督促学校限期整改。",
	"各学校要严格落实“一键报警”和校园封闭化管理，强化人防、物防、技防建设。",
	"$T交警中队民警走进$S，为学生讲解交通安全知识。",
	"平安校园创建要坚持预防为主，健全校园安全风险防控体系。",
};

/* 5 食品安全 */
static const char *const sp_kw[] = {
	"食品安全", "学校食堂", "阳光厨房", "营养午餐", "食材采购", "餐饮服务",
};
static const char *const sp_act[] = {
	"加强学校食品安全管理", "开展学校食堂食品安全专项检查", "推进学校“阳光厨房”建设",
	"规范学校食材统一配送", "做好$Y年春季学校食品安全工作",
};
static const char *const sp_evt[] = {
	"开展学校食堂食品安全检查", "召开学校食品安全工作会议", "组织学校食堂从业人员培训",
	"开展食品安全宣传周活动",
};
static const char *const sp_noun[] = { "学校食品安全", "学校食堂管理", "阳光厨房建设", "食材配送" };
static const char *const sp_sent[] = {
	"检查组对学校食堂的食材采购、贮存、加工和留样等环节进行了检查。",
	"全市中小学食堂全部实现“阳光厨房”全覆盖，家长可通过手机实时查看后厨情况。",
	"各学校要落实校长（园长）陪餐制度，认真听取师生和家长对食堂的意见。",
	"学校食材实行统一招标采购，建立索证索票和进货查验制度。",
	"市教育局会同市场监管部门对$n所学校食堂开展联合检查，发现问题$n个，均已整改到位。",
	"$S食堂获评食品安全示范食堂，成为全市学校食堂管理的样板。",
	"食堂从业人员必须持有效健康证明上岗，每年接受食品安全培训不少于40学时。",
};

/* 6 学生资助 */
static const char *const zz_kw[] = {
	"学生资助", "国家助学金", "家庭经济困难学生", "生源地信用助学贷款", "免学费", "精准资助",
};
static const char *const zz_act[] = {
	"做好$Y年家庭经济困难学生资助工作", "下达$Y年学生资助资金", "做好$Y年生源地信用助学贷款工作",
	"规范家庭经济困难学生认定工作", "落实中等职业学校免学费政策",
};
static const char *const zz_evt[] = {
	"开展学生资助政策宣传活动", "召开学生资助工作会议", "开展资助育人主题教育活动",
	"组织学生资助工作人员业务培训",
};
static const char *const zz_noun[] = { "学生资助", "国家助学金", "家庭经济困难学生认定", "助学贷款" };
static const char *const zz_sent[] = {
	"$Y年全市共资助家庭经济困难学生$N人次，发放资助资金$X。",
	"家庭经济困难学生认定实行学生本人申请、学校评议、公示和审核的程序。",
	"各学校要将资助资金足额、及时发放到受助学生手中，不得挤占挪用。",
	"生源地信用助学贷款受理时间为每年7月至9月，办理地点为市学生资助管理中心。",
	"资助工作要坚持精准识别，优先保障低保、特困和残疾学生家庭。",
	"$S建立家庭经济困难学生档案，实行“一生一档”动态管理。",
	"学生资助热线：0573-8812$N，工作日8:30至17:00受理咨询。",
};

/* 7 教师队伍 */
static const char *const js_kw[] = {
	"师资队伍建设", "教师培训", "名师工作室", "师德师风", "教坛新秀", "校长队伍", "教师交流轮岗",
};
static const char *const js_act[] = {
	"加强新时代中小学教师队伍建设", "开展$Y年中小学教师全员培训", "推进义务教育教师交流轮岗",
	"加强师德师风建设", "开展$Y年教坛新秀评选", "做好$Y年中小学教师资格定期注册工作",
};
static const char *const js_evt[] = {
	"举办新教师岗前培训", "开展师德师风专题教育", "举行名师工作室授牌仪式", "开展青年教师教学基本功比赛",
	"组织骨干教师赴外地跟岗研修", "召开教师节庆祝大会",
};
static const char *const js_noun[] = { "教师队伍建设", "教师培训", "师德师风建设", "名师工作室", "教师交流" };
static const char *const js_sent[] = {
	"本次培训为期$k天，采取专家讲座、课堂观摩和分组研讨相结合的方式，参训教师$N人。",
	"全市现有中小学专任教师$N人，其中高级教师$N人，市级以上名师$n人。",
	"各学校要把师德师风作为评价教师的第一标准，严禁在职教师有偿补课。",
	"义务教育教师交流轮岗比例不低于符合交流条件教师总数的15%。",
	"$S的$P老师获评嘉兴市教坛新秀，$P老师获评桐乡市优秀班主任。",
	"名师工作室以课题研究为抓手，每年开展送教活动不少于$n次。",
	"市教育局将继续实施“青蓝工程”，为新教师配备指导教师，帮助其尽快成长。",
	"教师培训学分实行网上登记，每位教师五年内须完成360学分。",
};

/* 8 民办教育 */
static const char *const mb_kw[] = {
	"民办教育", "校外培训机构", "民办学校年检", "办学许可证", "预收费监管", "培训机构治理",
};
static const char *const mb_act[] = {
	"规范校外培训机构办学行为", "做好$Y年民办学校年度检查工作", "加强校外培训机构预收费监管",
	"开展校外培训机构专项治理", "规范民办义务教育发展",
};
static const char *const mb_evt[] = {
	"开展校外培训机构联合检查", "召开民办学校规范办学工作会议", "开展校外培训机构消防安全检查",
	"组织民办学校举办者培训",
};
static const char *const mb_noun[] = { "民办教育", "校外培训机构", "民办学校年检", "培训机构监管" };
static const char *const mb_sent[] = {
	"你单位报送的申请及有关材料收悉。经审核，符合民办培训机构设置标准。",
	"校外培训机构不得超前超标培训，不得在国家法定节假日、休息日及寒暑假期组织学科类培训。",
	"培训机构预收费须全部进入监管账户，一次性收费时间跨度不得超过3个月。",
	"联合检查组共检查培训机构$n家，责令整改$n家，取缔无证机构$n家。",
	"全市现有民办学校$n所，校外培训机构$N家。",
	"各镇（街道）要加强对辖区内校外培训机构的日常巡查，发现问题及时处置。",
	"年检结果分为合格、基本合格和不合格三个等次，年检不合格的机构限期整改。",
};

/* 9 职业教育 */
static const char *const zy_kw[] = {
	"职业教育", "产教融合", "中职学校", "技能大赛", "校企合作", "社区教育", "成人教育",
};
static const char *const zy_act[] = {
	"推进职业教育产教融合", "做好$Y年中等职业学校技能大赛工作", "加强校企合作", "推进社区教育发展",
	"开展$Y年全民终身学习活动周",
};
static const char *const zy_evt[] = {
	"举办中职学校技能大赛", "召开校企合作洽谈会", "举行全民终身学习活动周启动仪式",
	"开展职业教育活动周宣传",
};
static const char *const zy_noun[] = { "职业教育", "产教融合", "社区教育", "技能人才培养", "成人教育" };
static const char *const zy_sent[] = {
	"本届技能大赛设$n个项目，来自全市中职学校的$N名选手参加比赛。",
	"$S与$n家企业签订校企合作协议，共建实训基地$n个。",
	"中职学校毕业生就业率保持在$F%以上，专业对口率稳步提升。",
	"社区学校全年开展各类培训$N场次，受益群众$N人次。",
	"职业教育要坚持面向市场、服务发展、促进就业的办学方向。",
	"全民终身学习活动周期间，各镇（街道）成人学校举办讲座、展览等活动$n场。",
};

/* 10 德育 */
static const char *const dy_kw[] = {
	"德育工作", "心理健康教育", "劳动教育", "研学实践", "家庭教育", "家校共育", "少先队",
};
static const char *const dy_act[] = {
	"加强中小学德育工作", "加强中小学生心理健康教育", "推进中小学劳动教育", "开展中小学研学实践教育",
	"加强家庭教育指导服务", "开展$Y年“新时代好少年”评选",
};
static const char *const dy_evt[] = {
	"开展心理健康教育月活动", "举办家庭教育公益讲座", "开展学雷锋志愿服务活动", "举行少先队建队日主题活动",
	"开展劳动教育实践周活动", "组织学生开展研学实践活动",
};
static const char *const dy_noun[] = { "德育", "心理健康教育", "劳动教育", "家庭教育", "研学实践教育" };
static const char *const dy_sent[] = {
	"各学校要每周安排不少于1课时的劳动教育课程，组织学生参加力所能及的家务劳动。",
	"全市中小学心理辅导站实现全覆盖，配备专兼职心理教师$N名。",
	"$S开展“阳光心理”主题班会，引导学生正确认识和调节情绪。",
	"家长学校全年举办家庭教育讲座$N场，参与家长$N人次。",
	"研学实践活动要坚持安全第一，做好行前教育和应急预案。",
	"$T各学校组织学生走进田间地头，开展农耕体验劳动实践。",
	"活动中，学生们走进社区、敬老院，开展清洁家园、关爱老人等志愿服务。",
};

/* 11 疫情防控 (2020-2022 only) */
static const char *const yq_kw[] = {
	"疫情防控", "新冠肺炎", "核酸检测", "健康码", "晨午检", "线上教学", "疫苗接种",
};
static const char *const yq_act[] = {
	"做好新冠肺炎疫情防控期间中小学线上教学工作", "做好$Y年春季学期开学疫情防控工作",
	"进一步加强学校疫情防控工作", "做好学校常态化疫情防控工作", "做好师生新冠疫苗接种工作",
};
static const char *const yq_evt[] = {
	"开展开学前疫情防控应急演练", "部署教育系统疫情防控工作", "开展学校疫情防控专项督查",
	"组织师生核酸检测", "召开疫情防控工作视频会议",
};
static const char *const yq_noun[] = { "疫情防控", "常态化疫情防控", "线上教学", "开学疫情防控" };
static const char *const yq_sent[] = {
	"各学校要严格落实晨午检、因病缺勤追踪登记和健康码查验等制度。",
	"疫情防控期间，全市中小学组织开展线上教学，学生参与率达$F%。",
	"演练模拟学生入校测温时体温异常，由防疫专员带至临时隔离观察室。",
	"全市教育系统累计组织师生核酸检测$N人次，未发现异常情况。",
	"各学校要储备充足的口罩、消毒液、测温枪等防疫物资。",
	"$S制定开学疫情防控“一校一案”，对校园环境进行全面消杀。",
	"教育系统党员干部下沉社区、卡口一线，参与疫情防控志愿服务。",
	"截至$M月$D日，全市符合条件的教职员工新冠疫苗接种率达$F%。",
};

/* 12 教育督导 */
static const char *const dd_kw[] = {
	"教育督导", "责任督学", "督导评估", "办学水平评估", "挂牌督导", "教育现代化",
};
static const char *const dd_act[] = {
	"开展$Y年中小学办学水平督导评估", "加强中小学责任督学挂牌督导", "推进县域义务教育优质均衡发展督导评估",
	"做好教育现代化发展水平监测",
};
static const char *const dd_evt[] = {
	"开展春季开学工作专项督导", "召开责任督学工作例会", "开展学校办学水平综合督导",
};
static const char *const dd_noun[] = { "教育督导", "责任督学挂牌督导", "督导评估", "教育现代化" };
static const char *const dd_sent[] = {
	"责任督学每月到校督导不少于1次，督导结果及时反馈学校并跟踪整改。",
	"督导组通过听取汇报、查阅资料、随堂听课和问卷调查等方式开展督导。",
	"全市共有责任督学$n名，每名督学负责$n所学校。",
	"$S办学水平综合督导评估结果为优秀。",
	"督导评估结果作为学校年度考核和校长考核的重要依据。",
};

/* 13 体育卫生艺术 */
static const char *const ty_kw[] = {
	"近视防控", "体质健康", "阳光体育", "艺术教育", "学校卫生", "校园足球", "健康教育",
};
static const char *const ty_act[] = {
	"做好儿童青少年近视防控工作", "开展$Y年学生体质健康测试", "加强学校体育和美育工作",
	"推进校园足球特色学校建设", "做好学校传染病防控工作",
};
static const char *const ty_evt[] = {
	"举办中小学生田径运动会", "开展近视防控宣传教育月活动", "举办中小学生艺术节", "开展学生视力筛查",
	"举办校园足球联赛",
};
static const char *const ty_noun[] = { "近视防控", "学生体质健康", "学校体育", "艺术教育", "学校卫生" };
static const char *const ty_sent[] = {
	"全市儿童青少年总体近视率较上年下降$n个百分点，近视防控工作取得阶段性成效。",
	"各学校要保证学生每天校内外体育活动时间不少于2小时。",
	"本次运动会共设$n个比赛项目，来自$n所学校的$N名运动员参赛。",
	"学生体质健康测试优良率达$F%，较上年提高$n个百分点。",
	"$S坚持每天大课间活动，被评为全国青少年校园足球特色学校。",
	"艺术节期间共展演节目$N个，展出学生书画作品$N件。",
	"学校卫生工作要落实传染病疫情报告制度，做好因病缺课登记。",
};

/* 14 基建 */
static const char *const jj_kw[] = {
	"学校建设", "校舍改造", "新建学校", "学位供给", "标准化建设",
};
static const char *const jj_act[] = {
	"推进$Y年教育重点建设项目", "做好中小学校舍维修改造工作", "加快新建学校建设进度",
};
static const char *const jj_evt[] = {
	"检查教育重点建设项目进展", "召开教育基建工作推进会", "开展在建学校工程质量检查",
};
static const char *const jj_noun[] = { "教育重点建设项目", "校舍维修改造", "学校建设", "学位供给" };
static const char *const jj_sent[] = {
	"$T新建小学规模$n个班，总建筑面积$N平方米，总投资$X。",
	"全年完成新建、改扩建学校项目$n个，新增学位$N个。",
	"项目计划于$Z年秋季投入使用，届时将有效缓解周边学位紧张问题。",
	"在建项目要严格落实安全生产责任，确保工程质量和施工安全。",
	"暑期共安排校舍维修改造项目$n个，涉及资金$X。",
};

/* 15 政务公开 */
static const char *const zw_kw[] = {
	"政务公开", "政府信息公开", "依申请公开", "重大行政决策", "行政执法", "政务服务",
};
static const char *const zw_act[] = {
	"做好$Y年政务公开工作", "公布$Y年度重大行政决策事项目录", "推进教育系统“最多跑一次”改革",
	"做好$Y年“双随机、一公开”抽查工作",
};
static const char *const zw_evt[] = {
	"召开政务公开工作会议", "开展政府信息公开业务培训", "开展“政府开放日”活动",
};
static const char *const zw_noun[] = { "政务公开", "政府信息公开", "重大行政决策", "行政审批服务", "“双随机、一公开”" };
static const char *const zw_sent[] = {
	"市教育局通过门户网站、政务新媒体等渠道主动公开政府信息$N条。",
	"全年共收到政府信息公开申请$n件，均在法定期限内答复。",
	"各科室要按照“以公开为常态、不公开为例外”的原则，做好主动公开工作。",
	"重大行政决策事项须经公众参与、专家论证、风险评估、合法性审查和集体讨论决定。",
	"政务服务事项全部实现网上办理，群众办事“最多跑一次”。",
};

/* 16 人事 (人事信息 only) */
static const char *const rs_kw[] = {
	"公开招聘", "教师招聘", "拟聘用人员", "职务任免", "职称评审", "人才引进",
};
static const char *const rs_act[] = {
	"做好$Y年教育系统公开招聘工作", "做好$Y年中小学教师职称评审工作", "做好$Y年教育人才引进工作",
};
static const char *const rs_evt[] = {
	"举行$Y年新教师入职宣誓仪式", "赴高校开展教师招聘宣讲",
};
static const char *const rs_noun[] = { "教师招聘", "职称评审", "人才引进", "干部任免" };
static const char *const rs_sent[] = {
	"根据教育事业发展需要，经市人力资源和社会保障局同意，面向社会公开招聘教师$n名。",
	"报名采取网上报名方式，报名时间为$Y年$m月$d日起的5个工作日。",
	"笔试科目为教育综合知识和学科专业知识，笔试成绩合格者按1:3比例进入面试。",
	"经报名、资格审查、笔试、面试、体检和考察等程序，确定拟聘用人员$n名，现予以公示。",
	"公示期为$n个工作日。如对公示对象有异议，请以书面形式向市教育局人事科反映。",
	"经研究，决定任命$P同志为$S校长，免去$P同志的$S副校长职务。",
	"拟聘用人员名单：$L。",
	"评审结果公示名单：$L。",
};

/* 17 财政 (财政信息 only) */
static const char *const cz_kw[] = {
	"部门预算", "部门决算", "专项资金", "政府采购", "三公经费", "经费使用",
};
static const char *const cz_act[] = {
	"下达$Y年教育专项资金", "下达$Y年中小学公用经费", "做好$Y年教育经费统计工作",
};
static const char *const cz_evt[] = {
	"召开教育经费管理工作会议", "开展学校财务专项检查",
};
static const char *const cz_noun[] = { "教育专项资金", "中小学公用经费", "义务教育经费保障", "教育经费" };
static const char *const cz_sent[] = {
	"$Y年部门收入预算$X，其中一般公共预算拨款$X。",
	"“三公”经费预算$X，比上年减少$F%，主要是严格控制公务接待支出。",
	"本次下达资金$X，请各学校按规定用途专款专用，不得挤占挪用。",
	"义务教育阶段学校生均公用经费标准为小学$N元、初中$N元。",
	"政府采购项目包括教学设备、课桌椅和信息化设备等，预算金额$X。",
	"各单位要加强资金使用管理，接受财政、审计部门的监督检查。",
};

static const struct theme themes[] = {
	{ "教育\\\\基础教育", 14, LIST(jc_kw), LIST(jc_act), LIST(jc_evt), LIST(jc_noun), LIST(jc_sent) },
	{ "教育\\\\学前教育", 7, LIST(xq_kw), LIST(xq_act), LIST(xq_evt), LIST(xq_noun), LIST(xq_sent) },
	{ "教育\\\\招生考试", 9, LIST(zs_kw), LIST(zs_act), LIST(zs_evt), LIST(zs_noun), LIST(zs_sent) },
	{ "教育\\\\校园安全", 8, LIST(aq_kw), LIST(aq_act), LIST(aq_evt), LIST(aq_noun), LIST(aq_sent) },
	{ "食品药品\\\\食品安全", 4, LIST(sp_kw), LIST(sp_act), LIST(sp_evt), LIST(sp_noun), LIST(sp_sent) },
	{ "教育\\\\学生资助", 5, LIST(zz_kw), LIST(zz_act), LIST(zz_evt), LIST(zz_noun), LIST(zz_sent) },
	{ "教育\\\\教师队伍", 7, LIST(js_kw), LIST(js_act), LIST(js_evt), LIST(js_noun), LIST(js_sent) },
	{ "教育\\\\民办教育", 6, LIST(mb_kw), LIST(mb_act), LIST(mb_evt), LIST(mb_noun), LIST(mb_sent) },
	{ "教育\\\\职业教育", 4, LIST(zy_kw), LIST(zy_act), LIST(zy_evt), LIST(zy_noun), LIST(zy_sent) },
	{ "教育\\\\德育", 4, LIST(dy_kw), LIST(dy_act), LIST(dy_evt), LIST(dy_noun), LIST(dy_sent) },
	{ "卫生\\\\疾病预防控制", 6, LIST(yq_kw), LIST(yq_act), LIST(yq_evt), LIST(yq_noun), LIST(yq_sent) },
	{ "教育\\\\教育督导", 3, LIST(dd_kw), LIST(dd_act), LIST(dd_evt), LIST(dd_noun), LIST(dd_sent) },
	{ "教育\\\\体育卫生与艺术教育", 3, LIST(ty_kw), LIST(ty_act), LIST(ty_evt), LIST(ty_noun), LIST(ty_sent) },
	{ "城乡建设\\\\重大建设项目", 3, LIST(jj_kw), LIST(jj_act), LIST(jj_evt), LIST(jj_noun), LIST(jj_sent) },
	{ "综合政务\\\\政务公开", 3, LIST(zw_kw), LIST(zw_act), LIST(zw_evt), LIST(zw_noun), LIST(zw_sent) },
	/* not drawn by weight: tied to a category */
	{ "人事\\\\招聘录用", 0, LIST(rs_kw), LIST(rs_act), LIST(rs_evt), LIST(rs_noun), LIST(rs_sent) },
	{ "财政\\\\财政预决算", 0, LIST(cz_kw), LIST(cz_act), LIST(cz_evt), LIST(cz_noun), LIST(cz_sent) },
};

enum { TH_COVID = 10, TH_TEACHERS = 6, TH_AID = 5, TH_HR = 15, TH_FIN = 16 };

/* Sentences any item may use. */
static const char *const common_sent[] = {
	"各学校要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。",
	"市教育局将适时组织督查，督查结果纳入学校年度目标考核。",
	"各镇（街道）中心学校要做好辖区内学校的指导和协调工作。",
	"各学校要结合实际制定具体实施方案，并于$M月$D日前报市教育局$G备案。",
	"联系人：市教育局$G，联系电话：0573-8812$N。",
	"工作中遇到的问题，请及时与市教育局$G联系。",
	"各学校要加强宣传引导，及时回应家长和社会关切，营造良好氛围。",
	"学校要建立健全工作台账，做到有布置、有检查、有落实。",
	"会议要求，各学校要进一步提高政治站位，以更高标准、更实举措推进教育工作。",
	"下一步，市教育局将认真总结经验，不断完善工作机制，推动教育事业高质量发展。",
	"此次活动进一步增强了师生的责任意识，得到了家长和社会的广泛好评。",
	"市教育局相关科室负责人、各镇（街道）中心学校校长和市直属学校校长参加会议。",
	"全市$n所中小学、$n所幼儿园的$N余名师生参加了活动。",
	"本通知自印发之日起施行，由市教育局负责解释。",
	"各学校务必高度重视，严格落实工作要求，对工作不力造成严重后果的，将依规依纪追究责任。",
	"$T教育办公室牵头，组织辖区内学校开展自查自纠。",
	"学校党组织要充分发挥把方向、管大局、作决策、保落实的领导作用。",
	"截至目前，相关工作已全面完成，总体进展顺利。",
};

/* The long tail: a third of the items add one of these, drawn with Zipf
 * weights (the first is the most frequent). */
static const char *const rare_sent[] = {
	"学校将垃圾分类纳入劳动教育内容，组织学生开展垃圾分类知识竞赛。",
	"学校开展“光盘行动”，倡导师生节约粮食、文明用餐。",
	"活动结合国家安全教育日，组织学生观看国家安全主题教育片。",
	"学校邀请禁毒民警开展禁毒宣传教育，增强学生识毒防毒拒毒意识。",
	"学校开展防范电信网络诈骗宣传，提醒家长和学生提高警惕。",
	"学生们在科技节上展示了机器人、无人机和编程作品。",
	"学校以宪法宣传周为契机，开展“学宪法讲宪法”系列活动。",
	"学校组织学生参观丰子恺故居，感受家乡文化名人的艺术魅力。",
	"学校开设蚕桑文化课程，学生在养蚕实践中了解桐乡传统农耕文化。",
	"学生们走进杭白菊种植基地，了解杭白菊的种植和加工过程。",
	"学校依托乌镇世界互联网大会永久举办地资源，开展网络素养教育。",
	"学校成立围棋社团，每周开展围棋兴趣活动。",
	"学校开展书法进校园活动，邀请书法家现场指导学生书写。",
	"学校组织学生参加少儿京剧社团，传承国粹艺术。",
	"学校开展防震减灾应急演练，提高师生应对地震灾害的能力。",
	"学校为留守儿童建立成长档案，安排教师结对帮扶。",
	"市教育局组织开展送教上门活动，为重度残疾儿童提供个别化教育。",
	"学校推进控辍保学工作，确保适龄儿童少年不因各种原因失学辍学。",
	"学校开展清廉学校建设，营造风清气正的育人环境。",
	"学校完成教室空调安装和直饮水设备更新，改善学生学习生活条件。",
	"学校为午休的学生配备午休课桌椅，保障学生午间休息。",
	"学校推进智慧校园建设，实现校园网络和多媒体教学设备全覆盖。",
	"学校图书馆全年新增图书$N册，开展“书香校园”读书活动。",
	"学校开展营养改善计划，为学生提供营养均衡的午餐。",
	"学校组织学生开展红色研学，走进革命纪念馆接受爱国主义教育。",
	"关工委组织退休教师开展关爱下一代志愿服务。",
	"老年大学开设书画、摄影、舞蹈等课程，满足老年人学习需求。",
	"学校开展人工智能教育试点，开设人工智能启蒙课程。",
	"学校游泳馆面向学生开放，开展游泳技能普及培训。",
	"学校篮球队在嘉兴市中小学生篮球联赛中获得冠军。",
	"学校开展茅盾文学作品阅读活动，传承文学名家精神。",
	"学校开设木心美术课程，引导学生感受艺术之美。",
	"学校组织开展航模比赛，激发学生对航空航天的兴趣。",
	"学校建立家校沟通微信群，及时推送学校工作动态。",
	"学校开展“小手拉大手”活动，推动文明城市创建。",
	"学校组织学生参加濮院时尚古镇研学活动，了解羊毛衫产业发展历程。",
	"学校开设非遗传承课程，邀请非遗传承人走进课堂。",
	"学校开展蓝印花布制作体验活动，学生动手制作蓝印花布作品。",
	"学校成立皮影戏社团，学生排演传统皮影剧目。",
	"学校开展桐乡话童谣传唱活动，保护和传承地方方言文化。",
	"学校组织学生参观运河文化遗产，了解京杭大运河的历史。",
	"学校组织师生开展扫黑除恶专项斗争宣传教育。",
	"学校开展预防艾滋病健康教育，普及疾病预防知识。",
	"学校积极推进数字化改革，上线学生综合素质评价系统。",
	"学校设立心理危机干预小组，建立学生心理健康档案。",
	"学校开展“最美校园”评选，打造绿色生态校园环境。",
	"学校组织学生开展植树节义务植树活动。",
	"学校推进国际理解教育，与境外友好学校开展线上交流。",
	"学校开展珍爱生命主题教育，引导学生树立正确的生命观。",
	"学校组织教师开展课题研究，$n项课题在嘉兴市立项。",
	"学校开展科学教育周活动，举办科普讲座和实验展示。",
	"学校组织开展象棋比赛，丰富学生课余生活。",
	"学校开展口琴进课堂活动，每位学生学会吹奏口琴。",
	"学校举办越剧进校园专场演出，弘扬优秀传统文化。",
	"学校开展陶艺课程，学生在泥土中感受创造的乐趣。",
	"学校开展古诗词诵读比赛，营造浓厚的诗词文化氛围。",
	"学校开展珠算心算教学，锻炼学生思维能力。",
	"学校成立剪纸社团，作品在全市中小学生艺术节上展出。",
	"学校开展马拉松亲子跑活动，倡导健康生活方式。",
	"学校组织学生观测日食天象，开展天文科普活动。",
};

/* ---- categories --------------------------------------------------------- */

enum cat {
	C_POLICY, C_PLAN, C_REPORT, C_FINANCE, C_HR, C_NOTICE, C_NEWS, C_KEY, C_PUBLIC, C_PROPOSAL, NCAT
};

struct category {
	const char *name;
	unsigned weight;           /* per mille of the items */
	unsigned docno_pct;        /* share with a 文号 */
	const char *const *prefix; /* 文号 代字 */
	size_t nprefix;
	const char *const *title;  /* title templates */
	size_t ntitle;
};

static const char *const pfx_policy[] = { "桐教", "桐教规", "桐教办" };
static const char *const pfx_plan[] = { "桐教", "桐教办" };
static const char *const pfx_report[] = { "桐教办" };
static const char *const pfx_fin[] = { "桐教计", "桐教财" };
static const char *const pfx_hr[] = { "桐教人" };
static const char *const pfx_notice[] = { "桐教审", "桐教", "桐教办" };
static const char *const pfx_key[] = { "桐教", "桐教办", "桐教建" };
static const char *const pfx_public[] = { "桐教办" };
static const char *const pfx_prop[] = { "桐教提", "桐教议" };

static const char *const t_policy[] = {
	"关于$A的通知", "关于$A的实施意见", "关于$A的指导意见", "桐乡市教育局关于$A的通知",
	"关于印发《桐乡市$W管理办法》的通知", "关于印发《桐乡市$W工作实施方案》的通知", "桐乡市$W实施细则",
};
static const char *const t_plan[] = {
	"桐乡市教育局$Y年$W工作要点", "桐乡市$W三年行动计划（$Y—$Z年）", "$Y年桐乡市$W工作计划",
	"桐乡市教育局$Y年度工作目标任务", "桐乡市$W发展规划（$Y—$Z年）",
};
static const char *const t_report[] = {
	"$y年桐乡市$W工作情况报告", "$y年桐乡市教育事业发展统计公报", "$Y年上半年桐乡市$W工作总结",
	"桐乡市教育局$y年政府信息公开工作年度报告", "$y年度桐乡市$W情况统计分析",
};
static const char *const t_fin[] = {
	"$Y年度桐乡市教育局部门预算", "$y年度桐乡市教育局部门决算", "关于下达$Y年$W的通知",
	"$Y年$W分配情况公示", "桐乡市教育局$Y年$W项目政府采购意向公开",
};
static const char *const t_hr[] = {
	"$Y年桐乡市教育系统公开招聘教师公告", "$Y年桐乡市教育系统公开招聘教师拟聘用人员公示（第$n批）",
	"关于$P等同志职务任免的通知", "$Y年桐乡市中小学高级教师职务任职资格评审结果公示",
	"$Y年桐乡市教坛新秀评选结果公示", "$Y年桐乡市教育系统引进高层次人才公告",
};
static const char *const t_notice[] = {
	"关于$A的公告", "$Y年桐乡市$W先进名单公示", "关于同意桐乡市$B培训学校变更办学地址的批复",
	"关于同意设立桐乡市$B培训学校的批复", "$Y年$W“双随机、一公开”抽查结果公示", "关于$Y年$W有关事项的公示",
};
static const char *const t_news[] = {
	"$S$E", "市教育局$E", "$T$E", "我市$E", "$T各学校$E", "$S扎实推进$K工作",
	"市教育局召开$Y年$W工作会议", "$S开展“$K”主题活动",
};
static const char *const t_key[] = {
	"关于$A的通知", "$Y年桐乡市$W工作方案", "桐乡市$W工作实施方案", "关于$Y年$W有关工作的通知",
	"桐乡市教育局关于$A的通知",
};
static const char *const t_public[] = {
	"桐乡市教育局$W事项办事指南", "$Y年桐乡市中小学幼儿园名录", "$Y年桐乡市$W服务信息公开",
	"桐乡市$W政策问答（$Y年版）",
};
static const char *const t_prop[] = {
	"关于市政协十$h届$g次会议第$N号提案的答复", "关于市十$h届人大$g次会议第$N号建议的答复",
	"对市政协委员$p《关于$A的建议》的答复", "对市人大代表$p关于$W建议的答复",
};

static const struct category cats[NCAT] = {
	[C_POLICY] = { "政策文件", 70, 95, LIST(pfx_policy), LIST(t_policy) },
	[C_PLAN] = { "规划计划", 30, 50, LIST(pfx_plan), LIST(t_plan) },
	[C_REPORT] = { "报告统计", 30, 20, LIST(pfx_report), LIST(t_report) },
	[C_FINANCE] = { "财政信息", 50, 40, LIST(pfx_fin), LIST(t_fin) },
	[C_HR] = { "人事信息", 80, 30, LIST(pfx_hr), LIST(t_hr) },
	[C_NOTICE] = { "公告公示", 140, 40, LIST(pfx_notice), LIST(t_notice) },
	[C_NEWS] = { "工作动态", 350, 0, NULL, 0, LIST(t_news) },
	[C_KEY] = { "重点领域信息", 150, 50, LIST(pfx_key), LIST(t_key) },
	[C_PUBLIC] = { "社会公益事业建设领域信息", 80, 10, LIST(pfx_public), LIST(t_public) },
	[C_PROPOSAL] = { "提案建议办理结果", 20, 90, LIST(pfx_prop), LIST(t_prop) },
};

/* ---- text buffers ------------------------------------------------------ */

#define SBUF_CAP 16384

/* A fixed-capacity byte buffer; appends past the end are dropped and set
 * full, which the callers treat as "long enough". */
struct sbuf {
	size_t n;
	bool full;
	char p[SBUF_CAP];
};

static void sb_clear(struct sbuf *b)
{
	b->n = 0;
	b->full = false;
}

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n > SBUF_CAP) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_int(struct sbuf *b, long v)
{
	char t[24];
	int n = snprintf(t, sizeof(t), "%ld", v);

	sb_add(b, t, (size_t)n);
}

/* Characters (not bytes) of UTF-8 text. */
static size_t utf8_chars(const char *p, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)p[i] & 0xC0) != 0x80;
	return k;
}

/* ---- the generator ---------------------------------------------------- */

#define DAY_FIRST_Y 2015
#define DAY_LAST_Y 2026
#define DAY_LAST_M 11
#define DAY_LAST_D 20

struct gen {
	struct rng r;
	long day0, day1;                 /* date range */
	long covid0, covid1;             /* 疫情防控 items only between these */
	unsigned cat_total, theme_total;
	double rare_cum[COUNT(rare_sent)];
	/* 文号 counters per 代字 (by address in prefixes[]) and year */
	const char *prefixes[16];
	size_t nprefixes;
	unsigned serial[16][DAY_LAST_Y - DAY_FIRST_Y + 1];
	/* the item being written */
	const struct theme *th;
	int year, month, mday;           /* of the document */
	const char *used[32];            /* sentences already in the body */
	size_t nused;
	const char *town;
	char school[64];
	char person[32];
	size_t body_chars;               /* characters in body so far */
	struct sbuf title, body, line;
};

static void pick_school(struct gen *g, char *out, size_t cap, const char *town)
{
	if (rng_pct(&g->r, 30))
		snprintf(out, cap, "%s", PICK(&g->r, city_schools));
	else
		snprintf(out, cap, "%s%s", town ? town : PICK(&g->r, towns), PICK(&g->r, town_school_kinds));
}

static void put_name(struct gen *g, struct sbuf *b)
{
	sb_puts(b, PICK(&g->r, surnames));
	sb_puts(b, PICK(&g->r, given));
	if (rng_pct(&g->r, 70))
		sb_puts(b, PICK(&g->r, given));
}

static void expand(struct gen *g, struct sbuf *b, const char *tpl);

static void put_pick(struct gen *g, struct sbuf *b, const char *const *arr, size_t n)
{
	expand(g, b, arr[rng_below(&g->r, (uint32_t)n)]);
}

/* Append tpl with its $-slots filled. */
static void expand(struct gen *g, struct sbuf *b, const char *tpl)
{
	const char *p = tpl;
	char tmp[64];

	while (*p) {
		const char *d = strchr(p, '$');

		if (!d) {
			sb_puts(b, p);
			return;
		}
		sb_add(b, p, (size_t)(d - p));
		p = d + 1;
		switch (*p) {
		case 'Y': sb_int(b, g->year); break;
		case 'y': sb_int(b, g->year - 1); break;
		case 'Z': sb_int(b, g->year + 2); break;
		case 'M': sb_int(b, 1 + rng_below(&g->r, 12)); break;
		case 'm': sb_int(b, g->month); break;
		case 'd': sb_int(b, g->mday); break;
		case 'B': sb_puts(b, PICK(&g->r, trainers)); break;
		case 'D': sb_int(b, 1 + rng_below(&g->r, 28)); break;
		case 'T': sb_puts(b, g->town); break;
		case 't': sb_puts(b, PICK(&g->r, towns)); break;
		case 'S': sb_puts(b, g->school); break;
		case 's':
			pick_school(g, tmp, sizeof(tmp), NULL);
			sb_puts(b, tmp);
			break;
		case 'P': put_name(g, b); break;
		case 'p': sb_puts(b, g->person); break;
		case 'L':
			for (uint32_t i = 0, k = 3 + rng_below(&g->r, 14); i < k; i++) {
				if (i)
					sb_puts(b, "、");
				put_name(g, b);
			}
			break;
		case 'n': sb_int(b, 2 + rng_below(&g->r, 98)); break;
		case 'k': sb_int(b, 2 + rng_below(&g->r, 6)); break;
		case 'N': sb_int(b, 100 + rng_below(&g->r, 9900)); break;
		case 'F':
			snprintf(tmp, sizeof(tmp), "%u.%u", 80 + rng_below(&g->r, 20), rng_below(&g->r, 10));
			sb_puts(b, tmp);
			break;
		case 'X':
			snprintf(tmp, sizeof(tmp), "%u.%02u万元", 10 + rng_below(&g->r, 9990), rng_below(&g->r, 100));
			sb_puts(b, tmp);
			break;
		case 'h': sb_puts(b, PICK(&g->r, ((const char *const[]){ "", "一", "二" }))); break;
		case 'g': sb_puts(b, PICK(&g->r, ((const char *const[]){ "一", "二", "三", "四", "五" }))); break;
		case 'G': sb_puts(b, PICK(&g->r, depts)); break;
		case 'K': put_pick(g, b, g->th->kw, g->th->nkw); break;
		case 'A': put_pick(g, b, g->th->act, g->th->nact); break;
		case 'E': put_pick(g, b, g->th->evt, g->th->nevt); break;
		case 'W': put_pick(g, b, g->th->noun, g->th->nnoun); break;
		default:
			sb_puts(b, "$");
			continue;
		}
		p++;
	}
}

static const struct theme *pick_theme(struct gen *g)
{
	uint32_t x = rng_below(&g->r, g->theme_total);

	for (size_t i = 0; i < COUNT(themes); i++) {
		if (x < themes[i].weight)
			return &themes[i];
		x -= themes[i].weight;
	}
	return &themes[0];
}

static enum cat pick_cat(struct gen *g)
{
	uint32_t x = rng_below(&g->r, g->cat_total);

	for (int i = 0; i < NCAT; i++) {
		if (x < cats[i].weight)
			return (enum cat)i;
		x -= cats[i].weight;
	}
	return C_NEWS;
}

/* A publication day: later years a little more likely, weekends rare. */
static long pick_day(struct gen *g, long lo, long hi)
{
	long d;

	for (;;) {
		d = lo + (long)rng_below(&g->r, (uint32_t)(hi - lo + 1));
		if (rng_below(&g->r, 1000) < 500 + 500 * (d - g->day0) / (g->day1 - g->day0 + 1))
			break;
	}
	if (weekday(d) >= 5 && rng_pct(&g->r, 90)) {
		d += 7 - weekday(d); /* to Monday */
		if (d > hi)
			d -= 3;      /* to Friday */
	}
	return d;
}

static size_t pick_rare(struct gen *g)
{
	double x = (double)(rng_next(&g->r) >> 11) * (1.0 / 9007199254740992.0);
	size_t lo = 0, hi = COUNT(rare_sent) - 1;

	x *= g->rare_cum[hi];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (g->rare_cum[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void body_add(struct gen *g, const char *s, size_t n)
{
	sb_add(&g->body, s, n);
	g->body_chars += utf8_chars(s, n);
}

static void body_puts(struct gen *g, const char *s)
{
	body_add(g, s, strlen(s));
}

static void body_para(struct gen *g)
{
	sb_add(&g->body, "\\n\\n", 4); /* TSV escape of a blank line */
}

/* One sentence: mostly the theme's, sometimes a common one; a few tries
 * to avoid repeating one already in the body. */
static void body_sentence(struct gen *g)
{
	const char *tpl = NULL;

	for (int tries = 0; tries < 4; tries++) {
		bool seen = false;

		if (rng_pct(&g->r, 70))
			tpl = g->th->sent[rng_below(&g->r, (uint32_t)g->th->nsent)];
		else
			tpl = common_sent[rng_below(&g->r, COUNT(common_sent))];
		for (size_t i = 0; i < g->nused && !seen; i++)
			seen = g->used[i] == tpl;
		if (!seen)
			break;
	}
	if (g->nused < COUNT(g->used))
		g->used[g->nused++] = tpl;
	sb_clear(&g->line);
	expand(g, &g->line, tpl);
	body_add(g, g->line.p, g->line.n);
}

static const char *const section_no[] = { "一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、" };
/* in this order, starting with the first or the second */
static const char *const section_head[] = {
	"总体要求。", "工作目标。", "主要任务。", "工作措施。", "组织领导。", "保障措施。", "工作要求。", "时间安排。",
};

/* Body of 300-800 characters shaped by the category. */
static void make_body(struct gen *g, enum cat c, const char *date_cn, bool rare)
{
	/* sentences are at most ~60 characters and the closing ~20: <= 800 */
	size_t target = 300 + rng_below(&g->r, 420), sec = 0;
	size_t per_para = 2 + rng_below(&g->r, 2), in_para = 0, head = rng_below(&g->r, 2);
	bool sections = c == C_POLICY || c == C_KEY || c == C_PLAN;

	sb_clear(&g->body);
	g->body_chars = 0;
	g->nused = 0;
	sb_clear(&g->line);
	switch (c) {
	case C_POLICY:
	case C_KEY:
		expand(g, &g->line, "各镇（街道）中心学校，市直属各学校，各幼儿园：");
		body_add(g, g->line.p, g->line.n);
		body_para(g);
		sb_clear(&g->line);
		expand(g, &g->line, "为$A，根据上级有关文件精神，结合我市实际，现就有关事项通知如下。");
		break;
	case C_NEWS:
		expand(g, &g->line, "$m月$d日，$S$E。");
		break;
	case C_NOTICE:
		expand(g, &g->line, "根据有关规定，现将$Y年$W有关情况公示如下。");
		break;
	case C_REPORT:
		expand(g, &g->line, "现将$y年全市$W工作情况报告如下。");
		break;
	case C_FINANCE:
		expand(g, &g->line, "根据市财政局批复，现将$Y年$W有关情况公开如下。");
		break;
	case C_HR:
		expand(g, &g->line, "根据《事业单位公开招聘人员暂行规定》和有关文件精神，现将$Y年有关事项公告如下。");
		break;
	case C_PLAN:
		expand(g, &g->line, "为推进$W工作，结合我市教育发展实际，制定本计划。");
		break;
	case C_PUBLIC:
		expand(g, &g->line, "为方便群众办事，现将$W有关服务信息公布如下。");
		break;
	case C_PROPOSAL:
		expand(g, &g->line, "$p委员（代表）：\\n\\n您提出的关于$W的建议收悉，现答复如下。");
		break;
	default:
		break;
	}
	body_add(g, g->line.p, g->line.n);
	body_para(g);
	while (g->body_chars < target && !g->body.full) {
		if (sections && in_para == 0 && sec < COUNT(section_no)) {
			body_puts(g, section_no[sec]);
			body_puts(g, section_head[head++ % COUNT(section_head)]);
			sec++;
		}
		if (rare && rng_pct(&g->r, 25)) {
			sb_clear(&g->line);
			expand(g, &g->line, rare_sent[pick_rare(g)]);
			body_add(g, g->line.p, g->line.n);
			rare = false;
		} else {
			body_sentence(g);
		}
		if (++in_para >= per_para) {
			body_para(g);
			in_para = 0;
			per_para = 1 + rng_below(&g->r, 3);
		}
	}
	if (in_para)
		body_para(g);
	if (rare) {
		sb_clear(&g->line);
		expand(g, &g->line, rare_sent[pick_rare(g)]);
		body_add(g, g->line.p, g->line.n);
		body_para(g);
	}
	if (c == C_PROPOSAL)
		body_puts(g, "感谢您对教育工作的关心和支持。\\n\\n");
	if (c != C_NEWS) {
		body_puts(g, "桐乡市教育局\\n");
		body_puts(g, date_cn);
	} else {
		/* drop the trailing blank line */
		while (g->body.n >= 2 && memcmp(g->body.p + g->body.n - 2, "\\n", 2) == 0)
			g->body.n -= 2;
	}
}

static void make_title(struct gen *g, enum cat c)
{
	for (int tries = 0;; tries++) {
		size_t k;

		sb_clear(&g->title);
		put_pick(g, &g->title, cats[c].title, cats[c].ntitle);
		k = utf8_chars(g->title.p, g->title.n);
		if (k >= 15 && k <= 40)
			return;
		if (tries < 8)
			continue;
		if (k < 15) {
			struct sbuf *t = &g->line;

			sb_clear(t);
			sb_puts(t, "桐乡市教育局");
			sb_add(t, g->title.p, g->title.n);
			sb_clear(&g->title);
			sb_add(&g->title, t->p, t->n);
		}
		return;
	}
}

/* The last serial given for 代字 pfx in year y: unique 文号 across
 * categories that share a 代字. */
static unsigned *prefix_serial(struct gen *g, const char *pfx, int y)
{
	size_t i;

	for (i = 0; i < g->nprefixes; i++)
		if (strcmp(g->prefixes[i], pfx) == 0)
			break;
	if (i == g->nprefixes) {
		if (i == COUNT(g->prefixes)) {
			fprintf(stderr, "gen_items: too many 代字\n");
			exit(1);
		}
		g->prefixes[g->nprefixes++] = pfx;
	}
	return &g->serial[i][y - DAY_FIRST_Y];
}

static void fmt_date(long day, char out[11])
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

static void gen_init(struct gen *g, uint64_t seed)
{
	double cum = 0;

	memset(g, 0, sizeof(*g));
	g->r.s = seed;
	g->day0 = days_from_civil(DAY_FIRST_Y, 1, 1);
	g->day1 = days_from_civil(DAY_LAST_Y, DAY_LAST_M, DAY_LAST_D);
	g->covid0 = days_from_civil(2020, 1, 22);
	g->covid1 = days_from_civil(2022, 12, 31);
	for (int i = 0; i < NCAT; i++)
		g->cat_total += cats[i].weight;
	for (size_t i = 0; i < COUNT(themes); i++)
		g->theme_total += themes[i].weight;
	for (size_t i = 0; i < COUNT(rare_sent); i++) {
		cum += 1.0 / (double)(i + 1);
		g->rare_cum[i] = cum;
	}
}

static void gen_item(struct gen *g, FILE *out)
{
	enum cat c = pick_cat(g);
	long pub, written, vday = 0;
	char pub_s[11], wr_s[11], v_s[11] = "", date_cn[32], docno[64] = "";
	const char *genre = "其他", *validity = "有效", *topic;
	int y, m, d;

	switch (c) {
	case C_HR:
		g->th = &themes[rng_pct(&g->r, 80) ? TH_HR : TH_TEACHERS];
		break;
	case C_FINANCE:
		g->th = &themes[rng_pct(&g->r, 60) ? TH_FIN : TH_AID];
		break;
	default:
		g->th = pick_theme(g);
	}
	topic = c == C_PROPOSAL ? "综合政务\\\\建议提案办理" : g->th->topic;
	if (g->th == &themes[TH_COVID])
		pub = pick_day(g, g->covid0, g->covid1);
	else
		pub = pick_day(g, g->day0, g->day1);
	written = c == C_NEWS ? pub : pub - (long)rng_below(&g->r, 10);
	fmt_date(pub, pub_s);
	fmt_date(written, wr_s);
	civil_from_days(written, &y, &m, &d);
	g->year = y;
	g->month = m;
	g->mday = d;
	snprintf(date_cn, sizeof(date_cn), "%d年%d月%d日", y, m, d);
	g->town = PICK(&g->r, towns);
	pick_school(g, g->school, sizeof(g->school), g->town);
	sb_clear(&g->line);
	put_name(g, &g->line);
	snprintf(g->person, sizeof(g->person), "%.*s", (int)g->line.n, g->line.p);

	if (cats[c].nprefix && rng_pct(&g->r, cats[c].docno_pct)) {
		const char *pfx = cats[c].prefix[rng_below(&g->r, (uint32_t)cats[c].nprefix)];
		unsigned *ctr = prefix_serial(g, pfx, y);

		*ctr += 1 + rng_below(&g->r, 3);
		snprintf(docno, sizeof(docno), "%s〔%d〕%u号", pfx, y, *ctr);
	}
	if (c == C_POLICY || c == C_KEY) {
		uint32_t x = rng_below(&g->r, 100);

		if (c == C_POLICY && x < 2)
			genre = "规章";
		else if (x < (c == C_POLICY ? 50u : 10u))
			genre = "行政规范性文件";
	}
	if (strcmp(genre, "其他") != 0 && g->day1 - pub > 3 * 365) {
		uint32_t x = rng_below(&g->r, 100);

		if (x < 45) {
			validity = x < 25 ? "失效" : x < 35 ? "废止" : "已修改";
			vday = pub + 365 + (long)rng_below(&g->r, (uint32_t)(g->day1 - pub - 365));
			fmt_date(vday, v_s);
		}
	}
	make_title(g, c);
	make_body(g, c, date_cn, rng_pct(&g->r, 33));

	fprintf(out, "%s\t", cats[c].name);
	fwrite(g->title.p, 1, g->title.n, out);
	fprintf(out, "\t%s\t桐乡市教育局\t%s\t%s\t%s\t%s\t%s\t%s\t", docno, wr_s, pub_s, genre, validity, v_s,
		topic);
	fwrite(g->body.p, 1, g->body.n, out);
	fputc('\n', out);
}

static void usage(void)
{
	fprintf(stderr, "usage: gen_items N [SEED] > items.tsv\n");
}

int main(int argc, char **argv)
{
	static struct gen g; /* ~100 KB: not on the stack */
	static char obuf[1 << 20];
	unsigned long long n, seed = 1;
	char *end;

	if (argc < 2 || argc > 3) {
		usage();
		return 2;
	}
	errno = 0;
	n = strtoull(argv[1], &end, 10);
	if (errno || *end || end == argv[1]) {
		usage();
		return 2;
	}
	if (argc == 3) {
		seed = strtoull(argv[2], &end, 10);
		if (errno || *end || end == argv[2]) {
			usage();
			return 2;
		}
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	gen_init(&g, seed);
	printf("# %llu synthetic items of 桐乡市教育局 for benchmarks (bench/gen_items.c, seed %llu); all invented.\n"
	       "# Format: as data/demo/tongxiang-edu/items.tsv: 11 TAB-separated fields, \\n and \\\\ escapes.\n"
	       "#category\ttitle\tdoc_no\tpublisher\twritten_on\tpublished_on\tgenre\tvalidity\tvalidity_on\ttopic\tbody\n",
	       n, seed);
	for (unsigned long long i = 0; i < n; i++)
		gen_item(&g, stdout);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "gen_items: write error: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
