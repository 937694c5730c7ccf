import { useEffect, useMemo, useState } from 'react';
import { Alert, Modal, Select, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ahpWeights, CR_THRESHOLD } from '@perfcommons/domain';
import { pick } from '../../i18n';
import { fmtNum } from '../../shared/format';
import { toPercent, type EditNode } from './treeOps';

/** Saaty's 1–9 scale and its reciprocals. */
const SCALE = [9, 8, 7, 6, 5, 4, 3, 2, 1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6, 1 / 7, 1 / 8, 1 / 9];
const label = (v: number) => (v >= 1 ? String(v) : `1/${Math.round(1 / v)}`);

interface Props {
  open: boolean;
  name: string;
  nodes: EditNode[];
  editable: boolean;
  onClose: () => void;
  onApply: (weights: number[]) => void;
}

/** Pairwise comparison of a node's children; shows AHP weights and CR, and applies them. */
export function AhpModal({ open, name, nodes, editable, onClose, onApply }: Props) {
  const { t, i18n } = useTranslation('plans');
  const n = nodes.length;
  const [m, setM] = useState<number[][]>([]);
  const keys = nodes.map((x) => x.key).join(',');
  useEffect(() => {
    if (open) setM(Array.from({ length: n }, () => Array.from({ length: n }, () => 1)));
    // A new set of children starts from "all equally important".
  }, [open, keys, n]);

  const result = useMemo(() => {
    if (n < 2 || m.length !== n) return null;
    try {
      return { ok: ahpWeights(m) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [m, n]);
  const percent = result?.ok ? toPercent(result.ok.weights) : [];

  const set = (i: number, j: number, v: number) =>
    setM((prev) =>
      prev.map((row, r) => row.map((x, c) => (r === i && c === j ? v : r === j && c === i ? 1 / v : x))),
    );

  const columns = [
    {
      title: '',
      key: 'row',
      fixed: 'left' as const,
      render: (_: unknown, __: EditNode, i: number) => (
        <Typography.Text strong>
          {pick(i18n.language, nodes[i].name, nodes[i].nameEn) || nodes[i].code}
        </Typography.Text>
      ),
    },
    ...nodes.map((c, j) => ({
      title: c.code,
      key: c.key,
      render: (_: unknown, __: EditNode, i: number) =>
        i === j ? (
          '1'
        ) : i < j ? (
          <Select
            size="small"
            style={{ width: 72 }}
            value={m[i]?.[j] ?? 1}
            onChange={(v) => set(i, j, v)}
            options={SCALE.map((v) => ({ value: v, label: label(v) }))}
            data-testid={`ahp-${i}-${j}`}
          />
        ) : (
          <Typography.Text type="secondary">{label(m[i]?.[j] ?? 1)}</Typography.Text>
        ),
    })),
    {
      title: t('ahp.weights'),
      key: 'w',
      render: (_: unknown, __: EditNode, i: number) => (
        <strong>{percent[i] !== undefined ? fmtNum(percent[i]) : '—'}</strong>
      ),
    },
  ];

  const consistent = result?.ok ? result.ok.cr < CR_THRESHOLD : false;
  return (
    <Modal
      open={open}
      width={Math.min(240 + n * 90, 1100)}
      title={t('ahp.title', { name })}
      onCancel={onClose}
      okText={t('ahp.apply')}
      cancelText={t('console:common.cancel')}
      okButtonProps={{ disabled: !editable || !result?.ok || !consistent }}
      onOk={() => onApply(percent)}
      destroyOnHidden
    >
      {n < 2 ? (
        <Alert type="info" message={t('ahp.tooFew')} />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('ahp.intro')}</Typography.Paragraph>
          <Table<EditNode>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={nodes}
            columns={columns}
            scroll={{ x: true }}
          />
          {result?.ok && (
            <Alert
              style={{ marginTop: 12 }}
              type={consistent ? 'success' : 'error'}
              showIcon
              data-testid="ahp-cr"
              message={t('ahp.cr', { cr: fmtNum(result.ok.cr, 3) })}
              description={consistent ? t('ahp.crOk') : t('ahp.crBad')}
            />
          )}
          {result?.error && (
            <Alert style={{ marginTop: 12 }} type="error" message={`${t('ahp.invalid')}: ${result.error}`} />
          )}
        </>
      )}
    </Modal>
  );
}
