import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CalibrationSummary } from '@perfcommons/contracts';

/** A share as a percentage with no decimals. */
export const fmtPct = (share: number) => `${Math.round(share * 100)}%`;

const COLOURS = { close: 'green', moderate: 'gold', far: 'red' } as const;

/** The verdict of a calibration summary as a coloured tag. */
export function VerdictTag({ verdict }: { verdict: CalibrationSummary['verdict'] }) {
  const { t } = useTranslation('calibration');
  return (
    <Tag color={COLOURS[verdict]} data-testid="calibration-verdict">
      {t(`verdict.${verdict}`)}
    </Tag>
  );
}
