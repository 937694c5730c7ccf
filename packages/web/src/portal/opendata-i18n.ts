import i18next from 'i18next';
import type { Same } from '../i18n';

/** Strings of the portal's open data section and of the full regulations (registered when used). */
const zh = {
  title: '开放数据：自己核算结果',
  intro:
    '本周期公开结果的全部计算依据打包为一个文件：考核办法（规则、等次标准、结果运用）、指标体系、经核验的数据及其期间、各评价主体的评分（不含评分人身份）、满意度调查估计值，以及各结果及其修订版本。任何人都可以用它独立重算每一个结果。',
  bundle: '下载数据包（JSON）',
  digest: '数据包 SHA-256 摘要',
  digestNote: '下载后可自行计算摘要并与此核对，确认文件未被改动。',
  size: '{{kb}} KB',
  csv: '结果表（CSV）',
  xlsx: '结果表（Excel）',
  check: '自己核算',
  checkHow:
    '安装 Node.js 20 后，在项目代码目录运行以下命令；每个结果都会按数据包中的规则重新计算，不一致的结果会逐条列出：',
  dictionary: '数据字典：docs/open-data.md（每个字段的含义与重算方法）。',
  licence: '许可：{{name}}，可自由复制、分析和再发布，请注明来源。',
  privacy: '评分人少于 {{n}} 人的评分组只公开汇总结果，不公开单个分数。',
  notPublished: '本周期的结果公开后，这里提供开放数据。',
  fullRules: '每个数字的计算规则',
  fullRulesIntro: '以下条文由计算程序实际使用的规则对象自动生成。',
  inputVerified: '计分值：{{period}} 期 {{value}}（已核验，{{at}}）',
  inputNotVerified: '{{period}} 期报送值 {{value}}（{{status}}，未计分）',
  status: { verified: '已核验', reported: '待核验', rejected: '已退回' },
};

const en: Same<typeof zh> = {
  title: 'Open data: check the results yourself',
  intro:
    "Everything this cycle's published results were computed from, in one file: the regulations (rules, grade scheme, consequences), the indicator trees, the verified values with their period, the panels' ratings (without rater identities), the survey estimates, and the results with their revision numbers. Anyone can recompute every result from it.",
  bundle: 'Download the bundle (JSON)',
  digest: 'SHA-256 digest of the bundle',
  digestNote:
    'Compute the digest of the file you downloaded and compare: the file is unchanged if they match.',
  size: '{{kb}} KB',
  csv: 'Results (CSV)',
  xlsx: 'Results (Excel)',
  check: 'Check it yourself',
  checkHow:
    'With Node.js 20, run this in the project’s source directory: every result is recomputed from the rules in the bundle, and each one that differs is listed:',
  dictionary: 'Data dictionary: docs/open-data.md (what each field means, how results are recomputed).',
  licence: 'Licence: {{name}} — free to copy, analyse and republish with attribution.',
  privacy:
    'A panel with fewer than {{n}} raters is published as its figure only, never as individual scores.',
  notPublished: 'Open data appears here once the results of this cycle are published.',
  fullRules: 'How every number is computed',
  fullRulesIntro: 'The text below is generated from the rule objects the computation reads.',
  inputVerified: 'Scored value: {{value}} for {{period}} (verified {{at}})',
  inputNotVerified: 'Reported value {{value}} for {{period}} ({{status}}, not scored)',
  status: { verified: 'verified', reported: 'awaiting verification', rejected: 'rejected' },
};

i18next.addResourceBundle('zh-CN', 'portalOpenData', zh, true, true);
i18next.addResourceBundle('en', 'portalOpenData', en, true, true);
