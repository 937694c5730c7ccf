import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  checkQuestionnaire,
  QUESTION_TYPES,
  type MatrixItem,
  type Question,
  type QuestionOption,
  type Questionnaire,
} from '@perfcommons/domain';
import { errorText } from '../../console/errors';
import { usePlans } from '../../console/queries';
import { pick } from '../../i18n';
import { api, ApiError } from '../../shared/api';
import type { SurveyDetailReply as SurveyDetail } from '@perfcommons/contracts';

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

/** Questionnaire builder: sections and questions, mapped to appraisees and dimensions, saved as versions. */
export function Builder({ detail }: { detail: SurveyDetail }) {
  const { t, i18n } = useTranslation('surveys');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const plans = usePlans(detail.survey.cycleId ?? undefined);
  const version = detail.version!;
  const [def, setDef] = useState<Questionnaire>(version.definition);
  useEffect(() => setDef(version.definition), [version.id, version.definition]);
  const frozen = detail.survey.status !== 'draft' || !!version.frozenAt;
  const problems = checkQuestionnaire(def);
  const save = useMutation({
    mutationFn: () =>
      api.put<{ version: { version: number } }>(`/api/surveys/${detail.survey.id}/questionnaire`, {
        definition: def,
        version: version.version,
      }),
    onSuccess: (r) => {
      void message.success(t('builder.saved', { v: r.version.version }));
      void qc.invalidateQueries({ queryKey: ['survey', detail.survey.id] });
    },
    onError: (e) => void message.error(e instanceof ApiError ? errorText(e) : String(e)),
  });
  const planOptions = (plans.data ?? [])
    .filter((p) => p.appraiseeType === 'unit')
    .map((p) => ({ value: p.id, label: pick(i18n.language, p.appraiseeName, p.appraiseeNameEn) }));
  const all = def.sections.flatMap((s) => s.questions);

  const setSection = (si: number, patch: Partial<Questionnaire['sections'][number]>) =>
    setDef({ sections: def.sections.map((s, i) => (i === si ? { ...s, ...patch } : s)) });
  const setQuestion = (si: number, qi: number, patch: Partial<Question>) =>
    setSection(si, {
      questions: def.sections[si].questions.map((q, i) => (i === qi ? ({ ...q, ...patch } as Question) : q)),
    });
  const move = <T,>(arr: T[], i: number, d: number) => {
    const j = i + d;
    if (j < 0 || j >= arr.length) return arr;
    const out = [...arr];
    [out[i], out[j]] = [out[j], out[i]];
    return out;
  };
  const newId = (prefix: string, taken: string[]) => {
    let n = taken.length + 1;
    while (taken.includes(`${prefix}${n}`)) n++;
    return `${prefix}${n}`;
  };

  return (
    <div data-testid="survey-builder">
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Text strong>{t('builder.version', { v: version.version })}</Typography.Text>
        {!frozen && (
          <Button
            type="primary"
            onClick={() => save.mutate()}
            loading={save.isPending}
            disabled={problems.length > 0}
          >
            {t('builder.save')}
          </Button>
        )}
      </Space>
      {frozen && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('builder.frozen', { v: version.version })}
        />
      )}
      {problems.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('builder.problems', { n: problems.length })}
          description={problems.map((p) => `${p.path}: ${p.message}`).join('; ')}
        />
      )}
      <fieldset disabled={frozen} style={{ border: 0, padding: 0, margin: 0 }}>
        {def.sections.map((s, si) => (
          <Card
            key={si}
            size="small"
            style={{ marginBottom: 16 }}
            title={
              <Space wrap>
                <span>
                  {t('builder.section')} {si + 1}
                </span>
                <Input
                  size="small"
                  style={{ width: 200 }}
                  value={s.title}
                  placeholder={t('builder.sectionTitle')}
                  onChange={(e) => setSection(si, { title: e.target.value })}
                />
                <Input
                  size="small"
                  style={{ width: 200 }}
                  value={s.titleEn}
                  placeholder={t('builder.sectionTitleEn')}
                  onChange={(e) => setSection(si, { titleEn: e.target.value || undefined })}
                />
              </Space>
            }
            extra={
              <Space>
                <Button
                  size="small"
                  icon={<ArrowUpOutlined />}
                  onClick={() => setDef({ sections: move(def.sections, si, -1) })}
                />
                <Button
                  size="small"
                  icon={<ArrowDownOutlined />}
                  onClick={() => setDef({ sections: move(def.sections, si, 1) })}
                />
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  onClick={() => setDef({ sections: def.sections.filter((_, i) => i !== si) })}
                />
              </Space>
            }
          >
            {s.questions.map((q, qi) => {
              const earlier = all.slice(0, all.indexOf(q));
              return (
                <Card key={qi} size="small" type="inner" style={{ marginBottom: 8 }}>
                  <Row gutter={[8, 8]}>
                    <Col xs={24} md={4}>
                      <Input
                        addonBefore={t('builder.id')}
                        value={q.id}
                        onChange={(e) => setQuestion(si, qi, { id: e.target.value })}
                      />
                    </Col>
                    <Col xs={24} md={5}>
                      <Select
                        style={{ width: '100%' }}
                        value={q.type}
                        options={QUESTION_TYPES.map((x) => ({ value: x, label: t(`builder.types.${x}`) }))}
                        onChange={(type) =>
                          setQuestion(si, qi, {
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
                      <Checkbox
                        checked={!!q.required}
                        onChange={(e) => setQuestion(si, qi, { required: e.target.checked })}
                      >
                        {t('builder.required')}
                      </Checkbox>
                    </Col>
                    <Col xs={24} md={12} style={{ textAlign: 'right' }}>
                      <Space>
                        <Button
                          size="small"
                          icon={<ArrowUpOutlined />}
                          title={t('builder.up')}
                          onClick={() => setSection(si, { questions: move(s.questions, qi, -1) })}
                        />
                        <Button
                          size="small"
                          icon={<ArrowDownOutlined />}
                          title={t('builder.down')}
                          onClick={() => setSection(si, { questions: move(s.questions, qi, 1) })}
                        />
                        <Button
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          title={t('builder.remove')}
                          onClick={() =>
                            setSection(si, { questions: s.questions.filter((_, i) => i !== qi) })
                          }
                        />
                      </Space>
                    </Col>
                    <Col xs={24} md={12}>
                      <Input.TextArea
                        autoSize
                        placeholder={t('builder.text')}
                        value={q.text}
                        onChange={(e) => setQuestion(si, qi, { text: e.target.value })}
                      />
                    </Col>
                    <Col xs={24} md={12}>
                      <Input.TextArea
                        autoSize
                        placeholder={t('builder.textEn')}
                        value={q.textEn}
                        onChange={(e) => setQuestion(si, qi, { textEn: e.target.value || undefined })}
                      />
                    </Col>
                    {(q.type === 'single' || q.type === 'multiple') && (
                      <Col span={24}>
                        <Typography.Text type="secondary">{t('builder.options')}</Typography.Text>
                        <Input.TextArea
                          autoSize
                          defaultValue={optionsText(q.options)}
                          onBlur={(e) => setQuestion(si, qi, { options: parseOptions(e.target.value) })}
                        />
                      </Col>
                    )}
                    {q.type === 'matrix' && (
                      <>
                        <Col xs={24} md={16}>
                          <Typography.Text type="secondary">{t('builder.items')}</Typography.Text>
                          <Input.TextArea
                            autoSize
                            defaultValue={itemsText(q.items)}
                            onBlur={(e) =>
                              setQuestion(si, qi, { items: parseItems(e.target.value, q.items) })
                            }
                          />
                        </Col>
                        <Col xs={24} md={8}>
                          <Typography.Text type="secondary">{t('builder.scale')}</Typography.Text>
                          <Select
                            style={{ width: '100%' }}
                            value={q.scale ?? 5}
                            options={[5, 7].map((v) => ({ value: v, label: v }))}
                            onChange={(scale) => setQuestion(si, qi, { scale })}
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
                                  value={it.planId}
                                  options={planOptions}
                                  onChange={(planId) =>
                                    setQuestion(si, qi, {
                                      items: q.items!.map((x, k) => (k === ii ? { ...x, planId } : x)),
                                    })
                                  }
                                />
                              </Col>
                              <Col span={8}>
                                <Input
                                  placeholder={t('builder.dimension')}
                                  value={it.dimension}
                                  onChange={(e) =>
                                    setQuestion(si, qi, {
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
                            value={q.planId}
                            options={planOptions}
                            onChange={(planId) => setQuestion(si, qi, { planId })}
                          />
                        </Col>
                        <Col xs={24} md={12}>
                          <Input
                            placeholder={t('builder.dimension')}
                            value={q.dimension}
                            onChange={(e) => setQuestion(si, qi, { dimension: e.target.value || undefined })}
                          />
                        </Col>
                      </>
                    )}
                    {q.type === 'text' && (
                      <Col xs={24} md={8}>
                        <InputNumber
                          addonBefore={t('builder.maxLength')}
                          min={1}
                          max={5000}
                          value={q.maxLength ?? 2000}
                          onChange={(v) => setQuestion(si, qi, { maxLength: v ?? undefined })}
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
                          options={earlier.map((x) => ({
                            value: x.id,
                            label: `${x.id} ${x.text.slice(0, 16)}`,
                          }))}
                          onChange={(questionId) =>
                            setQuestion(si, qi, {
                              showIf: questionId ? { questionId, in: q.showIf?.in ?? [] } : undefined,
                            })
                          }
                        />
                        <span>{t('builder.showIfValues')}</span>
                        <Input
                          style={{ width: 180 }}
                          disabled={!q.showIf}
                          defaultValue={(q.showIf?.in ?? []).join(',')}
                          onBlur={(e) =>
                            q.showIf &&
                            setQuestion(si, qi, {
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
            })}
            <Button
              icon={<PlusOutlined />}
              onClick={() =>
                setSection(si, {
                  questions: [
                    ...s.questions,
                    {
                      id: newId(
                        'q',
                        all.map((q) => q.id),
                      ),
                      type: 'likert5',
                      text: '',
                      required: true,
                    },
                  ],
                })
              }
            >
              {t('builder.addQuestion')}
            </Button>
          </Card>
        ))}
        <Button
          icon={<PlusOutlined />}
          onClick={() =>
            setDef({
              sections: [
                ...def.sections,
                {
                  id: newId(
                    's',
                    def.sections.map((s) => s.id),
                  ),
                  title: `${t('builder.section')} ${def.sections.length + 1}`,
                  questions: [],
                },
              ],
            })
          }
        >
          {t('builder.addSection')}
        </Button>
      </fieldset>
    </div>
  );
}
