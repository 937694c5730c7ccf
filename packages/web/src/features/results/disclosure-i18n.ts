import i18next from 'i18next';
import type { Same } from '../../i18n';

/** Strings of the disclosure policy control 公开范围 (what the public sees of a cycle's results). */
export const zh = {
  title: '公开范围',
  help: '决定门户网站、公开接口、开放数据包和导出表格显示哪些结果；对本周期全部公开途径同时生效。',
  isDefault: '当前为默认设置（单位结果和干部等次公开，干部结果运用不公开）。',
  unitResults: '公开单位（项目）考核结果',
  cadreGrades: '公开领导干部考核得分、排名和等次',
  cadreConsequences: '公开领导干部考核结果运用（如诫勉谈话、优先提拔使用）',
  cadreConsequencesHelp: '涉及个人信息，仅在有明确依据时公开；须同时公开干部等次。',
  save: '保存公开范围',
  saved: '公开范围已保存，已在全部公开途径生效',
};

export const en: Same<typeof zh> = {
  title: 'Disclosure',
  help: 'Decides which results the portal, the public API, the open data bundle and the spreadsheet exports show; applies to every public path of this cycle at once.',
  isDefault: 'Default setting (unit results and cadre grades public, cadre consequences not).',
  unitResults: 'Publish results of units (and projects)',
  cadreGrades: 'Publish leading cadres’ scores, ranks and grades',
  cadreConsequences: 'Publish personnel consequences of cadres (e.g. admonishment, priority for promotion)',
  cadreConsequencesHelp:
    'Personal information: publish only with a clear legal basis; requires cadre grades.',
  save: 'Save disclosure',
  saved: 'Disclosure saved; in effect on every public path',
};

i18next.addResourceBundle('zh-CN', 'disclosure', zh, true, false);
i18next.addResourceBundle('en', 'disclosure', en, true, false);
