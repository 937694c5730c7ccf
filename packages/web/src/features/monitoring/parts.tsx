import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { fmtNum } from '../../shared/format';
import type { RevisionChange } from '@perfcommons/contracts';
import type { TrajectoryColour as Colour } from '@perfcommons/contracts/enums';
import { COLOURS, TAG_COLOURS } from './api';

/** A share as a percentage with one decimal. */
export const pct = (x: number) => `${fmtNum(x * 100, 1)}%`;

/** Traffic light 红黄绿灯 of an indicator or appraisee. */
export function ColourTag({ status }: { status: Colour | null }) {
  const { t } = useTranslation('monitoring');
  if (!status) return <Tag>{t('colour.none')}</Tag>;
  return (
    <Tag color={TAG_COLOURS[status]} data-testid={`light-${status}`}>
      <span style={{ color: COLOURS[status] }}>●</span> {t(`colour.${status}`)}
    </Tag>
  );
}

export function RevisionTag({ status }: { status: string }) {
  const { t } = useTranslation('monitoring');
  const colour = status === 'approved' ? 'green' : status === 'rejected' ? 'red' : 'gold';
  return <Tag color={colour}>{t(`revisionStatus.${status}`)}</Tag>;
}

export function ChangeList({ changes }: { changes: RevisionChange[] }) {
  const { t } = useTranslation('monitoring');
  return (
    <Space direction="vertical" size={0}>
      {changes.map((c) => (
        <span key={`${c.code}${c.field}`}>
          {c.code} {t(`field.${c.field}`)} {fmtNum(c.from)} → {fmtNum(c.to)}
        </span>
      ))}
    </Space>
  );
}
