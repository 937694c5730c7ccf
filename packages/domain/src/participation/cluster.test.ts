import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clusterTexts } from './cluster';

describe('clusterTexts', () => {
  const items = [
    { id: 'n1', text: '希望增加公交线路' },
    { id: 'n2', text: '建议增加公交线路！' },
    { id: 'n3', text: '办证排队时间太长' },
    { id: 'n4', text: '排队时间太长了' },
    { id: 'n5', text: '公园路灯不亮' },
    { id: 'n6', text: '增加公交线路和班次' },
  ];
  it('worked example: bigram Jaccard groups the same need phrased differently', () => {
    // n1 {希望,望增,增加,加公,公交,交线,线路} vs n2 {建议,议增,增加,加公,公交,交线,线路}: 5 shared of 9 → 0.556
    // n3 {办证,证排,排队,队时,时间,间太,太长} vs n4 {排队,队时,时间,间太,太长,长了}: 5 of 8 → 0.625
    // n6 {增加,加公,公交,交线,线路,路和,和班,班次} vs n1: 5 of 10 → 0.5
    const c = clusterTexts(items);
    expect(c.map((x) => x.memberIds)).toEqual([['n1', 'n2', 'n6'], ['n3', 'n4'], ['n5']]);
    expect(c[1].size).toBe(2);
    expect(c[2].representativeId).toBe('n5');
    // n1: mean(0.556, 0.5) = 0.528; n2: mean(0.556, 5/10 = 0.5) = 0.528; n6: 0.5 → earliest tie n1
    expect(c[0].representativeId).toBe('n1');
  });
  it('a high threshold separates everything', () => {
    expect(clusterTexts(items, { threshold: 0.99 })).toHaveLength(6);
  });
  it('property: clusters partition the items, and the grouping does not depend on input order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('公交线路', '增加公交', '路灯不亮', '路灯坏了', '排队太长', '排队时间'), {
          minLength: 1,
          maxLength: 12,
        }),
        (texts) => {
          const its = texts.map((text, i) => ({ id: `t${i}`, text }));
          const a = clusterTexts(its);
          const b = clusterTexts([...its].reverse());
          const norm = (cs: { memberIds: string[] }[]) =>
            cs
              .map((c) => [...c.memberIds].sort().join(','))
              .sort()
              .join('|');
          const ids = a.flatMap((c) => c.memberIds);
          return ids.length === its.length && new Set(ids).size === its.length && norm(a) === norm(b);
        },
      ),
    );
  });
});
