import { describe, expect, it } from 'vitest';
import { keywordCounts, segmentChinese } from './text';

describe('segmentChinese and keywordCounts', () => {
  it('segments words with Intl.Segmenter and drops punctuation', () => {
    const t = segmentChinese('政府服务热线的回复速度，希望改进！');
    expect(t).toContain('政府');
    expect(t).toContain('回复');
    expect(t).not.toContain('，');
    expect(t).not.toContain('！');
  });
  it('falls back to character bigrams', () => {
    expect(segmentChinese('排队太长！OK', { useSegmenter: false })).toEqual(['排队', '队太', '太长', 'ok']);
  });
  it('counts keywords across answers, dropping stopwords like 的 了 是', () => {
    const k = keywordCounts(['办事效率太低，排队时间长', '排队的时间太长了', '是窗口服务态度好'], { top: 3 });
    expect(
      k
        .slice(0, 2)
        .map((x) => x.word)
        .sort(),
    ).toEqual(['排队', '时间']);
    expect(k[0]).toMatchObject({ count: 2, documents: 2 });
    expect(k).toHaveLength(3);
    const all = keywordCounts(['排队的时间太长了', '是窗口服务'], { top: 100 }).map((x) => x.word);
    expect(all).not.toContain('的');
    expect(all).not.toContain('了');
    expect(all).not.toContain('是');
  });
  it('bigram fallback counts the shared bigram', () => {
    const k = keywordCounts(['排队久', '又排队'], { useSegmenter: false, top: 1 });
    expect(k[0]).toEqual({ word: '排队', count: 2, documents: 2 });
  });
});
