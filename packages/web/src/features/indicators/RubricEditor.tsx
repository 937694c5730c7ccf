import { Button, Input, InputNumber, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { MAX_RUBRIC_BANDS } from '@perfcommons/contracts/enums';
import type { RubricBand } from './api';

/** The four bands raters most often use, to start a rubric from (descriptions to be written). */
const STARTER: RubricBand[] = [
  { min: 90, max: 100, label: '好', labelEn: 'Very good', description: '' },
  { min: 75, max: 90, label: '较好', labelEn: 'Good', description: '' },
  { min: 60, max: 75, label: '一般', labelEn: 'Fair', description: '' },
  { min: 0, max: 60, label: '较差', labelEn: 'Poor', description: '' },
];

/** Edits a plan leaf's rubric: score bands with what a performance in each looks like. */
export function RubricEditor({
  value,
  onChange,
}: {
  value: RubricBand[] | undefined;
  onChange: (rubric: RubricBand[] | undefined) => void;
}) {
  const { t } = useTranslation('indicators');
  const bands = value ?? [];
  const set = (i: number, p: Partial<RubricBand>) =>
    onChange(bands.map((b, j) => (j === i ? { ...b, ...p } : b)));
  return (
    <div data-testid="rubric-editor">
      <Typography.Text strong>{t('rubric')}</Typography.Text>
      {bands.map((b, i) => (
        <Space key={i} align="start" style={{ display: 'flex', marginTop: 4 }}>
          <InputNumber
            size="small"
            min={0}
            max={100}
            style={{ width: 64 }}
            placeholder={t('bandMin')}
            value={b.min}
            onChange={(v) => set(i, { min: v ?? 0 })}
          />
          <InputNumber
            size="small"
            min={0}
            max={100}
            style={{ width: 64 }}
            placeholder={t('bandMax')}
            value={b.max}
            onChange={(v) => set(i, { max: v ?? 0 })}
          />
          <Input
            size="small"
            style={{ width: 64 }}
            placeholder={t('bandLabel')}
            value={b.label}
            onChange={(e) => set(i, { label: e.target.value })}
          />
          <Input.TextArea
            autoSize
            style={{ width: 240 }}
            placeholder={t('bandDescription')}
            value={b.description}
            onChange={(e) => set(i, { description: e.target.value })}
          />
          <Button
            size="small"
            type="text"
            icon={<DeleteOutlined />}
            aria-label={t('bandDelete')}
            onClick={() => {
              const next = bands.filter((_, j) => j !== i);
              onChange(next.length ? next : undefined);
            }}
          />
        </Space>
      ))}
      <div style={{ marginTop: 4 }}>
        {bands.length === 0 ? (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => onChange(STARTER.map((b) => ({ ...b })))}
          >
            {t('rubricStart')}
          </Button>
        ) : (
          bands.length < MAX_RUBRIC_BANDS && (
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => onChange([...bands, { min: 0, max: 0, label: '', description: '' }])}
            >
              {t('addBand')}
            </Button>
          )
        )}
      </div>
    </div>
  );
}
