import type { ScoringRule } from './rules';

/**
 * The formula a scoring rule applies, in words (zh-CN and en), with its parameters: what a result's
 * explanation shows next to each input (the regulations state the same rules in general).
 */
export function ruleFormula(rule: ScoringRule): { zh: string; en: string } {
  const cap = 'cap' in rule && rule.cap !== undefined ? rule.cap : 1;
  const max = 100 * cap;
  switch (rule.type) {
    case 'linear':
      return {
        zh: `线性：(实际值 − ${rule.baseline}) ÷ (${rule.target} − ${rule.baseline}) × 100，限定在 [0, ${max}]`,
        en: `linear: (actual − ${rule.baseline}) ÷ (${rule.target} − ${rule.baseline}) × 100, clamped to [0, ${max}]`,
      };
    case 'ratio':
      return rule.direction === 'higher'
        ? {
            zh: `比率：实际值 ÷ ${rule.target} × 100，限定在 [0, ${max}]`,
            en: `ratio: actual ÷ ${rule.target} × 100, clamped to [0, ${max}]`,
          }
        : {
            zh: `比率（越低越好）：${rule.target} ÷ 实际值 × 100，实际值 ≤ 0 得 ${max}，限定在 [0, ${max}]`,
            en: `ratio (lower is better): ${rule.target} ÷ actual × 100, ${max} for an actual ≤ 0, clamped to [0, ${max}]`,
          };
    case 'banded': {
      const band = (b: { min?: number; max?: number; points: number }) =>
        `[${b.min ?? '−∞'}, ${b.max ?? '∞'}] → ${b.points}`;
      const list = rule.bands.map(band).join('; ');
      return {
        zh: `分档（含端点，取第一个符合的档位，否则 0）：${list}`,
        en: `banded (limits inclusive, first matching band, else 0): ${list}`,
      };
    }
    case 'passFail':
      return rule.passWhen === 'zero'
        ? { zh: '约束性：实际值为 0 得 100，否则 0', en: 'pass/fail: 100 if the actual is 0, else 0' }
        : { zh: '约束性：实际值不为 0 得 100，否则 0', en: 'pass/fail: 100 if the actual is not 0, else 0' };
    case 'rating':
      return {
        zh: '评分：实际值即得分率，限定在 [0, 100]',
        en: 'rating: the actual is the attainment, clamped to [0, 100]',
      };
    case 'perUnit':
      return {
        zh: `按件：实际值 × ${rule.points} 分，封顶于权重`,
        en: `per unit: actual × ${rule.points} points, capped at the weight`,
      };
  }
}
