import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Typography,
} from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  isVisible,
  type AnswerValue,
  type Answers,
  type Question,
  type Questionnaire,
} from '@perfcommons/domain';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api, ApiError } from '../../shared/api';

/** Interviewer entry of a paper, telephone or face-to-face answer against the invitation's short code. */
export function InterviewEntry({ surveyId, definition }: { surveyId: string; definition: Questionnaire }) {
  const { t, i18n } = useTranslation('surveys');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [mode, setMode] = useState<'paper' | 'phone' | 'face'>('paper');
  const [answers, setAnswers] = useState<Answers>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const set = (id: string, v: AnswerValue | undefined) => {
    const next = { ...answers };
    if (v === undefined || (Array.isArray(v) && v.length === 0)) delete next[id];
    else next[id] = v;
    setAnswers(next);
  };
  const save = useMutation({
    mutationFn: () => {
      const visible: Answers = {};
      for (const [k, v] of Object.entries(answers)) if (isVisible(definition, k, answers)) visible[k] = v;
      return api.post(`/api/surveys/${surveyId}/interviews`, { code, mode, answers: visible });
    },
    onSuccess: () => {
      void message.success(t('fw.entered'));
      setAnswers({});
      setCode('');
      setProblems({});
      void qc.invalidateQueries({ queryKey: ['survey-fieldwork', surveyId] });
    },
    onError: (e) => {
      const byQ: Record<string, string> = {};
      if (e instanceof ApiError) for (const d of e.details) byQ[d.path.split('.')[1] ?? d.path] ??= d.message;
      setProblems(byQ);
      void message.error(errorText(e).slice(0, 200));
    },
  });
  const field = (q: Question) => {
    const v = answers[q.id];
    switch (q.type) {
      case 'single':
        return (
          <Radio.Group
            value={v}
            onChange={(e) => set(q.id, e.target.value as string)}
            options={(q.options ?? []).map((o) => ({
              value: o.value,
              label: pick(lang, o.label, o.labelEn),
            }))}
          />
        );
      case 'multiple':
        return (
          <Checkbox.Group
            value={Array.isArray(v) ? v : []}
            onChange={(x) => set(q.id, x as string[])}
            options={(q.options ?? []).map((o) => ({
              value: o.value,
              label: pick(lang, o.label, o.labelEn),
            }))}
          />
        );
      case 'likert5':
      case 'likert7':
        return (
          <Radio.Group
            value={v}
            onChange={(e) => set(q.id, e.target.value as number)}
            options={Array.from({ length: q.type === 'likert7' ? 7 : 5 }, (_, i) => ({
              value: i + 1,
              label: i + 1,
            }))}
          />
        );
      case 'rating0to10':
        return (
          <InputNumber
            min={0}
            max={10}
            value={v as number | undefined}
            onChange={(x) => set(q.id, x ?? undefined)}
          />
        );
      case 'text':
        return (
          <Input.TextArea
            autoSize
            value={(v as string) ?? ''}
            onChange={(e) => set(q.id, e.target.value || undefined)}
          />
        );
      case 'matrix': {
        const m = (v && typeof v === 'object' && !Array.isArray(v) ? v : {}) as Record<string, number>;
        return (
          <Space direction="vertical" style={{ width: '100%' }}>
            {(q.items ?? []).map((it) => (
              <Space key={it.id} wrap>
                <span style={{ display: 'inline-block', minWidth: 180 }}>
                  {pick(lang, it.text, it.textEn)}
                </span>
                <Radio.Group
                  value={m[it.id]}
                  onChange={(e) => set(q.id, { ...m, [it.id]: e.target.value as number })}
                  options={Array.from({ length: q.scale ?? 5 }, (_, i) => ({ value: i + 1, label: i + 1 }))}
                />
              </Space>
            ))}
          </Space>
        );
      }
    }
  };
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="interview-entry">
        {t('fw.enter')}
      </Button>
      <Modal
        open={open}
        width={760}
        title={t('fw.enter')}
        onCancel={() => setOpen(false)}
        onOk={() => save.mutate()}
        okText={t('fw.enterSave')}
        confirmLoading={save.isPending}
      >
        <Space wrap style={{ marginBottom: 12 }}>
          <Input
            style={{ width: 220 }}
            placeholder="ABCDE-23456"
            addonBefore={t('fw.code')}
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <Select
            style={{ width: 140 }}
            value={mode}
            onChange={setMode}
            options={(['paper', 'phone', 'face'] as const).map((m) => ({
              value: m,
              label: t(`fw.modes.${m}`),
            }))}
          />
        </Space>
        {problems.code || problems.token ? (
          <Alert type="error" message={problems.code ?? problems.token} />
        ) : null}
        {definition.sections.map((s) => (
          <div key={s.id}>
            <Typography.Title level={5}>{pick(lang, s.title, s.titleEn)}</Typography.Title>
            {s.questions
              .filter((q) => isVisible(definition, q.id, answers))
              .map((q) => (
                <div key={q.id} style={{ marginBottom: 12 }}>
                  <Typography.Text strong>
                    {q.required ? '* ' : ''}
                    {pick(lang, q.text, q.textEn)}
                  </Typography.Text>
                  <div>{field(q)}</div>
                  {problems[q.id] && <Typography.Text type="danger">{problems[q.id]}</Typography.Text>}
                </div>
              ))}
          </div>
        ))}
      </Modal>
    </>
  );
}
