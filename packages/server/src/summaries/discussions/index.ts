/** Test support: the discussions the summarizers are tested on. */
import { balkonkraftwerk } from './balkonkraftwerk.ts';
import { danubeCycling } from './danube-cycling.ts';
import type { Discussion } from './discussion.ts';
import { jardinPartage } from './jardin-partage.ts';
import { node22Build } from './node-22-build.ts';
import { raspberryPiNas } from './raspberry-pi-nas.ts';
import { rustLearning } from './rust-learning.ts';

/** Every corpus discussion. */
export const discussions: readonly Discussion[] = [
  node22Build,
  danubeCycling,
  balkonkraftwerk,
  raspberryPiNas,
  rustLearning,
  jardinPartage,
];
