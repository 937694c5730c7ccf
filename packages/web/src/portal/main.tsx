// First: the open page's data is asked for before anything else runs.
import './prefetch-route';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from '../i18n';
import { common } from '../i18n/common';
import { portal } from '../i18n/portal';
import { PortalApp } from './App';
import './portal.css';

initI18n({
  'zh-CN': { common: common['zh-CN'], portal: portal['zh-CN'] },
  en: { common: common.en, portal: portal.en },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PortalApp />
  </StrictMode>,
);
