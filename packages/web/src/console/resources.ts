import type { Resource } from 'i18next';
import { common } from '../i18n/common';
import * as shell from './i18n';
import * as orgs from '../features/orgs/i18n';
import * as cycles from '../features/cycles/i18n';
import * as plans from '../features/plans/i18n';
import * as values from '../features/values/i18n';
import * as results from '../features/results/i18n';
import * as audit from '../features/audit/i18n';
import * as surveys from '../features/surveys/i18n';
import * as evaluation from '../features/evaluation/i18n';
import * as appeals from '../features/appeals/i18n';
import * as participation from '../features/participation/i18n';
import * as monitoring from '../features/monitoring/i18n';
import * as onboarding from '../features/onboarding/i18n';
import * as todo from '../features/todo/i18n';
import * as linkage from '../features/linkage/i18n';
import * as indicators from '../features/indicators/i18n';
import * as jobs from '../features/jobs/i18n';
import * as notifications from '../features/notifications/i18n';
import * as calibration from '../features/calibration/i18n';

const features = {
  console: shell,
  orgs,
  cycles,
  plans,
  values,
  results,
  audit,
  evaluation,
  appeals,
  participation,
  monitoring,
  surveys,
  onboarding,
  todo,
  linkage,
  indicators,
  jobs,
  notifications,
  calibration,
};

function build(lang: 'zh' | 'en') {
  const out: Record<string, object> = { common: common[lang === 'zh' ? 'zh-CN' : 'en'] };
  for (const [ns, mod] of Object.entries(features)) out[ns] = mod[lang];
  return out;
}

export const resources: Resource = { 'zh-CN': build('zh'), en: build('en') };
