import { Button, Card, Checkbox, Col, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { QUESTION_TYPES, type MatrixItem, type Question, type QuestionOption } from '@perfcommons/domain';

const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const optionsText = (o: QuestionOption[] = []) =>
  o.map((x) => [x.value, x.label, x.labelEn ?? ''].join('|').replace(/\|$/, '')).join('\n');
const parseOptions = (s: string): QuestionOption[] =>
  lines(s).map((l) => {
    const [value, label, labelEn] = l.split('|').map((x) => x.trim());
    return { value, label: label || value, ...(labelEn ? { labelEn } : {}) };
  });
const itemsText = (o: MatrixItem[] = []) =>
  o.map((x) => [x.id, x.text, x.textEn ?? ''].join('|').replace(/\|$/, '')).join('\n');
const parseItems = (s: string, old: MatrixItem[] = []): MatrixItem[] =>
  lines(s).map((l) => {
    const [id, text, textEn] = l.split('|').map((x) => x.trim());
    const prev = old.find((o) => o.id === id);
    return { ...prev, id, text: text || id, ...(textEn ? { textEn } : {}) } as MatrixItem;
  });

export interface QuestionCardProps {
  q: Question;
  /** Questions before this one: the show-if condition may refer to them. */
  earlier: Question[];
  /** Appraisees (unit plans of the survey's cycle) a scale item may rate. */
  planOptions: { value: string; label: string }[];
  onChange: (patch: Partial<Question>) => void;
  onMove: (d: -1 | 1) => void;
  onRemove: () => void;
}

/** One question of the builder: id, type, wording, choices or matrix rows, mapping, show-if. */
export function QuestionCard({ q, earlier, planOptions, onChange, onMove, onRemove }: QuestionCardProps) {
  const { t } = useTranslation('surveys');
  return (
    <Card size="small" type="inner" style={{ marginBottom: 8 }}>
      <Row gutter={[8, 8]}>
        <Col xs={24} md={4}>
          <Input
            addonBefore={t('builder.id')}
            aria-label={t('builder.id')}
            value={q.id}
            onChange={(e) => onChange({ id: e.target.value })}
          />
        </Col>
        <Col xs={24} md={5}>
          <Select
            style={{ width: '100%' }}
            aria-label={t('builder.type')}
            value={q.type}
            options={QUESTION_TYPES.map((x) => ({ value: x, label: t(`builder.types.${x}`) }))}
            onChange={(type) =>
              onChange({
                type,
                ...(type === 'single' || type === 'multiple'
                  ? {
                      options: q.options?.length
                        ? q.options
                        : [
                            { value: 'yes', label: '是' },
                            { value: 'no', label: '否' },
                          ],
                    }
                  : {}),
                ...(type === 'matrix'
                  ? { items: q.items?.length ? q.items : [{ id: 'i1', text: '条目1' }], scale: 5 }
                  : {}),
              })
            }
          />
        </Col>
        <Col xs={24} md={3}>
          <Checkbox checked={!!q.required} onChange={(e) => onChange({ required: e.target.checked })}>
            {t('builder.required')}
          </Checkbox>
        </Col>
        <Col xs={24} md={12} style={{ textAlign: 'right' }}>
          <Space>
            <Button
              size="small"
              icon={<ArrowUpOutlined />}
              title={t('builder.up')}
              onClick={() => onMove(-1)}
            />
            <Button
              size="small"
              icon={<ArrowDownOutlined />}
              title={t('builder.down')}
              onClick={() => onMove(1)}
            />
            <Button
              size="small"
              danger
              icon={<DeleteOutlined />}
              title={t('builder.remove')}
              onClick={() => onRemove()}
            />
          </Space>
        </Col>
        <Col xs={24} md={12}>
          <Input.TextArea
            autoSize
            placeholder={t('builder.text')}
            aria-label={t('builder.text')}
            value={q.text}
            onChange={(e) => onChange({ text: e.target.value })}
          />
        </Col>
        <Col xs={24} md={12}>
          <Input.TextArea
            autoSize
            placeholder={t('builder.textEn')}
            aria-label={t('builder.textEn')}
            value={q.textEn}
            onChange={(e) => onChange({ textEn: e.target.value || undefined })}
          />
        </Col>
        {(q.type === 'single' || q.type === 'multiple') && (
          <Col span={24}>
            <Typography.Text type="secondary">{t('builder.options')}</Typography.Text>
            <Input.TextArea
              autoSize
              aria-label={t('builder.options')}
              defaultValue={optionsText(q.options)}
              onBlur={(e) => onChange({ options: parseOptions(e.target.value) })}
            />
          </Col>
        )}
        {q.type === 'matrix' && (
          <>
            <Col xs={24} md={16}>
              <Typography.Text type="secondary">{t('builder.items')}</Typography.Text>
              <Input.TextArea
                autoSize
                aria-label={t('builder.items')}
                defaultValue={itemsText(q.items)}
                onBlur={(e) => onChange({ items: parseItems(e.target.value, q.items) })}
              />
            </Col>
            <Col xs={24} md={8}>
              <Typography.Text type="secondary">{t('builder.scale')}</Typography.Text>
              <Select
                style={{ width: '100%' }}
                aria-label={t('builder.scale')}
                value={q.scale ?? 5}
                options={[5, 7].map((v) => ({ value: v, label: v }))}
                onChange={(scale) => onChange({ scale })}
              />
            </Col>
            <Col span={24}>
              <Typography.Text type="secondary">{t('builder.itemMapping')}</Typography.Text>
              {(q.items ?? []).map((it, ii) => (
                <Row key={it.id} gutter={8} style={{ marginTop: 4 }}>
                  <Col span={6}>{it.text}</Col>
                  <Col span={10}>
                    <Select
                      allowClear
                      showSearch
                      optionFilterProp="label"
                      style={{ width: '100%' }}
                      placeholder={t('builder.plan')}
                      aria-label={`${it.text} ${t('builder.plan')}`}
                      value={it.planId}
                      options={planOptions}
                      onChange={(planId) =>
                        onChange({
                          items: q.items!.map((x, k) => (k === ii ? { ...x, planId } : x)),
                        })
                      }
                    />
                  </Col>
                  <Col span={8}>
                    <Input
                      placeholder={t('builder.dimension')}
                      aria-label={`${it.text} ${t('builder.dimension')}`}
                      value={it.dimension}
                      onChange={(e) =>
                        onChange({
                          items: q.items!.map((x, k) =>
                            k === ii ? { ...x, dimension: e.target.value || undefined } : x,
                          ),
                        })
                      }
                    />
                  </Col>
                </Row>
              ))}
            </Col>
          </>
        )}
        {(q.type === 'likert5' || q.type === 'likert7') && (
          <>
            <Col xs={24} md={12}>
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                style={{ width: '100%' }}
                placeholder={t('builder.plan')}
                aria-label={t('builder.plan')}
                value={q.planId}
                options={planOptions}
                onChange={(planId) => onChange({ planId })}
              />
            </Col>
            <Col xs={24} md={12}>
              <Input
                placeholder={t('builder.dimension')}
                aria-label={t('builder.dimension')}
                value={q.dimension}
                onChange={(e) => onChange({ dimension: e.target.value || undefined })}
              />
            </Col>
          </>
        )}
        {q.type === 'text' && (
          <Col xs={24} md={8}>
            <InputNumber
              addonBefore={t('builder.maxLength')}
              aria-label={t('builder.maxLength')}
              min={1}
              max={5000}
              value={q.maxLength ?? 2000}
              onChange={(v) => onChange({ maxLength: v ?? undefined })}
            />
          </Col>
        )}
        <Col span={24}>
          <Space wrap>
            <Typography.Text type="secondary">{t('builder.showIf')}:</Typography.Text>
            <span>{t('builder.showIfQuestion')}</span>
            <Select
              allowClear
              style={{ width: 180 }}
              value={q.showIf?.questionId}
              aria-label={t('builder.showIfQuestion')}
              options={earlier.map((x) => ({
                value: x.id,
                // The question's id is a code of the questionnaire, its text is the words.
                label: (
                  <>
                    <code>{x.id}</code> {x.text.slice(0, 16)}
                  </>
                ),
              }))}
              onChange={(questionId) =>
                onChange({
                  showIf: questionId ? { questionId, in: q.showIf?.in ?? [] } : undefined,
                })
              }
            />
            <span>{t('builder.showIfValues')}</span>
            <Input
              style={{ width: 180 }}
              disabled={!q.showIf}
              aria-label={t('builder.showIfValues')}
              defaultValue={(q.showIf?.in ?? []).join(',')}
              onBlur={(e) =>
                q.showIf &&
                onChange({
                  showIf: {
                    questionId: q.showIf.questionId,
                    in: e.target.value
                      .split(/[,，]/)
                      .map((x) => x.trim())
                      .filter(Boolean)
                      .map((x) => (/^\d+$/.test(x) ? Number(x) : x)),
                  },
                })
              }
            />
          </Space>
        </Col>
      </Row>
    </Card>
  );
}
