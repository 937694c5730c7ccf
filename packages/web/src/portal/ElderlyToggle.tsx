import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './print.css';

const KEY = 'pc.elderly';
const CLASS = 'pc-elderly';

function stored(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

/**
 * 适老化: larger type and higher contrast for the whole portal (a class on the root element), as the
 * national guidance for government websites asks; the choice is remembered in this browser.
 */
export function ElderlyToggle() {
  const { t } = useTranslation('portal');
  const [on, setOn] = useState(stored);
  useEffect(() => {
    document.documentElement.classList.toggle(CLASS, on);
    try {
      localStorage.setItem(KEY, on ? '1' : '0');
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, [on]);
  return (
    <button
      type="button"
      className="pc-lang pc-elderly-toggle"
      data-testid="elderly-toggle"
      aria-pressed={on}
      onClick={() => setOn(!on)}
    >
      {on ? t('nav.elderlyOff') : t('nav.elderlyOn')}
    </button>
  );
}
