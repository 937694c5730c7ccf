import type { Same } from '../../i18n';

export const zh = {
  title: '',
};

export const en: Same<typeof zh> = {
  title: '',
};
