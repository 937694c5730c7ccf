import { Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { pick } from '../../i18n';
import { fmtDateTime } from '../../shared/format';
import { ChangeList, RevisionTag } from './parts';
import type { CycleRevision as Revision, CycleRevisionListReply } from '@perfcommons/contracts';
import { useMonitoring } from './api';

/** Mid-cycle revisions of the cycle's plans (the office's queue). */
export function RevisionsTab({ cycleId }: { cycleId?: string }) {
  const { t, i18n } = useTranslation('monitoring');
  const lang = i18n.language;
  const q = useMonitoring<CycleRevisionListReply>(
    'revisions',
    cycleId,
    `/api/monitoring/revisions?cycleId=${cycleId}`,
  );
  return (
    <Table<Revision>
      rowKey="id"
      size="small"
      loading={q.isLoading}
      dataSource={q.data?.items ?? []}
      columns={[
        {
          title: t('appraisee'),
          key: 'a',
          render: (_, r) => (
            <Link to={`/plans/${r.planId}`}>{pick(lang, r.appraiseeName, r.appraiseeNameEn)}</Link>
          ),
        },
        { title: t('change'), key: 'c', render: (_, r) => <ChangeList changes={r.changes} /> },
        { title: t('justification'), dataIndex: 'justification' },
        { title: t('requestedAt'), dataIndex: 'requestedAt', render: fmtDateTime },
        { title: t('status'), dataIndex: 'status', render: (s: string) => <RevisionTag status={s} /> },
      ]}
    />
  );
}
