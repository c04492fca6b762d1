/** West Mercia's local policing areas, shared by incidents, volunteers and training. */
import { cellTable } from './csvWriter.ts';
import { Weighted } from './random.ts';

const LPAS: ReadonlyArray<readonly [string, number]> = [
  ['Herefordshire', 0.15],
  ['Shropshire', 0.27],
  ['Telford & Wrekin', 0.16],
  ['Worcestershire', 0.42],
];
export const LPA_ONLY = new Weighted(LPAS);
export const INCIDENT_AREAS = cellTable([...LPAS.map(([a, w]) => [a, w * 0.985] as const), ['Force-wide', 0.01], ['', 0.005]]);
export const VOLUNTEER_AREAS = new Weighted<string>([...LPAS.map(([a, w]) => [a, w * 0.92] as const), ['Force-wide', 0.08]]);
