/**
 * Default stopwords for open-text answers: function words that carry no topic.
 * Single characters here are dropped; other single characters (路 road, 水 water) are kept.
 */
export const DEFAULT_ZH_STOPWORDS: readonly string[] = [
  '的',
  '了',
  '是',
  '在',
  '和',
  '与',
  '及',
  '也',
  '就',
  '都',
  '而',
  '着',
  '或',
  '把',
  '被',
  '让',
  '给',
  '对',
  '向',
  '从',
  '很',
  '太',
  '还',
  '又',
  '再',
  '吧',
  '吗',
  '呢',
  '啊',
  '呀',
  '哦',
  '嗯',
  '么',
  '我',
  '你',
  '他',
  '她',
  '它',
  '们',
  '这',
  '那',
  '有',
  '没',
  '不',
  '要',
  '会',
  '能',
  '可',
  '以',
  '之',
  '其',
  '我们',
  '你们',
  '他们',
  '这个',
  '那个',
  '一个',
  '没有',
  '可以',
  '就是',
  '但是',
  '因为',
  '所以',
  '如果',
  '还是',
  '已经',
  '非常',
  '比较',
  '希望',
  '建议',
  '觉得',
  '感觉',
  '一些',
  '什么',
  '怎么',
  '这样',
  '那样',
  'the',
  'a',
  'an',
  'and',
  'or',
  'of',
  'to',
  'in',
  'is',
  'are',
  'for',
  'on',
  'it',
  'be',
  'we',
  'i',
];

const HAN = /\p{Script=Han}/u;
const WORDLIKE = /^[\p{L}\p{N}]+$/u;

type SegmenterLike = { segment(s: string): Iterable<{ segment: string; isWordLike?: boolean }> };

function makeSegmenter(): SegmenterLike | null {
  const I = (globalThis as { Intl?: { Segmenter?: new (l: string, o: object) => SegmenterLike } }).Intl;
  if (!I?.Segmenter) return null;
  try {
    return new I.Segmenter('zh', { granularity: 'word' });
  } catch {
    return null;
  }
}

/** Character-bigram fallback: Han runs give overlapping bigrams (a lone char stays), other runs whole words. */
function bigramTokens(text: string): string[] {
  const out: string[] = [];
  const runs = text.toLowerCase().match(/\p{Script=Han}+|[\p{L}\p{N}]+/gu) ?? [];
  for (const run of runs) {
    if (HAN.test(run[0])) {
      const chars = [...run];
      if (chars.length === 1) out.push(run);
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    } else out.push(run);
  }
  return out;
}

/**
 * Split Chinese (or mixed) text into word tokens 中文分词: Intl.Segmenter('zh') word segmentation
 * keeping only word-like segments, or character bigrams where Intl.Segmenter is missing.
 * Punctuation and spaces are dropped; latin words are lower-cased. `useSegmenter: false`
 * forces the bigram fallback.
 */
export function segmentChinese(text: string, options: { useSegmenter?: boolean } = {}): string[] {
  const seg = options.useSegmenter === false ? null : makeSegmenter();
  if (!seg) return bigramTokens(text);
  const out: string[] = [];
  for (const s of seg.segment(text)) {
    const w = s.segment.trim().toLowerCase();
    if (w && (s.isWordLike ?? WORDLIKE.test(w)) && WORDLIKE.test(w)) out.push(w);
  }
  return out;
}

/** Options of {@link keywordCounts}. */
export interface KeywordOptions {
  /** Keep the top N keywords, default 20. */
  top?: number;
  /** Stopwords, default {@link DEFAULT_ZH_STOPWORDS}. */
  stopwords?: readonly string[];
  /** Passed to {@link segmentChinese}. */
  useSegmenter?: boolean;
}

/**
 * Keyword frequencies 关键词词频 over open-text answers, after segmentation and stopword removal
 * (pure numbers are dropped too). `documents` = answers mentioning the word at least once.
 * Sorted by count desc, then documents desc, then the word.
 */
export function keywordCounts(
  texts: string[],
  options: KeywordOptions = {},
): { word: string; count: number; documents: number }[] {
  const stop = new Set((options.stopwords ?? DEFAULT_ZH_STOPWORDS).map((s) => s.toLowerCase()));
  const count = new Map<string, number>();
  const docs = new Map<string, number>();
  for (const t of texts) {
    const seen = new Set<string>();
    for (const w of segmentChinese(t ?? '', { useSegmenter: options.useSegmenter })) {
      if (stop.has(w) || /^\p{N}+$/u.test(w)) continue;
      count.set(w, (count.get(w) ?? 0) + 1);
      if (!seen.has(w)) {
        seen.add(w);
        docs.set(w, (docs.get(w) ?? 0) + 1);
      }
    }
  }
  return [...count.entries()]
    .map(([word, c]) => ({ word, count: c, documents: docs.get(word)! }))
    .sort(
      (a, b) =>
        b.count - a.count || b.documents - a.documents || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0),
    )
    .slice(0, options.top ?? 20);
}
