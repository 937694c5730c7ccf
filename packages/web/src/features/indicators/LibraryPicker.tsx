import { useState } from 'react';
import { Alert, Button, Modal, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { api, qs } from '../../shared/api';
import type { IndicatorEntry, IndicatorList, ListedIndicator } from './api';
import { IndicatorFilters } from './IndicatorFilters';
import { EntryDescriptions, useColumns } from './IndicatorsPage';

/** The plan editor's "从指标库选取": search the library's current indicators and pick one. */
export function LibraryPicker({
  open,
  onClose,
  onPick,
}: {
  open: boolean;
  onClose: () => void;
  onPick: (e: IndicatorEntry) => void;
}) {
  const { t } = useTranslation('indicators');
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const list = useQuery({
    queryKey: ['indicators', q, category, false],
    queryFn: () => api.get<IndicatorList>(`/api/indicators${qs({ q: q.trim() || undefined, category })}`),
    enabled: open,
    placeholderData: (prev) => prev,
  });
  const columns = useColumns().filter((c) => !['w', 'owner'].includes(String('key' in c ? c.key : '')));
  return (
    <Modal open={open} width={1000} title={t('pickTitle')} onCancel={onClose} footer={null} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('pickIntro')}</Typography.Paragraph>
      <IndicatorFilters onSearch={setQ} category={category} onCategory={setCategory} testId="picker-search" />
      {list.error && <Alert type="error" showIcon message={errorText(list.error)} />}
      <Table<ListedIndicator>
        rowKey="code"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 8 }}
        expandable={{ expandedRowRender: (e) => <EntryDescriptions e={e} /> }}
        columns={[
          ...columns,
          {
            title: '',
            key: 'pick',
            width: 80,
            render: (_: unknown, e: ListedIndicator) => (
              <Button size="small" type="primary" onClick={() => onPick(e)} data-testid={`pick-${e.code}`}>
                {t('pickThis')}
              </Button>
            ),
          },
        ]}
        data-testid="picker-list"
      />
    </Modal>
  );
}
