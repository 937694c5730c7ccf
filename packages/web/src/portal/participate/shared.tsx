import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../../i18n';
import type { Cycle, Items, OrgUnit } from '@perfcommons/contracts';
import { useApi } from '../useApi';
import { errMsg } from './session';

/** A form action with pending state and an inline error. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(errMsg(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function Problem({ text }: { text: string | null }) {
  const { t } = useTranslation('participate');
  if (!text) return null;
  return (
    <p className="pc-error pp-problem" role="alert">
      {t('misc.failed', { msg: text })}
    </p>
  );
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="pp-field">
      <span>{label}</span>
      {children}
    </label>
  );
}

/** Cycles filtered by stage, as a select. */
export function CyclePicker({
  stages,
  value,
  onChange,
}: {
  stages?: string[];
  value: string;
  onChange: (id: string) => void;
}) {
  const { t, i18n } = useTranslation('participate');
  const cycles = useApi<Items<Cycle>>('/api/public/cycles');
  const list = (cycles.data?.items ?? []).filter((c) => !stages || stages.includes(c.stage));
  const first = list[0]?.id;
  useEffect(() => {
    if (!value && first) onChange(first);
  }, [value, first, onChange]);
  return (
    <Field label={t('needs.cycle')}>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="pp-cycle">
        {list.map((c) => (
          <option key={c.id} value={c.id}>
            {pick(i18n.language, c.name, c.nameEn)} · {t(`common:stage.${c.stage}`)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Departments and districts, as a select. */
export function UnitPicker({
  value,
  onChange,
  label,
  allowEmpty,
  testId = 'pp-unit',
}: {
  value: string;
  onChange: (id: string) => void;
  label?: string;
  allowEmpty?: boolean;
  testId?: string;
}) {
  const { t, i18n } = useTranslation('participate');
  const orgs = useApi<Items<OrgUnit>>('/api/public/orgs');
  const list = (orgs.data?.items ?? []).filter((o) => o.kind !== 'government' && o.code !== 'po');
  return (
    <Field label={label ?? t('needs.unit')}>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{allowEmpty ? '—' : t('misc.select')}</option>
        {list.map((o) => (
          <option key={o.id} value={o.id} data-code={o.code}>
            {pick(i18n.language, o.name, o.nameEn)}
          </option>
        ))}
      </select>
    </Field>
  );
}

export const pct = (x: number) => `${Math.round(x * 100)}%`;
