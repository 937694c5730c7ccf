import { Button, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import { fmtNum, peerGroupLabel } from '../../shared/format';
import type { ResultItem as Result } from '@perfcommons/contracts';
import { GRADES } from '@perfcommons/domain';
import { GradeTag } from './GradeTag';
import { ConsequenceTags, IncompleteTag, SensitivityCell } from './ResultExtras';

/** Incomplete results (no rank, no grade) after the ranked and graded ones. */
export const byRank = (a: Result, b: Result) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || 0;
const gradeOrder = (r: Result) => (r.grade ? (GRADES as readonly string[]).indexOf(r.grade) : GRADES.length);

/** The results of one appraisee type, filtered: rank, total, grade, sensitivity, consequences. */
export function ResultsTable({
  rows,
  selected,
  onSelect: setSelected,
  onExplain,
}: {
  rows: Result[];
  selected?: Result;
  onSelect: (r: Result) => void;
  onExplain: (r: Result) => void;
}) {
  const { t, i18n } = useTranslation('results');
  const lang = i18n.language;
  return (
    <Table<Result>
      rowKey="id"
      size="small"
      dataSource={rows}
      data-testid="results-table"
      pagination={{
        defaultPageSize: 15,
        showSizeChanger: true,
        showTotal: (total) => t('console:common.total', { total }),
      }}
      onRow={(r) => ({ onClick: () => setSelected(r), style: { cursor: 'pointer' } })}
      rowClassName={(r) => (r.id === selected?.id ? 'ant-table-row-selected' : '')}
      columns={[
        {
          title: t('peerGroup'),
          dataIndex: 'peerGroup',
          sorter: (a, b) => (a.peerGroup ?? '').localeCompare(b.peerGroup ?? ''),
          render: (g: string) => peerGroupLabel(t, g),
        },
        {
          title: t('rank'),
          dataIndex: 'rank',
          width: 90,
          sorter: byRank,
          render: (_, r) =>
            r.rank == null ? '—' : t('common:misc.of', { rank: r.rank, size: r.peerGroupSize }),
        },
        {
          title: t('appraisee'),
          dataIndex: 'appraiseeName',
          render: (_, r) => pick(lang, r.appraiseeName, r.appraiseeNameEn),
        },
        {
          title: t('total'),
          dataIndex: 'total',
          sorter: (a, b) => a.total - b.total,
          render: (v: number) => <strong>{fmtNum(v)}</strong>,
        },
        {
          title: t('grade'),
          dataIndex: 'grade',
          sorter: (a, b) => gradeOrder(a) - gradeOrder(b),
          render: (_, r) => (
            <Space size={2}>
              {r.complete === false ? <IncompleteTag result={r} /> : <GradeTag grade={r.grade} />}
              {r.veto?.triggered && <Typography.Text type="danger">{t('common:misc.veto')}</Typography.Text>}
            </Space>
          ),
        },
        {
          title: t('sensitivityCol'),
          key: 'sensitivity',
          width: 140,
          sorter: (a, b) => (a.sensitivity?.sameRankShare ?? 2) - (b.sensitivity?.sameRankShare ?? 2),
          render: (_, r) => <SensitivityCell s={r.sensitivity} />,
        },
        {
          title: t('consequencesCol'),
          key: 'consequences',
          render: (_, r) => <ConsequenceTags items={r.consequences} />,
        },
        {
          title: t('console:common.actions'),
          key: 'a',
          render: (_, r) => (
            <Button
              size="small"
              type="link"
              data-testid="explain"
              onClick={(e) => {
                e.stopPropagation();
                onExplain(r);
              }}
            >
              {t('explain')}
            </Button>
          ),
        },
      ]}
    />
  );
}
