import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../pipelines/lib/config.ts';
import { UsageError } from '../../pipelines/lib/errors.ts';

// Targets are the board's: per force in configuration, with who set them and when; none in metric code.

const dir = mkdtempSync(join(tmpdir(), 'boardpack-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configWith = (content: Record<string, unknown>) => {
  writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify(content));
  return loadConfig({ cwd: dir });
};

describe('targets', () => {
  it("takes the force's shipped targets, with who set them", () => {
    expect(configWith({ force: 'West Mercia' }).targets).toEqual({
      'INC-05': { target: 90, tolerance: 10, set_by: 'Strategic Cyber Crime Board (the target the board pack specification names)', set_on: null },
      'VOL-03': { target: 75, tolerance: 10, set_by: 'Strategic Cyber Crime Board (the target the board pack specification names)', set_on: null },
    });
  });

  it('gives another force no target until its board sets one in its configuration', () => {
    expect(configWith({ force: 'Dyfed-Powys' }).targets).toEqual({});
    expect(configWith({ force: 'Dyfed-Powys', targets: { 'INC-05': { target: 85, tolerance: 5, set_by: 'Cyber Crime Board, meeting of 12 March 2026', set_on: '2026-03-12' } } }).targets).toEqual({
      'INC-05': { target: 85, tolerance: 5, set_by: 'Cyber Crime Board, meeting of 12 March 2026', set_on: '2026-03-12' },
    });
  });

  it('refuses a malformed date or an unknown key with one sentence', () => {
    expect(() => configWith({ targets: { 'INC-05': { target: 85, set_on: '12/03/2026' } } })).toThrow(UsageError);
    expect(() => configWith({ targets: { 'INC-05': { goal: 85 } } })).toThrow('Configuration "targets" must look like');
  });
});
