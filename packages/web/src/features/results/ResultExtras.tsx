import { Progress, Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { fmtNum } from '../../shared/format';
import { pick } from '../../i18n';
import type {
  AppliedConsequence,
  MissingItem,
  RankSensitivity,
  ResultItem as Result,
} from '@perfcommons/contracts';

const CONSEQUENCE_COLORS: Record<string, string> = {
  commendation: 'green',
  promotion_eligible: 'cyan',
  bonus_coefficient: 'blue',
  admonishment: 'orange',
  improvement_plan: 'gold',
  accountability_review: 'red',
};

/** One consequence as a label, with its value (e.g. the bonus coefficient ×1.2). */
export function consequenceLabel(t: (k: string) => string, c: AppliedConsequence): string {
  const label = t(`common:consequence.${c.kind}`);
  return typeof c.value === 'number' ? `${label} ×${fmtNum(c.value)}` : label;
}

export function ConsequenceTags({ items }: { items?: AppliedConsequence[] }) {
  const { t } = useTranslation('results');
  if (!items?.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={[2, 4]} wrap data-testid="consequences">
      {items.map((c) => (
        <Tooltip key={c.kind} title={c.reason}>
          <Tag color={CONSEQUENCE_COLORS[c.kind]} style={{ marginInlineEnd: 0 }}>
            {consequenceLabel(t, c)}
          </Tag>
        </Tooltip>
      ))}
    </Space>
  );
}

/** Rank range under weight perturbation and how often the rank stayed put, as a small bar. */
export function SensitivityCell({ s }: { s?: RankSensitivity | null }) {
  const { t } = useTranslation('results');
  if (!s)
    return (
      <Tooltip title={t('sensitivity.none')}>
        <Typography.Text type="secondary">—</Typography.Text>
      </Tooltip>
    );
  const share = Math.round(s.sameRankShare * 100);
  const stable = s.rankMin === s.rankMax;
  const color = share >= 90 ? '#2f7d32' : share >= 60 ? '#d48806' : '#cf1322';
  return (
    <Tooltip title={t('sensitivity.tip', { min: s.rankMin, max: s.rankMax, share, base: s.baseRank })}>
      <div style={{ minWidth: 110 }} data-testid="sensitivity">
        <Typography.Text style={{ fontSize: 12 }}>
          {stable ? t('sensitivity.stable') : t('sensitivity.range', { min: s.rankMin, max: s.rankMax })}
        </Typography.Text>
        <Progress
          aria-label={t('sensitivityCol')}
          size={{ height: 5 }}
          percent={share}
          strokeColor={color}
          format={(p) => `${p}%`}
          style={{ margin: 0, fontSize: 11 }}
        />
      </div>
    </Tooltip>
  );
}

/** One missing input: its indicator and why it is missing. */
export function missingLabel(t: (k: string) => string, lang: string, m: MissingItem): string {
  const synthetic: Record<string, string> = { UNIT: t('drawer.unitName'), ANNUAL: t('drawer.annualName') };
  const name = synthetic[m.code] ?? (pick(lang, m.name, m.nameEn) || m.code);
  return `${m.code} ${name}（${t(`missingReason.${m.reason}`)}）`;
}

/** "Incomplete" in place of a grade, with what is missing on hover. */
export function IncompleteTag({ result }: { result: Pick<Result, 'missing'> }) {
  const { t, i18n } = useTranslation('results');
  const missing = result.missing ?? [];
  return (
    <Tooltip
      title={
        <div>
          <div>{t('incompleteTip', { n: missing.length })}</div>
          {missing.slice(0, 12).map((m, i) => (
            <div key={i}>{missingLabel(t, i18n.language, m)}</div>
          ))}
          {missing.length > 12 && <div>…</div>}
        </div>
      }
    >
      <Tag color="default" style={{ borderStyle: 'dashed' }} data-testid="result-incomplete">
        {t('incomplete')}
      </Tag>
    </Tooltip>
  );
}
