import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { DeleteOutlined, LinkOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors, errorText } from '../../console/errors';
import { api } from '../../shared/api';
import { fmtDateTime } from '../../shared/format';
import type { Cycle } from '@perfcommons/contracts';
import type { ConsequenceRule, RulesReply as RulesView } from '@perfcommons/contracts';
import { CONSEQUENCE_KINDS, TIE_BREAKS } from '@perfcommons/contracts/enums';
import {
  DEFAULT_GRADE_SCHEME,
  GRADES,
  MISSING_DATA_POLICIES,
  type GradeScheme,
  type MissingDataPolicy,
} from '@perfcommons/domain';
const pct = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 10000) / 100);

interface FormValues {
  trimEachSide: number;
  minRaters: number;
  unitSharePct: number;
  annualSharePct: number;
  appealWindowDays: number;
  minPublicWeight: number;
  minLeafShare: number;
  missingData: MissingDataPolicy;
  bands: { grade: string; min: number }[];
  quotas: { grade: string; maxSharePct: number; atLeastOne?: boolean }[];
  tieBreak: GradeScheme['tieBreak'];
  consequenceRules: (ConsequenceRule & { appraiseeType?: 'unit' | 'cadre' })[];
  note?: string;
}

function toForm(v: RulesView): FormValues {
  const scheme = v.gradeScheme ?? DEFAULT_GRADE_SCHEME;
  return {
    trimEachSide: v.rules.trimEachSide,
    minRaters: v.rules.minRaters,
    unitSharePct: pct(v.rules.unitShareForCadres)!,
    annualSharePct: pct(v.rules.annualShareForTerm)!,
    appealWindowDays: v.rules.appealWindowDays,
    minPublicWeight: v.rules.minPublicWeight ?? 0,
    minLeafShare: v.rules.minLeafShare ?? 1,
    missingData: v.rules.missingData ?? 'incomplete',
    bands: scheme.bands,
    quotas: (scheme.quotas ?? []).map((q) => ({
      grade: q.grade,
      maxSharePct: pct(q.maxShare)!,
      atLeastOne: q.atLeastOne,
    })),
    tieBreak: scheme.tieBreak,
    consequenceRules: v.rules.consequenceRules,
  };
}

/** Drops empty optional fields, so the API sees absent rather than null. */
const clean = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined && x !== null && x !== '')) as T;

function fromForm(f: FormValues) {
  return {
    rules: {
      trimEachSide: f.trimEachSide,
      minRaters: f.minRaters,
      unitShareForCadres: f.unitSharePct / 100,
      annualShareForTerm: f.annualSharePct / 100,
      appealWindowDays: f.appealWindowDays,
      minPublicWeight: f.minPublicWeight,
      minLeafShare: f.minLeafShare,
      missingData: f.missingData,
      consequenceRules: (f.consequenceRules ?? []).map((r) => clean({ ...r, veto: r.veto || undefined })),
    },
    gradeScheme: {
      bands: f.bands,
      quotas: (f.quotas ?? []).map((q) =>
        clean({ grade: q.grade, maxShare: q.maxSharePct / 100, atLeastOne: q.atLeastOne || undefined }),
      ),
      tieBreak: f.tieBreak,
    },
    note: f.note?.trim() || undefined,
  };
}

/** The cycle's rules 考核办法: editable before evaluation, frozen (read-only) afterwards, versioned. */
export function RulesTab({ cycle }: { cycle: Cycle }) {
  const { t } = useTranslation('evaluation');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const q = useQuery({
    queryKey: ['rules', cycle.id],
    queryFn: () => api.get<RulesView>(`/api/cycles/${cycle.id}/rules`),
  });
  const save = useMutation({
    mutationFn: (f: FormValues) =>
      api.put<{ version: { version: number } }>(`/api/cycles/${cycle.id}/rules`, fromForm(f)),
    onSuccess: (r) => {
      void message.success(t('rules.saved', { v: r.version.version }));
      form.setFieldValue('note', undefined);
      void qc.invalidateQueries({ queryKey: ['rules', cycle.id] });
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, []);
      void message.error(rest.length ? rest.join('; ') : errorText(e));
    },
  });
  const data = q.data;
  const frozen = data?.frozen ?? false;
  const published = data?.versions.some((v) => v.frozenAt);
  const gradeOptions = GRADES.map((g) => ({ value: g, label: t(`common:grade.${g}`) }));

  if (!data)
    return (
      <Card loading={q.isLoading}>{q.error && <Alert type="error" message={errorText(q.error)} />}</Card>
    );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Alert
        type={frozen ? 'info' : 'warning'}
        showIcon
        data-testid="rules-state"
        message={frozen ? t('rules.frozen') : t('rules.editable')}
        action={
          published ? (
            <Button
              size="small"
              icon={<LinkOutlined />}
              href={`/cycles/${cycle.id}/regulations`}
              target="_blank"
              data-testid="regulations-link"
            >
              {t('rules.regulations')}
            </Button>
          ) : (
            <Typography.Text type="secondary">{t('rules.noRegulations')}</Typography.Text>
          )
        }
      />
      <Form<FormValues>
        form={form}
        key={`${cycle.id}:${data.versions.length}`}
        layout="vertical"
        initialValues={toForm(data)}
        disabled={frozen}
        onFinish={(f) => save.mutate(f)}
        data-testid="rules-form"
      >
        <Card title={t('rules.scoring')} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            {(
              [
                ['trimEachSide', 'trimHelp', 0, 5, 1],
                ['minRaters', 'minRatersHelp', 1, 50, 1],
                ['unitSharePct', 'unitShareHelp', 0, 50, 5],
                ['annualSharePct', 'annualShareHelp', 0, 100, 5],
                ['appealWindowDays', 'appealHelp', 0, 90, 1],
                ['minPublicWeight', 'minPublicWeightHelp', 0, 100, 1],
                ['minLeafShare', 'minLeafShareHelp', 0, 100, 0.5],
              ] as const
            ).map(([name, help, min, max, step]) => (
              <Col xs={24} md={12} xl={8} key={name}>
                <Form.Item
                  name={name}
                  label={t(
                    `rules.${name === 'unitSharePct' ? 'unitShareForCadres' : name === 'annualSharePct' ? 'annualShareForTerm' : name}`,
                  )}
                  tooltip={t(`rules.${help}`)}
                  rules={[{ required: true }]}
                >
                  <InputNumber min={min} max={max} step={step} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            ))}
            <Col xs={24} md={12} xl={8}>
              <Form.Item
                name="missingData"
                label={t('rules.missingData')}
                tooltip={t('rules.missingDataHelp')}
                rules={[{ required: true }]}
              >
                <Select
                  data-testid="rules-missing-data"
                  options={MISSING_DATA_POLICIES.map((p) => ({
                    value: p,
                    label: t(`rules.missingDataOption.${p}`),
                  }))}
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card title={t('rules.grades')} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={24}>
            <Col xs={24} lg={10}>
              <Form.List name="bands">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f) => (
                      <Space key={f.key} align="baseline">
                        <Form.Item name={[f.name, 'grade']} rules={[{ required: true }]}>
                          <Select
                            style={{ width: 160 }}
                            options={gradeOptions}
                            aria-label={t('rules.grade')}
                          />
                        </Form.Item>
                        <Form.Item name={[f.name, 'min']} rules={[{ required: true }]}>
                          <InputNumber
                            addonBefore="≥"
                            min={0}
                            max={200}
                            style={{ width: 130 }}
                            aria-label={t('rules.min')}
                          />
                        </Form.Item>
                        {!frozen && <DeleteOutlined onClick={() => remove(f.name)} />}
                      </Space>
                    ))}
                    {!frozen && (
                      <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ min: 0 })}>
                        {t('rules.addBand')}
                      </Button>
                    )}
                  </>
                )}
              </Form.List>
            </Col>
            <Col xs={24} lg={14}>
              <Typography.Text strong>{t('rules.quotas')}</Typography.Text>
              <Form.List name="quotas">
                {(fields, { add, remove }) => (
                  <div style={{ marginTop: 8 }}>
                    {fields.map((f) => (
                      <Space key={f.key} align="baseline" wrap>
                        <Form.Item name={[f.name, 'grade']} rules={[{ required: true }]}>
                          <Select
                            style={{ width: 140 }}
                            options={gradeOptions}
                            aria-label={t('rules.grade')}
                          />
                        </Form.Item>
                        <Form.Item name={[f.name, 'maxSharePct']} rules={[{ required: true }]}>
                          <InputNumber
                            addonBefore="≤"
                            addonAfter="%"
                            min={0}
                            max={100}
                            style={{ width: 150 }}
                            aria-label={`${t('rules.grade')} ≤ %`}
                          />
                        </Form.Item>
                        <Form.Item name={[f.name, 'atLeastOne']} valuePropName="checked">
                          <Checkbox>{t('rules.atLeastOne')}</Checkbox>
                        </Form.Item>
                        {!frozen && <DeleteOutlined onClick={() => remove(f.name)} />}
                      </Space>
                    ))}
                    {!frozen && (
                      <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ maxSharePct: 20 })}>
                        {t('rules.addQuota')}
                      </Button>
                    )}
                  </div>
                )}
              </Form.List>
              <Form.Item name="tieBreak" label={t('rules.tieBreak')} style={{ marginTop: 16 }}>
                <Select
                  options={TIE_BREAKS.map((v) => ({
                    value: v,
                    label: t(`rules.tieBreakOpts.${v}`),
                  }))}
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card title={t('rules.consequences')} size="small" style={{ marginBottom: 16 }}>
          <Form.List name="consequenceRules">
            {(fields, { add, remove }) => (
              <>
                <Table
                  size="small"
                  pagination={false}
                  rowKey="key"
                  dataSource={fields}
                  data-testid="consequence-rules"
                  scroll={{ x: 820 }}
                  columns={[
                    {
                      title: t('rules.kind'),
                      width: 190,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'kind']} rules={[{ required: true }]} noStyle>
                          <Select
                            style={{ width: '100%' }}
                            aria-label={t('rules.kind')}
                            options={CONSEQUENCE_KINDS.map((k) => ({
                              value: k,
                              label: t(`common:consequence.${k}`),
                            }))}
                          />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('rules.grade'),
                      width: 150,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'grade']} noStyle>
                          <Select
                            allowClear
                            placeholder={t('rules.any')}
                            aria-label={t('rules.grade')}
                            style={{ width: '100%' }}
                            options={gradeOptions}
                          />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('rules.consecutive'),
                      width: 110,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'consecutive']} noStyle>
                          <InputNumber
                            min={1}
                            max={10}
                            style={{ width: '100%' }}
                            aria-label={t('rules.consecutive')}
                          />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('rules.veto'),
                      width: 90,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'veto']} valuePropName="checked" noStyle>
                          <Checkbox aria-label={t('rules.veto')} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('rules.appraiseeType'),
                      width: 150,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'appraiseeType']} noStyle>
                          <Select
                            allowClear
                            placeholder={t('rules.both')}
                            aria-label={t('rules.appraiseeType')}
                            style={{ width: '100%' }}
                            options={(['unit', 'cadre'] as const).map((v) => ({
                              value: v,
                              label: t(`common:appraiseeType.${v}`),
                            }))}
                          />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('rules.value'),
                      width: 110,
                      render: (_, f) => (
                        <Form.Item name={[f.name, 'value']} noStyle>
                          <InputNumber step={0.1} style={{ width: '100%' }} aria-label={t('rules.value')} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: '',
                      width: 50,
                      render: (_, f) =>
                        !frozen && (
                          <Button
                            type="text"
                            danger
                            icon={<DeleteOutlined />}
                            aria-label={t('rules.remove')}
                            onClick={() => remove(f.name)}
                          />
                        ),
                    },
                  ]}
                />
                {!frozen && (
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    style={{ marginTop: 8 }}
                    onClick={() => add({ kind: 'improvement_plan' })}
                  >
                    {t('rules.addRule')}
                  </Button>
                )}
              </>
            )}
          </Form.List>
        </Card>

        {!frozen && (
          <Card size="small" style={{ marginBottom: 16 }}>
            <Form.Item name="note" label={t('rules.note')}>
              <Input.TextArea rows={2} maxLength={2000} placeholder={t('rules.notePlaceholder')} />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              icon={<SaveOutlined />}
              loading={save.isPending}
              data-testid="rules-save"
            >
              {t('rules.save')}
            </Button>
          </Card>
        )}
      </Form>

      <Card title={t('rules.versions')} size="small">
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.versions.slice().reverse()}
          data-testid="rules-versions"
          columns={[
            {
              title: t('rules.version'),
              dataIndex: 'version',
              width: 110,
              render: (v: number, _r, i) => (
                <Space size={4}>
                  v{v}
                  {i === 0 && <Tag color="blue">{t('rules.current')}</Tag>}
                </Space>
              ),
            },
            { title: t('rules.createdAt'), dataIndex: 'createdAt', render: (v: string) => fmtDateTime(v) },
            {
              title: t('rules.frozenAt'),
              dataIndex: 'frozenAt',
              render: (v: string | null) => (v ? <Tag color="purple">{fmtDateTime(v)}</Tag> : '—'),
            },
            { title: t('rules.note'), dataIndex: 'note', render: (v: string | null) => v || '—' },
          ]}
        />
      </Card>
    </Space>
  );
}
