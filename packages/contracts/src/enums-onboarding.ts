/** What an org import loads: the unit tree, leading cadres, user accounts with roles. */
export const IMPORT_KINDS = ['units', 'people', 'accounts'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
/** What the import does with one row. */
export const IMPORT_ROW_ACTIONS = ['create', 'update', 'unchanged', 'error'] as const;
export type ImportRowAction = (typeof IMPORT_ROW_ACTIONS)[number];
