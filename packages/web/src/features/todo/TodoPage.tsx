import type { ReactNode } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Collapse,
  Empty,
  List,
  Progress,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { TodoPlanRef, TodoReply, ValuesDueItem } from '@perfcommons/contracts';
import { useCrumbs } from '../../console/crumbs';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtDate, fmtDateTime } from '../../shared/format';
import { ChecklistView } from '../cycles/StageChecklist';

type Section = Exclude<keyof TodoReply, 'asOf'>;
const SECTIONS: Section[] = ['stages', 'appeals', 'valuesDue', 'comments', 'verify', 'ratings'];

/** Where each section's work is done (the list page of the feature). */
const SECTION_LINK: Record<Section, string> = {
  valuesDue: '/values',
  comments: '/participation/comments',
  verify: '/verify',
  ratings: '/ratings',
  stages: '/cycles',
  appeals: '/appeals',
};

function More({ total, shown }: { total: number; shown: number }) {
  const { t } = useTranslation('todo');
  if (total <= shown) return null;
  return <Typography.Text type="secondary">{t('more', { n: shown, total })}</Typography.Text>;
}

/**
 * 我的待办: the signed-in user's own work, the landing page of every role. The server gathers each section
 * through the rules of its feature (GET /api/todo); this page only lists it and links to where it is done.
 */
export default function TodoPage() {
  const { t, i18n } = useTranslation('todo');
  const lang = i18n.language;
  useCrumbs([{ title: t('title') }]);
  const todo = useQuery({ queryKey: ['todo'], queryFn: () => api.get<TodoReply>('/api/todo') });
  const d = todo.data;
  const planName = (p: TodoPlanRef) =>
    `${pick(lang, p.appraiseeName, p.appraiseeNameEn)} · ${pick(lang, p.planTitle, p.planTitleEn)}`;
  const cycleName = (p: TodoPlanRef) => pick(lang, p.cycleName, p.cycleNameEn);
  const present = SECTIONS.filter((s) => d?.[s]);
  const empty = present.every((s) => d![s]!.total === 0);

  const card = (s: Section, body: ReactNode, extra?: ReactNode) => (
    <Card
      key={s}
      title={t(`${s}.title`)}
      data-testid={`todo-${s}`}
      extra={extra ?? <Link to={SECTION_LINK[s]}>{t(`${s}.go`)}</Link>}
    >
      {body}
    </Card>
  );

  const sections: Partial<Record<Section, ReactNode>> | undefined = d && {
    valuesDue:
      d.valuesDue &&
      d.valuesDue.total > 0 &&
      card(
        'valuesDue',
        <>
          <Typography.Paragraph type="secondary">{t('valuesDue.hint')}</Typography.Paragraph>
          <Table<ValuesDueItem>
            size="small"
            rowKey={(r) => `${r.planId}|${r.period}`}
            dataSource={d.valuesDue.items}
            pagination={false}
            scroll={{ x: 760 }}
            columns={[
              { title: t('plan'), key: 'plan', render: (_, r) => planName(r) },
              { title: t('valuesDue.period'), dataIndex: 'period', width: 90 },
              {
                title: t('valuesDue.deadline'),
                key: 'deadline',
                width: 180,
                render: (_, r) => (
                  <Space size={4} wrap>
                    {fmtDate(r.deadline)}
                    <Tag color={r.daysLeft < 0 ? 'red' : r.daysLeft <= 7 ? 'orange' : 'blue'}>
                      {r.daysLeft < 0
                        ? t('valuesDue.overdue', { n: -r.daysLeft })
                        : r.daysLeft === 0
                          ? t('valuesDue.dueToday')
                          : t('valuesDue.daysLeft', { n: r.daysLeft })}
                    </Tag>
                  </Space>
                ),
              },
              {
                title: t('valuesDue.missing'),
                key: 'missing',
                render: (_, r) => (
                  <Space size={[2, 2]} wrap>
                    {r.missing.map((c) => (
                      <Tag key={c}>{c}</Tag>
                    ))}
                    {r.rejected.map((c) => (
                      <Tag key={c} color="red">
                        {c} · {t('valuesDue.rejected')}
                      </Tag>
                    ))}
                  </Space>
                ),
              },
              {
                title: '',
                key: 'go',
                width: 90,
                render: (_, r) => <Link to={`/plans/${r.planId}/values`}>{t('valuesDue.go')}</Link>,
              },
            ]}
          />
          <More total={d.valuesDue.total} shown={d.valuesDue.items.length} />
        </>,
        <span />,
      ),
    comments:
      d.comments &&
      d.comments.total > 0 &&
      card(
        'comments',
        <>
          <Typography.Paragraph type="secondary">{t('comments.hint')}</Typography.Paragraph>
          <List
            size="small"
            dataSource={d.comments.items}
            renderItem={(c) => (
              <List.Item
                actions={[
                  <Link key="go" to={`/participation/comments?cycleId=${c.cycleId}&planId=${c.planId}`}>
                    {t('comments.go')}
                  </Link>,
                ]}
              >
                <List.Item.Meta title={planName(c)} description={cycleName(c)} />
                <Tag color="orange">{t('comments.unanswered', { n: c.unanswered })}</Tag>
              </List.Item>
            )}
          />
        </>,
        <span />,
      ),
    verify:
      d.verify &&
      card(
        'verify',
        d.verify.total === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('nothing')} />
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t('verify.hint')}</Typography.Paragraph>
            <List
              size="small"
              dataSource={d.verify.items}
              renderItem={(v) => (
                <List.Item
                  actions={[
                    <Link key="go" to={`/verify?cycleId=${v.cycleId}&planId=${v.planId}`}>
                      {t('open')}
                    </Link>,
                  ]}
                >
                  <List.Item.Meta title={planName(v)} description={cycleName(v)} />
                  <Tag color="gold">{t('verify.count', { n: v.count })}</Tag>
                </List.Item>
              )}
            />
          </>
        ),
        <Link to="/verify">
          <Button type="primary" size="small" data-testid="todo-open-queue">
            {t('verify.go')}
          </Button>
        </Link>,
      ),
    ratings:
      d.ratings &&
      d.ratings.total > 0 &&
      card(
        'ratings',
        <List
          size="small"
          dataSource={d.ratings.items}
          renderItem={(r) => (
            <List.Item
              actions={[
                <Link key="go" to="/ratings">
                  {t('ratings.go')}
                </Link>,
              ]}
            >
              <List.Item.Meta
                title={planName(r)}
                description={`${cycleName(r)} · ${t('ratings.subject')}：${t(`common:subject.${r.subjectType}`, { defaultValue: r.subjectType })}`}
              />
              <Space>
                <Progress
                  type="circle"
                  size={36}
                  percent={r.indicators ? Math.round((100 * r.rated) / r.indicators) : 0}
                  format={() => `${r.rated}/${r.indicators}`}
                />
                <Tag color={r.open ? 'green' : 'default'}>
                  {r.open ? t('ratings.open') : t('ratings.notOpen')}
                </Tag>
              </Space>
            </List.Item>
          )}
        />,
      ),
    stages:
      d.stages &&
      card(
        'stages',
        <>
          <Typography.Paragraph type="secondary">{t('stages.hint')}</Typography.Paragraph>
          <Collapse
            // Only the title toggles: the link in `extra` must not sit inside a button.
            collapsible="header"
            // The first cycle with something to fix opens with its checklist.
            defaultActiveKey={d.stages.items.find((s) => s.failing > 0)?.cycleId}
            items={d.stages.items.map((s) => ({
              key: s.cycleId,
              label: (
                <Space wrap>
                  <Typography.Text strong>{pick(lang, s.cycleName, s.cycleNameEn)}</Typography.Text>
                  <Typography.Text type="secondary">
                    {t('stages.next', { from: t(`common:stage.${s.stage}`), to: t(`common:stage.${s.to}`) })}
                  </Typography.Text>
                  {s.failing ? (
                    <Tag color="red">{t('stages.failing', { n: s.failing })}</Tag>
                  ) : (
                    <Tag color="green">{t('stages.allMet')}</Tag>
                  )}
                </Space>
              ),
              extra: <Link to={`/cycles/${s.cycleId}`}>{t('stages.go')}</Link>,
              children: <ChecklistView checklist={s.checklist} />,
            }))}
          />
        </>,
        <span />,
      ),
    appeals:
      d.appeals &&
      d.appeals.total > 0 &&
      card(
        'appeals',
        <List
          size="small"
          dataSource={d.appeals.items}
          renderItem={(a) => (
            <List.Item
              actions={[
                <Link key="go" to="/appeals">
                  {t('appeals.go')}
                </Link>,
              ]}
            >
              <List.Item.Meta
                title={`${planName(a)} · ${t('appeals.indicator', { code: a.indicatorCode })}`}
                description={`${cycleName(a)} · ${t('appeals.filed', { at: fmtDateTime(a.createdAt) })}`}
              />
              <Tag color={a.decide ? 'red' : 'blue'}>
                {a.decide ? t('appeals.decide') : t('appeals.waiting')}
              </Tag>
            </List.Item>
          )}
        />,
      ),
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="todo-page">
      <Card
        title={t('title')}
        loading={todo.isLoading}
        extra={
          d && <Typography.Text type="secondary">{t('asOf', { date: fmtDate(d.asOf) })}</Typography.Text>
        }
      >
        {todo.isError && <Alert type="error" showIcon message={errorText(todo.error)} />}
        {d && (
          <Row gutter={[16, 16]}>
            {present.map((s) => (
              <Col key={s} xs={12} md={8} xl={4}>
                <Link to={SECTION_LINK[s]} data-testid={`todo-count-${s}`}>
                  <Statistic title={t(`counts.${s}`)} value={d[s]!.total} />
                </Link>
              </Col>
            ))}
          </Row>
        )}
        {d && empty && <Empty style={{ marginTop: 16 }} description={t('nothing')} />}
      </Card>
      {sections && SECTIONS.map((s) => sections[s] || null)}
    </Space>
  );
}
