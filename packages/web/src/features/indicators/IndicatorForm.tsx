import { useEffect } from 'react';
import { App, Button, Col, Form, Input, InputNumber, Modal, Row, Select, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  INDICATOR_CATEGORIES,
  INDICATOR_FREQUENCIES,
  INDICATOR_MEASURES,
  MAX_RUBRIC_BANDS,
} from '@perfcommons/contracts/enums';
import { useOrgs } from '../../console/queries';
import { applyFieldErrors, errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import type { IndicatorEntry } from './api';

type RuleType = 'none' | 'linear' | 'ratio' | 'rating';
interface Values {
  code?: string;
  name: string;
  nameEn?: string;
  category: IndicatorEntry['category'];
  measure: IndicatorEntry['measure'];
  definition: string;
  unit?: string;
  formula?: string;
  dataSource?: string;
  ownerOrgUnitId?: string | null;
  polarity: 'higher' | 'lower';
  frequency: IndicatorEntry['frequency'];
  weightMin: number;
  weightMax: number;
  ruleType: RuleType;
  baseline?: number;
  target?: number;
  mission: string;
  changeNote?: string;
  rubric?: { min: number; max: number; label: string; description: string }[];
}

const FIELDS = [
  'code',
  'name',
  'definition',
  'mission',
  'weightMin',
  'weightMax',
  'version',
  'changeNote',
  'rubric',
];

/** Create an indicator, or revise one into its next version (the office). */
export function IndicatorForm({
  open,
  entry,
  onClose,
}: {
  open: boolean;
  /** The entry revised; none: a new indicator. */
  entry?: IndicatorEntry;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation('indicators');
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const orgs = useOrgs();
  const qc = useQueryClient();
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (!entry) return;
    const r = entry.ruleTemplate;
    form.setFieldsValue({
      ...entry,
      nameEn: entry.nameEn ?? undefined,
      unit: entry.unit ?? undefined,
      formula: entry.formula ?? undefined,
      dataSource: entry.dataSource ?? undefined,
      ruleType: r && (r.type === 'linear' || r.type === 'ratio' || r.type === 'rating') ? r.type : 'none',
      baseline: r?.type === 'linear' ? r.baseline : undefined,
      target: r && (r.type === 'linear' || r.type === 'ratio') ? r.target : undefined,
      rubric: entry.rubric ?? undefined,
      changeNote: undefined,
    });
  }, [open, entry, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const ruleTemplate =
        v.ruleType === 'linear'
          ? {
              type: 'linear',
              baseline: v.baseline ?? 0,
              target: v.target ?? 100,
              direction: v.polarity,
              cap: 1.2,
            }
          : v.ruleType === 'ratio'
            ? { type: 'ratio', target: v.target ?? 100, direction: v.polarity }
            : v.ruleType === 'rating'
              ? { type: 'rating' }
              : entry?.ruleTemplate && !['linear', 'ratio', 'rating'].includes(entry.ruleTemplate.type)
                ? entry.ruleTemplate
                : undefined;
      const { ruleType: _r, baseline: _b, target: _t, code, changeNote, rubric, ...rest } = v;
      const body = {
        ...rest,
        ruleTemplate,
        ownerOrgUnitId: v.ownerOrgUnitId ?? null,
        ...(rubric?.length ? { rubric } : {}),
      };
      return entry
        ? api.put<{ entry: IndicatorEntry }>(`/api/indicators/${entry.code}`, {
            ...body,
            version: entry.version,
            changeNote,
          })
        : api.post<{ entry: IndicatorEntry }>('/api/indicators', { ...body, code });
    },
    onSuccess: (r) => {
      void message.success(t('saved', { code: r.entry.code, version: r.entry.version }));
      void qc.invalidateQueries({ queryKey: ['indicators'] });
      onClose();
    },
    onError: (e) => {
      const loose = applyFieldErrors(form, e, FIELDS);
      if (loose.length || !FIELDS.length) void message.error(errorText(e));
    },
  });
  const ruleType = Form.useWatch('ruleType', form);

  return (
    <Modal
      open={open}
      width={760}
      title={entry ? `${t('revise')} · ${entry.code}` : t('create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'indicator-save' }}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        size="small"
        initialValues={{
          measure: 'quantitative',
          polarity: 'higher',
          frequency: 'annual',
          ruleType: 'linear',
          weightMin: 5,
          weightMax: 15,
        }}
        onFinish={(v) => save.mutate(v)}
      >
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="code" label={t('code')} rules={[{ required: !entry }]}>
              <Input disabled={!!entry} placeholder="GOV-HOTLINE-ONTIME" data-testid="indicator-code" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
              <Input data-testid="indicator-name" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="nameEn" label={t('nameEn')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="category" label={t('category')} rules={[{ required: true }]}>
              <Select
                options={INDICATOR_CATEGORIES.map((c) => ({ value: c, label: t(`categories.${c}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="measure" label={t('measure')}>
              <Select options={INDICATOR_MEASURES.map((m) => ({ value: m, label: t(`measures.${m}`) }))} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="polarity" label={t('polarity')}>
              <Select
                options={(['higher', 'lower'] as const).map((p) => ({
                  value: p,
                  label: t(`polarities.${p}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="frequency" label={t('frequency')}>
              <Select
                options={INDICATOR_FREQUENCIES.map((f) => ({ value: f, label: t(`frequencies.${f}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="definition" label={t('definition')} rules={[{ required: true }]}>
          <Input.TextArea rows={2} data-testid="indicator-definition" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item name="unit" label={t('unit')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={18}>
            <Form.Item name="formula" label={t('formula')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="dataSource" label={t('dataSource')}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="ownerOrgUnitId" label={t('owner')}>
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                options={(orgs.data ?? []).map((o) => ({
                  value: o.id,
                  label: pick(i18n.language, o.name, o.nameEn),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="weightMin" label={t('weightMin')} rules={[{ required: true }]}>
              <InputNumber min={0} max={100} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="weightMax" label={t('weightMax')} rules={[{ required: true }]}>
              <InputNumber min={0} max={100} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name="ruleType" label={t('ruleType')}>
              <Select
                options={(['none', 'linear', 'ratio', 'rating'] as const).map((r) => ({
                  value: r,
                  label: r === 'none' ? t('noRule') : t(`common:ruleType.${r}`),
                }))}
              />
            </Form.Item>
          </Col>
          {ruleType === 'linear' && (
            <Col span={4}>
              <Form.Item name="baseline" label={t('baseline')}>
                <InputNumber style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          )}
          {(ruleType === 'linear' || ruleType === 'ratio') && (
            <Col span={4}>
              <Form.Item name="target" label={t('target')}>
                <InputNumber style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          )}
        </Row>
        <Form.Item name="mission" label={t('mission')} rules={[{ required: true }]}>
          <Input data-testid="indicator-mission" />
        </Form.Item>
        <Form.List name="rubric">
          {(fields, { add, remove }) => (
            <Form.Item label={t('rubric')}>
              {fields.map((f) => (
                <Space key={f.key} align="start" style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'min']} rules={[{ required: true }]}>
                    <InputNumber min={0} max={100} placeholder={t('bandMin')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'max']} rules={[{ required: true }]}>
                    <InputNumber min={0} max={100} placeholder={t('bandMax')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'label']} rules={[{ required: true }]}>
                    <Input placeholder={t('bandLabel')} style={{ width: 80 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'description']} rules={[{ required: true }]}>
                    <Input placeholder={t('bandDescription')} style={{ width: 300 }} />
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    onClick={() => remove(f.name)}
                    aria-label="x"
                  />
                </Space>
              ))}
              {fields.length < MAX_RUBRIC_BANDS && (
                <Button size="small" icon={<PlusOutlined />} onClick={() => add()}>
                  {t('addBand')}
                </Button>
              )}
            </Form.Item>
          )}
        </Form.List>
        {entry && (
          <Form.Item name="changeNote" label={t('changeNote')} rules={[{ required: true }]}>
            <Input data-testid="indicator-change-note" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
