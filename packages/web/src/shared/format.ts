/** Small formatting helpers shared by portal and console. */

export function fmtNum(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return String(Number(Number(n).toFixed(digits)));
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.slice(0, 10);
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').slice(0, 19);
}

export const GRADE_COLORS: Record<string, string> = {
  // Dark enough for white text on a tag (WCAG AA, at least 4.5:1).
  excellent: '#2f7d32',
  good: '#1d4f7a',
  qualified: '#595959',
  basically_qualified: '#ad6800',
  unqualified: '#cf1322',
};

/** Label of a peer group code, the code itself when unknown. */
export function peerGroupLabel(
  t: (k: string, o: { defaultValue: string }) => string,
  g: string | null | undefined,
): string {
  if (!g) return '—';
  return t(`common:peerGroup.${g}`, { defaultValue: g });
}
