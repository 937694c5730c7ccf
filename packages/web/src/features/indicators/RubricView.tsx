import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import type { RubricBand } from './api';

/** A rubric's score bands, best first: what a performance in each band looks like. */
export function RubricView({ rubric, testId }: { rubric: RubricBand[] | null | undefined; testId?: string }) {
  const { t, i18n } = useTranslation('indicators');
  if (!rubric?.length) return null;
  return (
    <div data-testid={testId ?? 'rubric'} style={{ fontSize: 12 }}>
      <Typography.Text strong style={{ fontSize: 12 }}>
        {t('rubric')}
      </Typography.Text>
      <ul style={{ margin: '4px 0', paddingLeft: 18 }}>
        {[...rubric]
          .sort((a, b) => b.min - a.min)
          .map((b) => (
            <li key={`${b.min}-${b.max}`}>
              <b>
                {b.min}–{b.max} {pick(i18n.language, b.label, b.labelEn)}
              </b>
              ：{pick(i18n.language, b.description, b.descriptionEn)}
            </li>
          ))}
      </ul>
    </div>
  );
}
