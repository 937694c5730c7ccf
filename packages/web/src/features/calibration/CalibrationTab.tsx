import { useState } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type {
  CalibrationCandidatesReply,
  CalibrationCase,
  CalibrationRaterStatus,
  CalibrationReply,
  CalibrationStatusReply,
  RubricBand,
} from '@perfcommons/contracts';
import { applyFieldErrors, errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import { RubricEditor } from '../indicators/RubricEditor';
import { RubricView } from '../indicators/RubricView';
import { fmtPct, VerdictTag } from './shared';

interface CaseForm {
  title: string;
  titleEn?: string;
  indicatorName: string;
  indicatorNameEn?: string;
  description: string;
  descriptionEn?: string;
  panelScores: string;
  rubric?: RubricBand[];
  candidate?: string;
}

/** Parses `85, 88，90` into scores; undefined when any is not a number from 0 to 100. */
function parseScores(text: string | undefined): number[] | undefined {
  const parts = (text ?? '').split(/[,，\s]+/).filter(Boolean);
  const scores = parts.map(Number);
  if (!scores.length || scores.length > 50 || scores.some((s) => !Number.isFinite(s) || s < 0 || s > 100))
    return undefined;
  return scores;
}

/** The office's side of the calibration exercise: reference cases and each rater's status. */
export function CalibrationTab({ cycle }: { cycle: { id: string } }) {
  const { t, i18n } = useTranslation('calibration');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [mode, setMode] = useState<'add' | 'derive'>();
  const [form] = Form.useForm<CaseForm>();
  const key = ['calibration', cycle.id];
  const view = useQuery({
    queryKey: key,
    queryFn: () => api.get<CalibrationReply>(`/api/cycles/${cycle.id}/calibration`),
  });
  const status = useQuery({
    queryKey: [...key, 'status'],
    queryFn: () => api.get<CalibrationStatusReply>(`/api/cycles/${cycle.id}/calibration/status`),
  });
  const candidates = useQuery({
    queryKey: [...key, 'candidates'],
    queryFn: () => api.get<CalibrationCandidatesReply>(`/api/cycles/${cycle.id}/calibration/candidates`),
    enabled: mode === 'derive',
  });
  const refresh = () => qc.invalidateQueries({ queryKey: key });
  const save = useMutation({
    mutationFn: (v: CaseForm) => {
      const common = {
        title: v.title,
        titleEn: v.titleEn || undefined,
        description: v.description,
        descriptionEn: v.descriptionEn || undefined,
      };
      if (mode === 'derive') {
        const c = candidates.data?.items.find((x) => candidateKey(x) === v.candidate);
        return api.post(`/api/cycles/${cycle.id}/calibration/derive`, {
          ...common,
          planId: c?.planId,
          indicatorCode: c?.indicatorCode,
          subjectType: c?.subjectType,
          rubric: v.rubric?.length ? v.rubric : undefined,
        });
      }
      return api.post(`/api/cycles/${cycle.id}/calibration/cases`, {
        ...common,
        indicatorName: v.indicatorName,
        indicatorNameEn: v.indicatorNameEn || undefined,
        rubric: v.rubric,
        panelScores: parseScores(v.panelScores),
      });
    },
    onSuccess: () => {
      void message.success(t('created'));
      setMode(undefined);
      form.resetFields();
      void refresh();
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e, [
        'title',
        'titleEn',
        'indicatorName',
        'description',
        'descriptionEn',
        'panelScores',
        'rubric',
      ]);
      if (rest.length) void message.error(rest.join('；'));
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.del(`/api/calibration-cases/${id}`),
    onSuccess: () => {
      void message.success(t('deleted'));
      void refresh();
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const watched = Form.useWatch('candidate', form);
  const picked = candidates.data?.items.find((x) => candidateKey(x) === watched);

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="calibration-tab">
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      <Space>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setMode('add')}
          data-testid="calibration-add"
        >
          {t('add')}
        </Button>
        <Button icon={<TeamOutlined />} onClick={() => setMode('derive')} data-testid="calibration-derive">
          {t('derive')}
        </Button>
      </Space>
      <Typography.Title level={5}>{t('cases')}</Typography.Title>
      <Table<CalibrationCase>
        rowKey="id"
        size="small"
        loading={view.isLoading}
        dataSource={view.data?.cases ?? []}
        pagination={false}
        data-testid="calibration-cases"
        locale={{ emptyText: t('none') }}
        expandable={{ expandedRowRender: (c) => <CaseDetail c={c} /> }}
        columns={[
          { title: t('position'), dataIndex: 'position', width: 60 },
          { title: t('title'), render: (_, c) => pick(lang, c.title, c.titleEn) },
          { title: t('indicator'), render: (_, c) => pick(lang, c.indicatorName, c.indicatorNameEn) },
          { title: t('source'), render: (_, c) => <Tag>{t(`sources.${c.source}`)}</Tag> },
          {
            title: t('panel'),
            render: (_, c) =>
              c.panelScores
                ? t('panelOf', {
                    n: c.panelScores.length,
                    mean: fmtNum(c.panelScores.reduce((a, b) => a + b, 0) / c.panelScores.length, 1),
                  })
                : '—',
          },
          { title: t('answers'), dataIndex: 'answers', width: 100 },
          {
            title: '',
            key: 'actions',
            width: 60,
            render: (_, c) => (
              <Popconfirm title={t('confirmDelete')} onConfirm={() => remove.mutate(c.id)}>
                <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('delete')} />
              </Popconfirm>
            ),
          },
        ]}
      />
      <Typography.Title level={5}>{t('status.title')}</Typography.Title>
      <Table<CalibrationRaterStatus>
        rowKey="userId"
        size="small"
        loading={status.isLoading}
        dataSource={status.data?.raters ?? []}
        data-testid="calibration-status"
        locale={{ emptyText: t('status.none') }}
        pagination={{ defaultPageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('status.rater'), render: (_, r) => `${r.displayName}（${r.username}）` },
          { title: t('status.tasks'), dataIndex: 'tasks', width: 90 },
          {
            title: t('status.answered'),
            width: 100,
            render: (_, r) => `${r.answered} / ${status.data?.cases ?? 0}`,
          },
          {
            title: t('status.state'),
            render: (_, r) => (
              <Tag
                color={r.status === 'completed' ? 'green' : r.status === 'in_progress' ? 'blue' : undefined}
              >
                {t(`status.states.${r.status}`)}
              </Tag>
            ),
          },
          {
            title: t('status.mad'),
            render: (_, r) => (r.summary ? fmtNum(r.summary.meanAbsDeviation, 1) : '—'),
          },
          {
            title: t('status.bias'),
            render: (_, r) =>
              r.summary ? `${r.summary.bias > 0 ? '+' : ''}${fmtNum(r.summary.bias, 1)}` : '—',
          },
          {
            title: t('status.withinBand'),
            render: (_, r) => (r.summary ? fmtPct(r.summary.withinBandShare) : '—'),
          },
          {
            title: t('status.verdict'),
            render: (_, r) => (r.summary ? <VerdictTag verdict={r.summary.verdict} /> : '—'),
          },
        ]}
      />
      <Modal
        open={!!mode}
        title={mode === 'derive' ? t('derive') : t('add')}
        width={760}
        okText={t('add')}
        confirmLoading={save.isPending}
        onOk={() => form.submit()}
        onCancel={() => setMode(undefined)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} preserve={false}>
          {mode === 'derive' && (
            <Form.Item
              name="candidate"
              label={t('form.candidate')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Select
                showSearch
                optionFilterProp="label"
                loading={candidates.isLoading}
                notFoundContent={t('form.noCandidates')}
                data-testid="calibration-candidate"
                options={(candidates.data?.items ?? []).map((c) => ({
                  value: candidateKey(c),
                  label: t('form.candidateLabel', {
                    cycle: pick(lang, c.cycleName, c.cycleNameEn),
                    plan: pick(lang, c.planTitle, c.planTitleEn),
                    indicator: pick(lang, c.indicatorName, c.indicatorNameEn),
                    subject: t(`common:subject.${c.subjectType}`),
                    n: c.raters,
                    mean: fmtNum(c.mean, 1),
                  }),
                }))}
              />
            </Form.Item>
          )}
          <Form.Item
            name="title"
            label={t('form.title')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="titleEn" label={t('form.titleEn')}>
            <Input maxLength={200} />
          </Form.Item>
          {mode === 'add' && (
            <>
              <Form.Item
                name="indicatorName"
                label={t('form.indicatorName')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Input maxLength={200} />
              </Form.Item>
              <Form.Item name="indicatorNameEn" label={t('form.indicatorNameEn')}>
                <Input maxLength={200} />
              </Form.Item>
            </>
          )}
          <Form.Item
            name="description"
            label={t('form.description')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={4000} />
          </Form.Item>
          <Form.Item name="descriptionEn" label={t('form.descriptionEn')}>
            <Input.TextArea autoSize maxLength={8000} />
          </Form.Item>
          {mode === 'add' && (
            <Form.Item
              name="panelScores"
              label={t('form.panelScores')}
              extra={t('form.panelScoresHelp')}
              rules={[
                {
                  validator: (_, v: string) =>
                    parseScores(v)
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('form.panelScoresInvalid'))),
                },
              ]}
            >
              <Input placeholder="85, 88, 90, 82, 86" />
            </Form.Item>
          )}
          {(mode === 'add' || (picked && !picked.hasRubric)) && (
            <>
              {mode === 'derive' && <Typography.Text type="warning">{t('form.noRubric')}</Typography.Text>}
              <Form.Item
                name="rubric"
                rules={[
                  {
                    validator: (_, v?: RubricBand[]) =>
                      v && v.length >= 2
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('form.rubricRequired'))),
                  },
                ]}
              >
                <RubricField />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Space>
  );
}

/** The rubric editor as a form field (Form.Item passes value and onChange). */
function RubricField(props: { value?: RubricBand[]; onChange?: (v: RubricBand[] | undefined) => void }) {
  return <RubricEditor value={props.value} onChange={(v) => props.onChange?.(v)} />;
}

const candidateKey = (c: { planId: string; indicatorCode: string; subjectType: string }) =>
  `${c.planId}|${c.indicatorCode}|${c.subjectType}`;

function CaseDetail({ c }: { c: CalibrationCase }) {
  const { t, i18n } = useTranslation('calibration');
  return (
    <Space direction="vertical" size={4}>
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 4 }}>
        {pick(i18n.language, c.description, c.descriptionEn)}
      </Typography.Paragraph>
      {c.panelScores && (
        <Typography.Text type="secondary">
          {t('panel')}：{c.panelScores.join('、')}
        </Typography.Text>
      )}
      <RubricView rubric={c.rubric} />
    </Space>
  );
}
