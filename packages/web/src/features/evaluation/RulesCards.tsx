import {
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { fmtDateTime } from '../../shared/format';
import type { RulesReply as RulesView } from '@perfcommons/contracts';
import { TIE_BREAKS } from '@perfcommons/contracts/enums';
import { GRADES, MISSING_DATA_POLICIES } from '@perfcommons/domain';

/** Scoring: trimming, panel size, shares, appeal window, public weight and missing data. */
export function ScoringCard() {
  const { t } = useTranslation('evaluation');
  return (
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
  );
}

/** Grade bands, quotas and the tie rule. */
export function GradesCard({ frozen }: { frozen: boolean }) {
  const { t } = useTranslation('evaluation');
  const gradeOptions = useGradeOptions();
  return (
    <Card title={t('rules.grades')} size="small" style={{ marginBottom: 16 }}>
      <Row gutter={24}>
        <Col xs={24} lg={10}>
          <Form.List name="bands">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'grade']} rules={[{ required: true }]}>
                      <Select style={{ width: 160 }} options={gradeOptions} aria-label={t('rules.grade')} />
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
                      <Select style={{ width: 140 }} options={gradeOptions} aria-label={t('rules.grade')} />
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
  );
}

/** The rules versions, newest first; a frozen one is the published regulations. */
export function VersionsCard({ versions }: { versions: RulesView['versions'] }) {
  const { t } = useTranslation('evaluation');
  return (
    <Card title={t('rules.versions')} size="small">
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={versions.slice().reverse()}
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
  );
}

/** The grades as select options. */
export function useGradeOptions() {
  const { t } = useTranslation('evaluation');
  return GRADES.map((g) => ({ value: g, label: t(`common:grade.${g}`) }));
}
