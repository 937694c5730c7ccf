import { useTranslation } from 'react-i18next';
import type { BreakdownNode } from '@perfcommons/contracts';
import { fmtDate, fmtNum } from '../shared/format';
import './opendata-i18n';

/** A leaf's input in a published explanation: which value of which period, its verification, the formula. */
export function InputNote({ node }: { node: Pick<BreakdownNode, 'input' | 'formula'> }) {
  const { t, i18n } = useTranslation('portalOpenData');
  const { input, formula } = node;
  if (!input && !formula) return null;
  return (
    <div className="pc-small pc-muted" data-testid="portal-input-note">
      {input &&
        t(input.status === 'verified' ? 'inputVerified' : 'inputNotVerified', {
          period: input.period,
          value: fmtNum(input.value, 4),
          status: t(`status.${input.status}`, { defaultValue: input.status }),
          at: input.verifiedAt ? fmtDate(input.verifiedAt) : '',
        })}
      {input && formula && ' · '}
      {formula && (i18n.language === 'en' ? formula.en : formula.zh)}
    </div>
  );
}
