import { AccountCore1795305600000 } from './1795305600000-AccountCore';
import { AccessControl1795305700000 } from './1795305700000-AccessControl';
import { ClinicalResources1795305800000 } from './1795305800000-ClinicalResources';
import { AccessChangeNotifications1795305900000 } from './1795305900000-AccessChangeNotifications';
import { AuditCoalescing1795306000000 } from './1795306000000-AuditCoalescing';
import { Sessions1795306100000 } from './1795306100000-Sessions';
import { MultiFactorAuth1795306200000 } from './1795306200000-MultiFactorAuth';
import { AccountChangeNotifications1795306300000 } from './1795306300000-AccountChangeNotifications';

/**
 * Every migration, oldest first. `npm run migration:generate -- migrations/Name` writes a new file:
 * add its class here (a unit test fails while a file in this folder is missing from the list).
 */
export const MIGRATIONS = [
  AccountCore1795305600000,
  AccessControl1795305700000,
  ClinicalResources1795305800000,
  AccessChangeNotifications1795305900000,
  AuditCoalescing1795306000000,
  Sessions1795306100000,
  MultiFactorAuth1795306200000,
  AccountChangeNotifications1795306300000,
];
