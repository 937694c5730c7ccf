import {
  Alert,
  Button,
  Divider,
  Drawer,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { SCORING_RULE_TYPES as RULE_TYPES, SUBJECT_TYPES, sumsTo100 } from '@perfcommons/domain';
import { pick } from '../../i18n';
import { fmtNum } from '../../shared/format';
import type { ScoringRule, SubjectWeight } from '../../shared/tree';
import type { EditNode } from './treeOps';
import { RubricEditor } from '../indicators/RubricEditor';
import { RubricView } from '../indicators/RubricView';
import { TargetAid } from '../indicators/TargetAid';
import './design-i18n';

const SUBJECTS = SUBJECT_TYPES;

/** A fresh rule of a type, carrying over what the node already knows (target, baseline, direction). */
function defaultRule(type: ScoringRule['type'], n: EditNode): ScoringRule {
  const direction = n.direction ?? 'higher';
  switch (type) {
    case 'linear':
      return { type, baseline: n.baseline ?? 0, target: n.target ?? 100, direction };
    case 'ratio':
      return { type, target: n.target ?? 100, direction };
    case 'banded':
      return { type, bands: [{ min: n.target ?? 0, points: 100 }, { points: 0 }] };
    case 'passFail':
      return { type, passWhen: 'nonzero' };
    case 'perUnit':
      return { type, points: 1 };
    default:
      return { type: 'rating' };
  }
}

interface Props {
  node: EditNode | undefined;
  /** The plan, for the target-setting aid of the performance database. */
  planId?: string;
  /** Whether the node is stored as shown (no unsaved edits). */
  saved?: boolean;
  editable: boolean;
  problems: string[];
  onClose: () => void;
  onChange: (patch: Partial<EditNode>) => void;
}

/** Scoring rule, evaluation subjects and veto of one leaf. */
export function LeafDrawer({ node, planId, saved, editable, problems, onClose, onChange }: Props) {
  const { t, i18n } = useTranslation('plans');
  const rule = node?.rule;
  const setRule = (r: ScoringRule | undefined) => {
    if (!node) return;
    const p: Partial<EditNode> = { rule: r };
    // Keep the node's own target/baseline/direction in step with the rule (the portal shows them).
    if (r && (r.type === 'linear' || r.type === 'ratio')) {
      p.target = r.target;
      p.direction = r.direction;
    }
    if (r?.type === 'linear') p.baseline = r.baseline;
    onChange(p);
  };
  const patchRule = (p: Record<string, unknown>) => rule && setRule({ ...rule, ...p } as ScoringRule);
  /** Baseline, target and direction are edited once, with the node: a linear or ratio rule takes them too. */
  const setShared = (
    field: 'baseline' | 'target' | 'direction',
    v: number | 'higher' | 'lower' | undefined,
  ) => {
    const inRule =
      (rule?.type === 'linear' || rule?.type === 'ratio') && (field !== 'baseline' || rule.type === 'linear');
    if (inRule) patchRule({ [field]: v ?? (field === 'direction' ? 'higher' : 0) });
    else onChange({ [field]: v });
  };
  const subjects = node?.subjects ?? [];
  const setSubjects = (s: SubjectWeight[]) => onChange({ subjects: s.length ? s : undefined });
  const subjectSum = subjects.reduce((a, s) => a + (s.weight || 0), 0);
  const num = (v: number | null) => (typeof v === 'number' ? v : undefined);

  return (
    <Drawer
      open={!!node}
      width={560}
      onClose={onClose}
      title={node ? t('leaf.title', { name: pick(i18n.language, node.name, node.nameEn) || node.code }) : ''}
      extra={
        <Button type="primary" onClick={onClose}>
          {t('leaf.close')}
        </Button>
      }
      data-testid="leaf-drawer"
    >
      {node && (
        <Form layout="vertical" disabled={!editable} size="small">
          {problems.map((p, i) => (
            <Alert key={i} type="error" showIcon message={p} style={{ marginBottom: 8 }} />
          ))}
          <Typography.Title level={5}>{t('leaf.basics')}</Typography.Title>
          <Space wrap>
            <Form.Item label={t('leaf.unit')} htmlFor="leaf-f-unit">
              <Input
                id="leaf-f-unit"
                value={node.unit ?? ''}
                style={{ width: 100 }}
                data-testid="leaf-unit"
                onChange={(e) => onChange({ unit: e.target.value })}
              />
            </Form.Item>
            <Form.Item label={t('leaf.dataSource')} htmlFor="leaf-f-source">
              <Input
                id="leaf-f-source"
                value={node.dataSource ?? ''}
                style={{ width: 220 }}
                onChange={(e) => onChange({ dataSource: e.target.value })}
              />
            </Form.Item>
          </Space>
          <Form.Item
            label={t('planDesign:leafDefinition')}
            extra={t('planDesign:leafDefinitionHelp')}
            htmlFor="leaf-f-definition"
          >
            <Input.TextArea
              id="leaf-f-definition"
              rows={2}
              maxLength={2000}
              value={node.definition ?? ''}
              data-testid="leaf-definition"
              onChange={(e) => onChange({ definition: e.target.value })}
            />
          </Form.Item>
          <Space wrap>
            <Form.Item label={t('leaf.baseline')} htmlFor="leaf-f-baseline">
              <InputNumber
                id="leaf-f-baseline"
                value={node.baseline}
                onChange={(v) => setShared('baseline', num(v))}
                data-testid="leaf-baseline"
              />
            </Form.Item>
            <Form.Item label={t('leaf.target')} htmlFor="leaf-f-target">
              <InputNumber
                id="leaf-f-target"
                value={node.target}
                onChange={(v) => setShared('target', num(v))}
                data-testid="leaf-target"
              />
            </Form.Item>
            <Form.Item label={t('leaf.direction')} htmlFor="leaf-f-direction">
              <Select
                id="leaf-f-direction"
                style={{ width: 130 }}
                allowClear
                value={node.direction}
                onChange={(v) => setShared('direction', v)}
                options={[
                  { value: 'higher', label: t('common:misc.higher') },
                  { value: 'lower', label: t('common:misc.lower') },
                ]}
              />
            </Form.Item>
          </Space>
          <Form.Item label={t('leaf.plausible')}>
            <Space>
              <InputNumber
                placeholder={t('leaf.min')}
                aria-label={`${t('leaf.plausible')} ${t('leaf.min')}`}
                value={node.plausibleMin}
                onChange={(v) => onChange({ plausibleMin: num(v) })}
              />
              <InputNumber
                placeholder={t('leaf.max')}
                aria-label={`${t('leaf.plausible')} ${t('leaf.max')}`}
                value={node.plausibleMax}
                onChange={(v) => onChange({ plausibleMax: num(v) })}
              />
            </Space>
          </Form.Item>

          <Divider />
          <Typography.Title level={5}>{t('editor.rule')}</Typography.Title>
          <Form.Item label={t('leaf.ruleType')} htmlFor="leaf-f-rule">
            <Select
              id="leaf-f-rule"
              data-testid="rule-type"
              value={rule?.type ?? ''}
              onChange={(v) => setRule(v ? defaultRule(v as ScoringRule['type'], node) : undefined)}
              options={[
                { value: '', label: t('leaf.none') },
                ...RULE_TYPES.map((r) => ({ value: r, label: t(`common:ruleType.${r}`) })),
              ]}
            />
          </Form.Item>
          {(rule?.type === 'linear' || rule?.type === 'ratio') && (
            <Space wrap>
              <Form.Item label={t('leaf.cap')} htmlFor="leaf-f-cap">
                <InputNumber
                  id="leaf-f-cap"
                  min={1}
                  max={2}
                  step={0.1}
                  value={rule.cap}
                  onChange={(v) => patchRule({ cap: num(v) })}
                />
              </Form.Item>
            </Space>
          )}
          {rule?.type === 'banded' && (
            <Form.Item label={t('leaf.bands')}>
              {rule.bands.map((b, i) => (
                <Space key={i} style={{ marginBottom: 6 }}>
                  <InputNumber
                    placeholder={t('leaf.bandMin')}
                    value={b.min}
                    onChange={(v) =>
                      patchRule({ bands: rule.bands.map((x, k) => (k === i ? { ...x, min: num(v) } : x)) })
                    }
                  />
                  <InputNumber
                    placeholder={t('leaf.bandMax')}
                    value={b.max}
                    onChange={(v) =>
                      patchRule({ bands: rule.bands.map((x, k) => (k === i ? { ...x, max: num(v) } : x)) })
                    }
                  />
                  <InputNumber
                    placeholder={t('leaf.bandPoints')}
                    min={0}
                    max={200}
                    value={b.points}
                    onChange={(v) =>
                      patchRule({ bands: rule.bands.map((x, k) => (k === i ? { ...x, points: v ?? 0 } : x)) })
                    }
                  />
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('console:common.delete')}
                    disabled={rule.bands.length <= 1}
                    onClick={() => patchRule({ bands: rule.bands.filter((_, k) => k !== i) })}
                  />
                </Space>
              ))}
              <div>
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => patchRule({ bands: [...rule.bands, { points: 0 }] })}
                >
                  {t('leaf.addBand')}
                </Button>
              </div>
            </Form.Item>
          )}
          {rule?.type === 'passFail' && (
            <Form.Item label={t('leaf.passWhen')}>
              <Radio.Group value={rule.passWhen} onChange={(e) => patchRule({ passWhen: e.target.value })}>
                <Space direction="vertical">
                  <Radio value="nonzero">{t('leaf.passNonzero')}</Radio>
                  <Radio value="zero">{t('leaf.passZero')}</Radio>
                </Space>
              </Radio.Group>
            </Form.Item>
          )}
          {rule?.type === 'perUnit' && (
            <Form.Item label={t('leaf.points')} htmlFor="leaf-f-points">
              <InputNumber
                id="leaf-f-points"
                min={0}
                value={rule.points}
                onChange={(v) => patchRule({ points: v ?? 0 })}
              />
            </Form.Item>
          )}

          <Divider />
          <Typography.Title level={5}>{t('leaf.subjects')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('leaf.subjectsHint')}</Typography.Paragraph>
          {subjects.map((s, i) => (
            <Space key={i} style={{ marginBottom: 6 }}>
              <Select
                style={{ width: 180 }}
                value={s.type}
                aria-label={`${t('leaf.subjects')} ${i + 1}`}
                data-testid={`subject-type-${i}`}
                onChange={(v) => setSubjects(subjects.map((x, k) => (k === i ? { ...x, type: v } : x)))}
                options={SUBJECTS.map((v) => ({ value: v, label: t(`common:subject.${v}`) }))}
              />
              <InputNumber
                min={0}
                max={100}
                value={s.weight}
                addonAfter="%"
                aria-label={`${t('leaf.subjects')} ${i + 1} %`}
                data-testid={`subject-weight-${i}`}
                onChange={(v) =>
                  setSubjects(subjects.map((x, k) => (k === i ? { ...x, weight: v ?? 0 } : x)))
                }
              />
              <Button
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('console:common.delete')}
                onClick={() => setSubjects(subjects.filter((_, k) => k !== i))}
              />
            </Space>
          ))}
          <Space>
            <Button
              icon={<PlusOutlined />}
              data-testid="subject-add"
              onClick={() =>
                setSubjects([
                  ...subjects,
                  { type: SUBJECTS.find((v) => !subjects.some((s) => s.type === v)) ?? 'public', weight: 0 },
                ])
              }
            >
              {t('leaf.addSubject')}
            </Button>
            {subjects.length > 0 && (
              <span className={sumsTo100(subjectSum) ? 'pc-sum-ok' : 'pc-sum-bad'}>
                {t('leaf.subjectSum', { sum: fmtNum(subjectSum) })}
              </span>
            )}
          </Space>

          <Divider />
          <Form.Item label={t('leaf.veto')}>
            <Radio.Group
              value={node.veto?.mode ?? ''}
              onChange={(e) => onChange({ veto: e.target.value ? { mode: e.target.value } : undefined })}
            >
              <Space direction="vertical">
                <Radio value="">{t('leaf.vetoNone')}</Radio>
                <Radio value="unqualified">{t('leaf.vetoUnqualified')}</Radio>
                <Radio value="downOne">{t('leaf.vetoDownOne')}</Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
        </Form>
      )}
      {node && !node.children?.length && (
        <>
          <Divider />
          {node.library && (
            <Typography.Paragraph type="secondary" data-testid="leaf-library">
              {t('indicators:libraryRef', node.library)}
            </Typography.Paragraph>
          )}
          {editable && rule?.type === 'rating' ? (
            <RubricEditor value={node.rubric} onChange={(rubric) => onChange({ rubric })} />
          ) : (
            <RubricView rubric={node.rubric} />
          )}
          {planId && (node.kind ?? 'normal') === 'normal' && rule?.type !== 'rating' && (
            <>
              <Typography.Title level={5}>{t('indicators:aid.title')}</Typography.Title>
              <TargetAid
                planId={planId}
                code={node.code}
                saved={!!saved}
                editable={editable}
                onUseTarget={(v) =>
                  rule && (rule.type === 'linear' || rule.type === 'ratio')
                    ? setRule({ ...rule, target: v })
                    : onChange({ target: v })
                }
              />
            </>
          )}
        </>
      )}
    </Drawer>
  );
}
