import type { TFunction } from 'i18next';
import { fmtNum } from '../../shared/format';
import type { ScoringRule } from '../../shared/tree';

/** One short line describing a scoring rule, for the tree-table. */
export function ruleSummary(t: TFunction, rule: ScoringRule | undefined): string {
  if (!rule) return '';
  const name = t(`common:ruleShort.${rule.type}`);
  switch (rule.type) {
    case 'linear':
      return `${name}: ${fmtNum(rule.baseline)} → ${fmtNum(rule.target)}${rule.cap ? ` ×${rule.cap}` : ''}`;
    case 'ratio':
      return `${name}: ${fmtNum(rule.target)}${rule.cap ? ` ×${rule.cap}` : ''}`;
    case 'banded':
      return `${name}: ${rule.bands.length}`;
    case 'perUnit':
      return `${name}: ${fmtNum(rule.points)}`;
    default:
      return name;
  }
}
