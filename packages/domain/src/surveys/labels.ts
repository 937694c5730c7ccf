/**
 * Labels of strata for reports: a published page shows 企业 · 北山区 · 农村, never the stored key
 * `business|bs|rural`. A stratum key joins the values of the survey's strata fields with `|`; each
 * value (and each field name) is labelled from, in order:
 *
 * 1. the questionnaire's `strataLabels` (the survey's own label source, versioned with it);
 * 2. the platform's org units, for a value that is an org unit code (districts, departments);
 * 3. a short dictionary of values common in public surveys (household, urban, rural, …);
 * 4. readable text made from the code itself (`respondentType` → "respondent type").
 */

/** A label in both languages. */
export interface LabelPair {
  label: string;
  labelEn: string;
}

/** The survey's own label source: per strata field, its label and its values' labels. */
export type StrataLabels = Record<
  string,
  {
    label?: string;
    labelEn?: string;
    values?: Record<string, { label: string; labelEn?: string }>;
  }
>;

/** Field names common in survey frames. */
export const COMMON_FIELD_LABELS: Record<string, LabelPair> = {
  respondentType: { label: '受访者类型', labelEn: 'respondent type' },
  district: { label: '区县', labelEn: 'district' },
  area: { label: '城乡', labelEn: 'area' },
  gender: { label: '性别', labelEn: 'gender' },
  sex: { label: '性别', labelEn: 'sex' },
  ageGroup: { label: '年龄组', labelEn: 'age group' },
  age: { label: '年龄', labelEn: 'age' },
  street: { label: '街道', labelEn: 'street' },
  township: { label: '乡镇', labelEn: 'township' },
  industry: { label: '行业', labelEn: 'industry' },
};

/** Values common in survey frames. */
export const COMMON_VALUE_LABELS: Record<string, LabelPair> = {
  household: { label: '居民户', labelEn: 'household' },
  resident: { label: '居民', labelEn: 'resident' },
  enterprise: { label: '企业', labelEn: 'enterprise' },
  business: { label: '个体工商户', labelEn: 'individual business' },
  urban: { label: '城镇', labelEn: 'urban' },
  rural: { label: '农村', labelEn: 'rural' },
  male: { label: '男', labelEn: 'male' },
  female: { label: '女', labelEn: 'female' },
  other: { label: '其他', labelEn: 'other' },
  unknown: { label: '不详', labelEn: 'unknown' },
};

/** Readable text from a code: camelCase, snake_case and kebab-case split into lower-case words. */
export function readableCode(code: string): string {
  const words = code
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words || code;
}

const pair = (text: string): LabelPair => ({ label: text, labelEn: text });

/** The label of one value of one field (see the module comment for the order of sources). */
export function valueLabel(
  field: string,
  value: string,
  sources: { definition?: StrataLabels | null; orgUnits?: Record<string, LabelPair> } = {},
): LabelPair {
  const own = sources.definition?.[field]?.values?.[value];
  if (own) return { label: own.label, labelEn: own.labelEn ?? own.label };
  const org = sources.orgUnits?.[value];
  if (org) return org;
  return COMMON_VALUE_LABELS[value] ?? pair(readableCode(value));
}

/** The label of a strata field. */
export function fieldLabel(field: string, definition?: StrataLabels | null): LabelPair {
  const own = definition?.[field];
  if (own?.label) return { label: own.label, labelEn: own.labelEn ?? own.label };
  return COMMON_FIELD_LABELS[field] ?? pair(readableCode(field));
}

/**
 * Labels of every strata field and every stratum key: a key's label joins its values' labels with
 * ` · ` (a key with more or fewer parts than fields still gets one label per part).
 */
export function labelStrata(
  fields: string[],
  strata: Iterable<string>,
  sources: { definition?: StrataLabels | null; orgUnits?: Record<string, LabelPair> } = {},
): { fields: Record<string, LabelPair>; strata: Record<string, LabelPair> } {
  const out = {
    fields: Object.fromEntries(fields.map((f) => [f, fieldLabel(f, sources.definition)])),
    strata: {} as Record<string, LabelPair>,
  };
  for (const key of strata) {
    const parts = key.split('|').map((v, k) => valueLabel(fields[k] ?? '', v, sources));
    out.strata[key] = {
      label: parts.map((p) => p.label).join(' · '),
      labelEn: parts.map((p) => p.labelEn).join(' · '),
    };
  }
  return out;
}
