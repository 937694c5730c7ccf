import type { UnitSpec } from './city-data';
import { departmentTree as departmentTemplate } from '../modules/plans/templates';

export { cadreTree, districtTree } from '../modules/plans/templates';

/** The department template with the demo unit's own two core tasks. */
export const departmentTree = (unit: UnitSpec) => departmentTemplate(unit.tasks!);
