import type { FormInstance } from 'antd';
import { ApiError } from '../shared/api';

/** Puts an API error's `details[]` on the matching form fields; returns the details no field took. */
export function applyFieldErrors(form: FormInstance, err: unknown, fields: string[]): string[] {
  if (!(err instanceof ApiError)) return [(err as Error).message];
  const rest: string[] = [];
  const set: { name: (string | number)[]; errors: string[] }[] = [];
  for (const d of err.details) {
    const name = d.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    if (fields.includes(String(name[0]))) set.push({ name, errors: [d.message] });
    else rest.push(d.path ? `${d.path}: ${d.message}` : d.message);
  }
  form.setFields(set);
  if (set.length === 0 && rest.length === 0) rest.push(err.message);
  return rest;
}

/** One line for a toast: the message plus any details. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const d = err.details.map((x) => (x.path ? `${x.path}: ${x.message}` : x.message)).join('; ');
    return d ? `${err.message} (${d})` : err.message;
  }
  return (err as Error)?.message ?? String(err);
}
