import { Button, Card, Checkbox, Form, InputNumber, Select, Table } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CONSEQUENCE_KINDS } from '@perfcommons/contracts/enums';
import { useGradeOptions } from './RulesCards';

/** Consequences 结果运用 of each grade, vetoes included. */
export function ConsequencesCard({ frozen }: { frozen: boolean }) {
  const { t } = useTranslation('evaluation');
  const gradeOptions = useGradeOptions();
  return (
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
  );
}
