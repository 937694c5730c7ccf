import type { ReactNode } from 'react';
import { Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { INDICATOR_CATEGORIES } from '@perfcommons/contracts/enums';

/** Search and category filter of the indicator library (the library page and the plan editor's picker). */
export function IndicatorFilters({
  onSearch,
  category,
  onCategory,
  testId,
  children,
}: {
  onSearch: (q: string) => void;
  category?: string;
  onCategory: (c: string | undefined) => void;
  /** `data-testid` of the search box. */
  testId: string;
  /** More filters after these. */
  children?: ReactNode;
}) {
  const { t } = useTranslation('indicators');
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <Input.Search
        allowClear
        placeholder={t('search')}
        onSearch={onSearch}
        style={{ width: 280 }}
        data-testid={testId}
      />
      <Select
        allowClear
        placeholder={t('allCategories')}
        aria-label={t('allCategories')}
        style={{ width: 180 }}
        value={category}
        onChange={onCategory}
        options={INDICATOR_CATEGORIES.map((c) => ({ value: c, label: t(`categories.${c}`) }))}
      />
      {children}
    </Space>
  );
}
