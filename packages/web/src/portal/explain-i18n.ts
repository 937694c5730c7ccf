import i18next from 'i18next';
import type { Same } from '../i18n';

/** Strings of the public result's explanation: indicator table, veto reason, print (registered when used). */
const zh = {
  table: {
    indicator: '指标',
    weight: '权重',
    actual: '实际值',
    attainment: '得分率',
    points: '计入总分',
    total: '总分',
    missing: '缺少数据',
    veto: '一票否决项',
  },
  veto: {
    title: '一票否决',
    failed: '{{names}}未达到满分要求（得分率 {{a}}），触发一票否决。',
    ruleUnqualified: '规则：一票否决项未达标的，无论得分多少，等次直接定为最低等次。',
    ruleDownOne: '规则：一票否决项未达标的，等次在按得分评定的基础上降一档。',
    capped: '按得分应为“{{from}}”，因一票否决定为“{{to}}”。',
    cappedSame: '最终等次：“{{to}}”。',
  },
  radarValue: '得分率',
  print: '打印本页',
  printedFrom: '本页地址：{{url}}',
};

const en: Same<typeof zh> = {
  table: {
    indicator: 'Indicator',
    weight: 'Weight',
    actual: 'Actual value',
    attainment: 'Attainment',
    points: 'Points',
    total: 'Total',
    missing: 'data missing',
    veto: 'veto indicator',
  },
  veto: {
    title: 'Veto',
    failed: '{{names}} fell short of full marks (attainment {{a}}) and triggered the veto.',
    ruleUnqualified:
      'Rule: when a veto indicator is failed, the grade is the lowest grade whatever the score.',
    ruleDownOne: 'Rule: when a veto indicator is failed, the grade is one below what the score earned.',
    capped: 'The score earned “{{from}}”; the veto set the grade to “{{to}}”.',
    cappedSame: 'Final grade: “{{to}}”.',
  },
  radarValue: 'Attainment',
  print: 'Print this page',
  printedFrom: 'Address of this page: {{url}}',
};

i18next.addResourceBundle('zh-CN', 'portalExplain', zh, true, true);
i18next.addResourceBundle('en', 'portalExplain', en, true, true);
