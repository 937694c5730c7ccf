import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Input, Space, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { checkQuestionnaire, type Question, type Questionnaire } from '@perfcommons/domain';
import { errorText } from '../../console/errors';
import { usePlans } from '../../console/queries';
import { pick } from '../../i18n';
import { api, ApiError } from '../../shared/api';
import type { SaveQuestionnaireReply, SurveyDetailReply as SurveyDetail } from '@perfcommons/contracts';
import { QuestionCard } from './QuestionCard';

/** Questionnaire builder: sections and questions, mapped to appraisees and dimensions, saved as versions. */
export function Builder({ detail }: { detail: SurveyDetail }) {
  const { t, i18n } = useTranslation('surveys');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const plans = usePlans(detail.survey.cycleId ?? undefined);
  const version = detail.version!;
  const [def, setDef] = useState<Questionnaire>(version.definition);
  useEffect(() => setDef(version.definition), [version.id, version.definition]);
  const frozen = !detail.can.editQuestionnaire;
  const problems = checkQuestionnaire(def);
  const save = useMutation({
    mutationFn: () =>
      api.put<SaveQuestionnaireReply>(`/api/surveys/${detail.survey.id}/questionnaire`, {
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
                <QuestionCard
                  key={qi}
                  q={q}
                  earlier={earlier}
                  planOptions={planOptions}
                  onChange={(patch) => setQuestion(si, qi, patch)}
                  onMove={(d) => setSection(si, { questions: move(s.questions, qi, d) })}
                  onRemove={() => setSection(si, { questions: s.questions.filter((_, i) => i !== qi) })}
                />
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
