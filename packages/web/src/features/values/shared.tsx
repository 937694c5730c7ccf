import { Select, Space, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { CycleSelect, useCycleParam } from '../../console/CycleSelect';
import { usePlans } from '../../console/queries';
import { pick } from '../../i18n';
import { api } from '../../shared/api';
import type { IndicatorNode } from '../../shared/tree';
import type { Items, PlanDetailReply, PlanValue } from '@perfcommons/contracts';

export const VALUE_COLORS: Record<string, string> = { reported: 'gold', verified: 'green', rejected: 'red' };

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={VALUE_COLORS[status]}>{t(`valueStatus.${status}`, { defaultValue: status })}</Tag>;
}

/** Leaves of a plan's tree (the indicators that take values). */
export function leavesOf(tree: IndicatorNode[]): IndicatorNode[] {
  const out: IndicatorNode[] = [];
  const walk = (ns: IndicatorNode[]) =>
    ns.forEach((n) => (n.children?.length ? walk(n.children) : out.push(n)));
  walk(tree);
  return out;
}

export function usePlanDetail(id: string | undefined) {
  return useQuery({
    queryKey: ['plan', id],
    enabled: !!id,
    queryFn: () => api.get<PlanDetailReply>(`/api/plans/${id}`),
  });
}

export function usePlanValues(id: string | undefined) {
  return useQuery({
    queryKey: ['values', id],
    enabled: !!id,
    queryFn: () => api.get<Items<PlanValue>>(`/api/plans/${id}/values`).then((r) => r.items),
  });
}

/** Cycle and plan pickers; choosing a plan navigates to `toPath(planId)` keeping the cycle. */
export function PlanPicker({ planId, toPath }: { planId?: string; toPath: (id: string) => string }) {
  const { t, i18n } = useTranslation('values');
  const navigate = useNavigate();
  const { cycle, setCycleId } = useCycleParam();
  const plans = usePlans(cycle?.id);
  return (
    <Space wrap>
      <CycleSelect value={cycle?.id} onChange={setCycleId} />
      <Select
        showSearch
        optionFilterProp="label"
        style={{ minWidth: 320 }}
        placeholder={t('selectPlan')}
        aria-label={t('selectPlan')}
        value={planId}
        loading={plans.isLoading}
        data-testid="plan-select"
        onChange={(id) => {
          const path = toPath(id);
          navigate(`${path}${path.includes('?') ? '&' : '?'}cycleId=${cycle?.id ?? ''}`);
        }}
        options={(plans.data ?? []).map((p) => ({
          value: p.id,
          label: `${pick(i18n.language, p.title, p.titleEn)} · ${t(`common:planStatus.${p.status}`)}`,
        }))}
      />
    </Space>
  );
}
