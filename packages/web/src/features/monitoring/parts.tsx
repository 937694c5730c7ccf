import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { fmtNum } from '../../shared/format';
import { COLOURS, TAG_COLOURS, type Colour, type Revision } from './api';

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

export function ChangeList({ changes }: { changes: Revision['changes'] }) {
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
