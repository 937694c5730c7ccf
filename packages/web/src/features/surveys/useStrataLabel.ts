import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { labelStrata } from '@perfcommons/domain';
import { useOrgs } from '../../console/queries';
import { pick } from '../../i18n';

/**
 * The label of a stratum key (`bs|urban` → 北山区 · 城镇) in the UI language: the domain's labels of common
 * values, district codes named after their unit. The key itself when nothing better is known.
 */
export function useStrataLabel(fields: string[]): (key: string) => string {
  const { i18n } = useTranslation();
  const orgs = useOrgs();
  const orgUnits = useMemo(
    () =>
      Object.fromEntries(
        (orgs.data ?? []).map((o) => [o.code, { label: o.name, labelEn: o.nameEn ?? o.name }]),
      ),
    [orgs.data],
  );
  return (key: string) => {
    const l = labelStrata(fields, [key], { orgUnits }).strata[key];
    return l ? pick(i18n.language, l.label, l.labelEn) : key;
  };
}
