import type { Same } from '../../i18n';

export const zh = {
  title: '审计日志',
  intro: '所有对计划、数据、评分和结果的修改都写入只追加、哈希链接的审计日志。',
  verify: '校验审计链',
  ok: '审计链完整：已校验 {{n}} 条记录，未发现篡改',
  bad: '审计链发现 {{n}} 个问题（共校验 {{checked}} 条）',
  seq: '序号',
  at: '时间',
  actor: '操作人',
  action: '操作',
  entity: '对象',
  hash: '哈希',
  search: '筛选操作或对象类型',
  kind: '问题类型',
  message: '说明',
};

export const en: Same<typeof zh> = {
  title: 'Audit log',
  intro: 'Every change to plans, data, ratings and results goes into an append-only, hash-chained audit log.',
  verify: 'Verify the chain',
  ok: 'Chain intact: {{n}} entries checked, no tampering found',
  bad: '{{n}} problem(s) found in the chain ({{checked}} entries checked)',
  seq: 'Seq',
  at: 'When',
  actor: 'Actor',
  action: 'Action',
  entity: 'Entity',
  hash: 'Hash',
  search: 'Filter by action or entity type',
  kind: 'Kind',
  message: 'Message',
};
