import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BreakdownNode } from '@perfcommons/contracts';
import { fmtDate } from '../../shared/format';

/** The findings behind a deduction item of a breakdown, each with its source document. */
export function FindingNotes({ node }: { node: Pick<BreakdownNode, 'findings'> }) {
  const { t } = useTranslation('linkage');
  const { findings } = node;
  if (!findings?.length) return null;
  return (
    <div data-testid="breakdown-findings">
      {findings.map((f) => (
        <div key={f.id}>
          <Typography.Text type="secondary">
            {t('findings.breakdownLine', {
              kind: t(`findings.kind.${f.kind}`),
              number: f.docNumber,
              title: f.docTitle,
              date: fmtDate(f.docDate),
              points: f.points,
            })}
          </Typography.Text>
        </div>
      ))}
    </div>
  );
}
