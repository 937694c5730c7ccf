import i18next from 'i18next';
import type { Same } from '../i18n';

/** Strings of a cadre's public page (registered when the page loads). */
const zh = {
  back: '← 全部领导干部',
  notFound: '没有找到这位干部。',
  term: '任期',
  results: '历年考核结果',
  cycle: '考核周期',
  grade: '等次',
  consequences: '结果运用',
  none: '无',
  notPublished: '尚未公布结果',
  gradesWithheld: '本周期的公开政策不公布干部等次。',
  consequencesWithheld: '本周期的公开政策不公布干部的结果运用。',
  noResults: '暂无已公布的考核结果。',
  policy: '公开政策由绩效办按考核周期确定；未公开的内容不在此显示。',
};
const en: Same<typeof zh> = {
  back: '← All leading cadres',
  notFound: 'No such cadre.',
  term: 'Term',
  results: 'Appraisal results by cycle',
  cycle: 'Cycle',
  grade: 'Grade',
  consequences: 'Use of results',
  none: 'None',
  notPublished: 'Results not yet published',
  gradesWithheld: 'This cycle’s disclosure policy does not publish cadres’ grades.',
  consequencesWithheld: 'This cycle’s disclosure policy does not publish consequences for cadres.',
  noResults: 'No published appraisal results yet.',
  policy:
    'The performance office sets the disclosure policy of each cycle; what it withholds is not shown here.',
};

i18next.addResourceBundle('zh-CN', 'portalCadre', zh, true, true);
i18next.addResourceBundle('en', 'portalCadre', en, true, true);
