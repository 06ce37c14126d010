// gen_apps.mjs - N synthetic disclosure applications with their procedure,
// in the JSON format of `gongkai applications import` (src/cli/cli_apps.c),
// received between 2021-01-04 and 2025-12-01, deterministic (seeded).
//
//   node bench/gen_apps.mjs N > apps.json
const n = Number(process.argv[2] || 10000);
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idn = (b) => b + '10X98765432'[[...b].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11];
const day = (d) => new Date(d).toISOString().slice(0, 10);
const t0 = Date.UTC(2021, 0, 4), span = Date.UTC(2025, 11, 1) - t0;
const outcomes = ['published', 'disclose', 'disclose', 'partial', 'not_exist', 'not_ours', 'process', 'internal',
  'needs_creation', 'repeat', 'petition'];
const topics = ['招生计划', '教育经费执行情况', '校舍维修工程', '教师招聘', '学区划分', '民办学校年检', '课后服务收费'];
const out = [];
for (let i = 0; i < n; i++) {
  const arrived = t0 + Math.floor(rnd() * span / 86400000) * 86400000;
  const at = (k) => day(arrived + k * 86400000);
  const base = String(330483e11 + Math.floor(rnd() * 1e6)).padStart(11, '0').slice(0, 6) +
    `19${70 + Math.floor(rnd() * 30)}0${1 + Math.floor(rnd() * 9)}1${Math.floor(rnd() * 9)}${String(i % 1000).padStart(3, '0')}`;
  const a = {
    applicant_type: 'natural', name: `申请人${i}`, id_kind: '居民身份证', id_number: idn(base.slice(0, 17)),
    phone: `139${String(10000000 + i).slice(-8)}`, email: `a${i}@example.cn`, address: `浙江省桐乡市测试路${i}号`,
    medium: '电子', delivery: '电子邮件', channel: 'in_person', arrived: at(0), evidence: '窗口接收',
    info_title: `${2020 + Math.floor(rnd() * 5)}年${pick(topics)}（${i}）`, actions: [],
  };
  const r = rnd();
  if (r < 0.1) { /* open */ } else if (r < 0.2) {
    a.actions.push({ action: 'correction', day: at(2), reason: '请写明所需信息的年份。' },
      { action: 'corrected', day: at(6) }, { action: 'reply', day: at(15), outcome: pick(outcomes) });
  } else if (r < 0.3) {
    a.actions.push({ action: 'consult', day: at(3), party: '某公司', reason: '是否同意公开' },
      { action: 'consult_end', day: at(12), reason: '同意' }, { action: 'reply', day: at(20), outcome: 'disclose' });
  } else if (r < 0.35) {
    a.actions.push({ action: 'extend', day: at(10), days: 15, approver: '沈卫东', reason: '检索量大' },
      { action: 'reply', day: at(35), outcome: pick(outcomes) });
  } else {
    a.actions.push({ action: 'reply', day: at(1 + Math.floor(rnd() * 20)), outcome: pick(outcomes) });
  }
  out.push(a);
}
process.stdout.write(JSON.stringify(out));
