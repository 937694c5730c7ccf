import type {
  IndicatorDetailReply,
  IndicatorEntry,
  IndicatorListReply,
  RubricBand,
} from '@perfcommons/contracts';
import type { EditNode } from '../plans/treeOps';

export type { IndicatorDetailReply, IndicatorEntry, RubricBand };
/** `GET /api/indicators`: the library with how many plans use each entry. */
export type IndicatorList = IndicatorListReply;
export type ListedIndicator = IndicatorListReply['items'][number];

/**
 * A new leaf pre-filled from a library entry: definition, unit, data source, polarity, its rule
 * template (baseline and target carried onto the node), rated leaves' rubric, and the library reference.
 */
export function leafFromEntry(e: IndicatorEntry): Partial<EditNode> {
  const rule = e.ruleTemplate ?? undefined;
  const p: Partial<EditNode> = {
    name: e.name,
    nameEn: e.nameEn ?? undefined,
    definition: e.definition,
    unit: e.unit ?? undefined,
    dataSource: e.dataSource ?? undefined,
    direction: e.polarity,
    weight: Math.round((e.weightMin + e.weightMax) / 2),
    rule,
    library: { code: e.code, version: e.version },
  };
  if (rule?.type === 'linear') {
    p.baseline = rule.baseline;
    p.target = rule.target;
  } else if (rule?.type === 'ratio') p.target = rule.target;
  if (e.measure === 'qualitative') {
    p.subjects = [{ type: 'superior', weight: 100 }];
    if (e.rubric) p.rubric = e.rubric;
  } else p.subjects = [{ type: 'data', weight: 100 }];
  return p;
}
