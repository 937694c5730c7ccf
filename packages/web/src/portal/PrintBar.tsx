import { useTranslation } from 'react-i18next';
import './explain-i18n';
import './print.css';

/**
 * A print button on screen; on paper, the address of the page (so a printed result or regulation can be
 * traced back to its published source). The print rules themselves are in print.css.
 */
export function PrintBar() {
  const { t } = useTranslation('portalExplain');
  const url = typeof location === 'undefined' ? '' : location.href;
  return (
    <div className="pc-printbar">
      <button type="button" className="pc-btn-link pc-no-print" onClick={() => window.print()}>
        {t('print')}
      </button>
      <p className="pc-print-only pc-small" data-testid="print-url">
        {t('printedFrom', { url })}
      </p>
    </div>
  );
}
