import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, InputNumber, Progress, Space, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CalibrationAnswerReply, CalibrationCase, CalibrationReply } from '@perfcommons/contracts';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import { RubricView } from '../indicators/RubricView';
import { fmtPct, VerdictTag } from './shared';

const signed = (v: number) => `${v > 0 ? '+' : ''}${fmtNum(v, 1)}`;

/** A rater's calibration exercise of a cycle: score the reference cases, see how far from the panel. */
export function CalibrationExercise({ cycleId }: { cycleId: string }) {
  const { t } = useTranslation('calibration');
  const key = ['calibration', cycleId];
  const view = useQuery({
    queryKey: key,
    queryFn: () => api.get<CalibrationReply>(`/api/cycles/${cycleId}/calibration`),
    retry: false,
  });
  if (view.error) return <Alert type="error" message={errorText(view.error)} />;
  const data = view.data;
  if (!data) return null;
  if (!data.cases.length) return <Typography.Text type="secondary">{t('exercise.none')}</Typography.Text>;
  const s = data.summary;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="calibration-exercise">
      <Typography.Paragraph type="secondary">{t('exercise.intro')}</Typography.Paragraph>
      <Progress
        percent={Math.round((100 * data.answered) / data.cases.length)}
        format={() => t('exercise.progress', { answered: data.answered, total: data.cases.length })}
        style={{ maxWidth: 360 }}
      />
      {s && (
        <Alert
          type={s.verdict === 'close' ? 'success' : s.verdict === 'moderate' ? 'warning' : 'error'}
          data-testid="calibration-summary"
          message={
            <Space wrap>
              <b>{t('exercise.summary')}</b>
              <VerdictTag verdict={s.verdict} />
              <span>{t('exercise.mad', { v: fmtNum(s.meanAbsDeviation, 1) })}</span>
              <span>
                {t('exercise.bias', { v: signed(s.bias) })}（
                {Math.abs(s.bias) < 1
                  ? t('exercise.neutral')
                  : s.bias > 0
                    ? t('exercise.lenient')
                    : t('exercise.severe')}
                ）
              </span>
              <span>{t('exercise.withinBand', { v: fmtPct(s.withinBandShare) })}</span>
            </Space>
          }
        />
      )}
      {data.cases.map((c) => (
        <CaseCard key={c.id} c={c} canAnswer={data.can.answer} />
      ))}
    </Space>
  );
}

function CaseCard({ c, canAnswer }: { c: CalibrationCase; canAnswer: boolean }) {
  const { t, i18n } = useTranslation('calibration');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [score, setScore] = useState<number | null>(null);
  const answer = useMutation({
    mutationFn: () => api.post<CalibrationAnswerReply>(`/api/calibration-cases/${c.id}/answer`, { score }),
    onSuccess: () => {
      void message.success(t('exercise.submitted'));
      void qc.invalidateQueries({ queryKey: ['calibration', c.cycleId] });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const band = (i: number) => {
    const b = c.rubric[i];
    return b ? `${b.min}–${b.max} ${pick(lang, b.label, b.labelEn)}` : '';
  };
  const a = c.answer;
  return (
    <Card
      size="small"
      data-testid="calibration-case"
      title={`${c.position}. ${pick(lang, c.title, c.titleEn)}`}
      extra={<Tag>{pick(lang, c.indicatorName, c.indicatorNameEn)}</Tag>}
    >
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
        {pick(lang, c.description, c.descriptionEn)}
      </Typography.Paragraph>
      <RubricView rubric={c.rubric} testId="calibration-rubric" />
      {a ? (
        <Descriptions
          size="small"
          column={1}
          bordered
          style={{ marginTop: 8 }}
          title={t('exercise.feedback')}
          data-testid="calibration-feedback"
        >
          <Descriptions.Item label={t('exercise.you')}>{fmtNum(a.score, 1)}</Descriptions.Item>
          <Descriptions.Item label={t('exercise.consensus')}>
            <Space direction="vertical" size={0}>
              <b>{fmtNum(a.feedback.panelMean, 1)}</b>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('exercise.panelRange', {
                  n: a.feedback.panelCount,
                  min: fmtNum(a.feedback.panelMin, 1),
                  max: fmtNum(a.feedback.panelMax, 1),
                  median: fmtNum(a.feedback.panelMedian, 1),
                  sd: fmtNum(a.feedback.panelSd, 1),
                })}
              </Typography.Text>
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('exercise.deviation')}>
            <span data-testid="calibration-deviation">{signed(a.feedback.deviation)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('exercise.band')}>
            {a.feedback.withinBand ? (
              <Tag color="green">{t('exercise.sameBand', { band: band(a.feedback.panelBand) })}</Tag>
            ) : (
              <Tag color="orange">
                {t('exercise.otherBand', {
                  yours: band(a.feedback.raterBand),
                  panel: band(a.feedback.panelBand),
                })}
              </Tag>
            )}
          </Descriptions.Item>
        </Descriptions>
      ) : (
        canAnswer && (
          <Space style={{ marginTop: 8 }}>
            <InputNumber
              min={0}
              max={100}
              value={score}
              onChange={setScore}
              placeholder={t('exercise.yourScore')}
              style={{ width: 180 }}
              aria-label={t('exercise.yourScore')}
              data-testid="calibration-score"
            />
            <Button
              type="primary"
              loading={answer.isPending}
              data-testid="calibration-submit"
              onClick={() =>
                score === null ? void message.warning(t('exercise.scoreRequired')) : answer.mutate()
              }
            >
              {t('exercise.submit')}
            </Button>
          </Space>
        )
      )}
    </Card>
  );
}
