import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { pick } from '../i18n';
import type { Cycle } from '@perfcommons/contracts';
import { defaultCycle, useCycles } from './queries';

/** The cycle chosen in `?cycleId=`, defaulting to the current one. */
export function useCycleParam(prefer?: (c: Cycle) => boolean) {
  const cycles = useCycles();
  const [params, setParams] = useSearchParams();
  const fromUrl = params.get('cycleId') ?? undefined;
  const preferred = prefer ? cycles.data?.filter(prefer) : undefined;
  const cycle =
    cycles.data?.find((c) => c.id === fromUrl) ?? defaultCycle(preferred?.length ? preferred : cycles.data);
  const setCycleId = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('cycleId', id);
    setParams(next, { replace: true });
  };
  return { cycles, cycle, setCycleId };
}

export function CycleSelect({ value, onChange }: { value?: string; onChange: (id: string) => void }) {
  const { t, i18n } = useTranslation('console');
  const cycles = useCycles();
  return (
    <Select
      style={{ minWidth: 240 }}
      placeholder={t('common.selectCycle')}
      aria-label={t('common.selectCycle')}
      value={value}
      onChange={onChange}
      loading={cycles.isLoading}
      data-testid="cycle-select"
      options={(cycles.data ?? [])
        .slice()
        .sort((a, b) => b.periodStart.localeCompare(a.periodStart))
        .map((c) => ({
          value: c.id,
          label: `${pick(i18n.language, c.name, c.nameEn)} · ${t(`common:stage.${c.stage}`)}`,
        }))}
    />
  );
}
