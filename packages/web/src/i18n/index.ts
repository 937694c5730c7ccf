import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';

export type Lang = 'zh-CN' | 'en';
export const LANGS: Lang[] = ['zh-CN', 'en'];
const KEY = 'pc_lang';

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh-CN') return fromUrl;
  const stored = localStorage.getItem(KEY);
  return stored === 'en' ? 'en' : 'zh-CN';
}

/** One i18next instance per page entry; each entry passes only the namespaces it needs. */
export function initI18n(resources: Resource) {
  const lng = initialLang();
  document.documentElement.lang = lng;
  void i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'zh-CN',
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

export function setLang(lng: Lang) {
  localStorage.setItem(KEY, lng);
  document.documentElement.lang = lng;
  void i18next.changeLanguage(lng);
}

/** Picks the English name when the UI is in English and one exists. */
export function pick(lang: string, zh: string | null | undefined, en: string | null | undefined): string {
  if (lang === 'en' && en) return en;
  return zh ?? en ?? '';
}

/** The English table must have exactly the keys of the Chinese one. */
export type Same<T> = { [K in keyof T]: T[K] extends string ? string : Same<T[K]> };
