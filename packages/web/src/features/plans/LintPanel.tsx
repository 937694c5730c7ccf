import { useState } from 'react';
import { Alert, App, Button, Card, Input, List, Modal, Space, Tag, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../console/errors';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import { fmtNum } from '../../shared/format';
import type { IndicatorNode } from '../../shared/tree';
import './design-i18n';
import type { LintFinding } from '@perfcommons/contracts';

/** A finding of the server's design checks (domain lintPlan), as GET /api/plans/:id returns it. */
export type { LintFinding };

interface Props {
  planId: string;
  /** The server's findings of the saved version. */
  findings: LintFinding[];
  /** The saved tree (names of the indicators). */
  tree: IndicatorNode[];
  /** Whether the user may submit the plan (draft, editor). */
  canSubmit: boolean;
  /** Unsaved edits: the findings are of the saved version. */
  dirty: boolean;
  /** Opens a leaf in the editor. */
  onOpen?: (code: string) => void;
}

/**
 * The server's scientific design checks 指标科学性检查 of a plan, errors first, each naming its indicator;
 * with errors, an editor can submit with a reason (lintOverride, recorded in the audit log).
 */
export function LintPanel({ planId, findings, tree, canSubmit, dirty, onOpen }: Props) {
  const { t, i18n } = useTranslation('planDesign');
  const lang = i18n.language;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const names = new Map<string, IndicatorNode>();
  const walk = (ns: IndicatorNode[]) =>
    ns.forEach((n) => {
      names.set(n.code, n);
      if (n.children) walk(n.children);
    });
  walk(tree);
  const nameOf = (code: string) => {
    const n = names.get(code);
    return n ? `${code} ${pick(lang, n.name, n.nameEn) || ''}`.trim() : code;
  };
  const text = (f: LintFinding) => {
    return t(`lint.codes.${f.code}`, {
      name: nameOf(f.indicatorCode),
      other: f.otherCode ? nameOf(f.otherCode) : '',
      value: f.value === undefined ? '' : fmtNum(f.value),
      min: f.limit === undefined ? '' : fmtNum(f.limit),
      detail: f.severity === 'error' ? t('lint.worse') : t('lint.equal'),
      defaultValue: f.message,
    });
  };

  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const submit = () => {
    setBusy(true);
    api
      .post(`/api/plans/${planId}/submit`, { lintOverride: { reason: reason.trim() } })
      .then(() => {
        setOpen(false);
        setError(null);
        void message.success(t('lint.submitted'));
        void qc.invalidateQueries({ queryKey: ['plan', planId] });
        void qc.invalidateQueries({ queryKey: ['plans'] });
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };

  return (
    <Card
      size="small"
      title={t('lint.title')}
      data-testid="plan-lint"
      extra={
        canSubmit && errors > 0 ? (
          <Button
            size="small"
            danger
            disabled={dirty}
            onClick={() => setOpen(true)}
            data-testid="lint-override"
          >
            {t('lint.override')}
          </Button>
        ) : undefined
      }
    >
      {dirty && <Typography.Paragraph type="secondary">{t('lint.savedOnly')}</Typography.Paragraph>}
      {findings.length === 0 ? (
        <Alert type="success" showIcon message={t('lint.none')} />
      ) : (
        <>
          <Typography.Paragraph>
            <Typography.Text type={errors ? 'danger' : 'warning'} data-testid="lint-summary">
              {errors ? t('lint.summary', { errors, warnings }) : t('lint.summaryWarnings', { warnings })}
            </Typography.Text>
          </Typography.Paragraph>
          <List
            size="small"
            dataSource={findings}
            style={{ maxHeight: 260, overflow: 'auto' }}
            renderItem={(f) => (
              <List.Item
                data-testid={`lint-${f.code}`}
                actions={
                  f.indicatorCode &&
                  onOpen &&
                  names.get(f.indicatorCode) &&
                  !names.get(f.indicatorCode)?.children?.length
                    ? [
                        <Button key="o" size="small" type="link" onClick={() => onOpen(f.indicatorCode)}>
                          {t('lint.open')}
                        </Button>,
                      ]
                    : undefined
                }
              >
                <Space align="start">
                  <Tag color={f.severity === 'error' ? 'red' : 'gold'}>
                    {f.severity === 'error' ? t('lint.error') : t('lint.warning')}
                  </Tag>
                  <span>{text(f)}</span>
                </Space>
              </List.Item>
            )}
          />
        </>
      )}
      <Modal
        open={open}
        title={t('lint.overrideTitle')}
        okText={t('lint.overrideSubmit')}
        cancelText={t('console:common.cancel')}
        okButtonProps={{ disabled: reason.trim().length < 10, loading: busy, danger: true }}
        onOk={submit}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('lint.overrideHelp')}</Typography.Paragraph>
        <ul style={{ paddingLeft: 18 }}>
          {findings
            .filter((f) => f.severity === 'error')
            .map((f, i) => (
              <li key={i}>{text(f)}</li>
            ))}
        </ul>
        <Input.TextArea
          rows={3}
          placeholder={t('lint.overrideReason')}
          value={reason}
          maxLength={2000}
          showCount
          onChange={(e) => setReason(e.target.value)}
          data-testid="lint-override-reason"
        />
        {error && <Alert style={{ marginTop: 12 }} type="error" showIcon message={error} />}
      </Modal>
    </Card>
  );
}
