/**
 * The indicator library 指标库: standard indicators the office maintains and plan editors pick from.
 * Every edit is a new version (old versions stay, so a plan node's code and version always resolve);
 * retiring stops an indicator being offered. Staff read it; the office writes it, audited.
 *
 * One use case a file; what they share (who is staff, entries as sent, the columns written) in ./shared.
 */
export { isStaff, requireStaff } from './shared';
export * from './create-indicator';
export * from './get-indicator';
export * from './get-indicator-version';
export * from './library-refs';
export * from './list-indicators';
export * from './retire-indicator';
export * from './revise-indicator';
