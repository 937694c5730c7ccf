import type { BuildOptions } from 'esbuild';

/** The repository's root. */
export const root: string;
/** esbuild options every server build uses; the caller adds entry points and output paths. */
export function serverBuildOptions(): BuildOptions;
