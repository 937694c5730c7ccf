import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from '../i18n';
import { common } from '../i18n/common';
import * as survey from './i18n';
import { SurveyApp } from './SurveyApp';
import './survey.css';

// Its own light entry (no antd, no charts): respondents may be on a weak phone connection.
initI18n({
  'zh-CN': { common: common['zh-CN'], survey: survey.zh },
  en: { common: common.en, survey: survey.en },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SurveyApp />
  </StrictMode>,
);
