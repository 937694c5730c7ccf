import i18next from 'i18next';
import type { Same } from '../i18n';
import { en as consoleEn, zh as consoleZh } from '../features/cycles/i18n';

/** Strings of the portal's cycle page (registered when the page loads); precondition names shared with the console. */
const zh = {
  title: '{{name}}',
  period: '考核期间 {{start}} 至 {{end}}',
  stage: '当前环节：{{stage}}',
  regulations: '考核办法',
  history: '环节记录',
  noHistory: '本周期尚无环节变更记录。',
  move: '{{from}} → {{to}}',
  back: '退回，原因：{{reason}}',
  overrides: '本周期跳过了以下前置条件',
  overridesIntro: '绩效办在推进环节时跳过了下列未满足的前置条件，并写明了理由。',
  overrideWhen: '{{at}} 进入“{{stage}}”时',
  overrideReason: '理由：{{reason}}',
  overrideBlockers: '当时未满足的对象 {{n}} 个',
  overrideWho: '包括：{{names}}{{more}}',
  andMore: ' 等（另 {{n}} 个）',
  sep: '、',
  noOverrides: '本周期的每次推进都满足了全部前置条件。',
  notFound: '找不到这个考核周期。',
  backHome: '返回首页',
  detail: '周期详情',
};

const en: Same<typeof zh> = {
  title: '{{name}}',
  period: 'Period {{start}} to {{end}}',
  stage: 'Current link: {{stage}}',
  regulations: 'Regulations',
  history: 'Stage history',
  noHistory: 'No stage changes recorded for this cycle yet.',
  move: '{{from}} → {{to}}',
  back: 'Moved back, reason: {{reason}}',
  overrides: 'Preconditions skipped in this cycle',
  overridesIntro:
    'When moving the cycle on, the performance office skipped these preconditions that were not met, and wrote down why.',
  overrideWhen: '{{at}}, moving into “{{stage}}”',
  overrideReason: 'Reason: {{reason}}',
  overrideBlockers: '{{n}} items did not meet it at the time',
  overrideWho: 'Among them: {{names}}{{more}}',
  andMore: ' and {{n}} more',
  sep: ', ',
  noOverrides: 'Every move of this cycle met all its preconditions.',
  notFound: 'This cycle was not found.',
  backHome: 'Back to the home page',
  detail: 'Cycle details',
};

i18next.addResourceBundle('zh-CN', 'portalCycle', { ...zh, check: consoleZh.check }, true, true);
i18next.addResourceBundle('en', 'portalCycle', { ...en, check: consoleEn.check }, true, true);
