/**
 * Hands the latest of a stream of values to `write` at most once every `ms` milliseconds; the last
 * value is always written, unless `cancel` drops it first (the values are no longer wanted).
 */
export function throttleLatest<T>(ms: number, write: (value: T) => void) {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  let latest: T | null = null;
  const flush = () => {
    timer = undefined;
    if (!latest) return;
    const value = latest;
    latest = null;
    last = Date.now();
    write(value);
  };
  return {
    push(value: T) {
      latest = value;
      if (!timer) timer = setTimeout(flush, Math.max(0, ms - (Date.now() - last)));
    },
    cancel() {
      clearTimeout(timer);
      latest = null;
    },
  };
}
