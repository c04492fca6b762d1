import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, View, type ViewOptions } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { prune, runtimeOf, vegaOf } from '../../pipelines/charts/keptSpecs.ts';
import { composeSpec } from '../../pipelines/charts/compileChart.ts';
import { keepRowOrder, narrowDrawing } from '../../pipelines/charts/narrowChart.ts';

// Vega-Lite's compile and Vega's parse, kept between processes: what a later process loads is
// what it would have compiled, whatever the description; what Vega-Lite logged is logged again;
// a damaged or unwritable cache only costs a compile.

type Logger = NonNullable<ViewOptions['logger']>;

function recorder(into: string[]): Logger {
  const logger = {
    level: (value?: number) => (value === undefined ? 0 : logger),
    error: (...args: unknown[]) => {
      into.push(`error: ${args.join(' ')}`);
      return logger;
    },
    warn: (...args: unknown[]) => {
      into.push(`warn: ${args.join(' ')}`);
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger as unknown as Logger;
}

const SPEC = {
  width: 300,
  height: 120,
  data: { name: 'values' },
  mark: { type: 'bar' },
  encoding: { y: { field: 'key', type: 'nominal' }, x: { field: 'value', type: 'quantitative' } },
  config: { aria: false },
} as TopLevelSpec;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kept-specs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('vegaOf', () => {
  it("gives Vega-Lite's own compile, kept once whatever the description", async () => {
    const first = await vegaOf({ ...SPEC, description: 'Three crimes in July.' }, recorder([]), dir);
    expect(first).toEqual(compile({ ...SPEC, description: 'Three crimes in July.' }).spec);
    expect(readdirSync(dir)).toHaveLength(1);
    // New figures, new words: the same kept entry, with the new description put back.
    const second = await vegaOf({ ...SPEC, description: 'Five crimes in August.' }, recorder([]), dir);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(second).toEqual(compile({ ...SPEC, description: 'Five crimes in August.' }).spec);
    // Without one, none (Vega-Lite gives none either).
    expect((await vegaOf(SPEC, recorder([]), dir)).description).toBeUndefined();
    // A changed spec is another entry.
    await vegaOf({ ...SPEC, width: 200 }, recorder([]), dir);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('logs what Vega-Lite logged, whether compiled here or kept', async () => {
    // Vega-Lite drops a shape channel from a bar mark, with a warning.
    const spec = { ...SPEC, encoding: { ...(SPEC as { encoding: object }).encoding, shape: { field: 'key', type: 'nominal' } } } as TopLevelSpec;
    const compiled: string[] = [];
    await vegaOf(spec, recorder(compiled), dir);
    expect(compiled).toHaveLength(1);
    expect(compiled[0]).toMatch(/^warn: .*shape/i);
    const kept: string[] = [];
    await vegaOf(spec, recorder(kept), dir);
    expect(kept).toEqual(compiled);
  });

  it('compiles again over a damaged entry, and compiles where nothing can be kept', async () => {
    await vegaOf(SPEC, recorder([]), dir);
    const [name] = readdirSync(dir);
    writeFileSync(join(dir, name!), '{"vega": {"half');
    expect(await vegaOf(SPEC, recorder([]), dir)).toEqual(compile(SPEC).spec);
    // A file where the folder should be: nothing kept, the same result.
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, '');
    expect(await vegaOf(SPEC, recorder([]), blocked)).toEqual(compile(SPEC).spec);
    expect(await vegaOf(SPEC, recorder([]), null)).toEqual(compile(SPEC).spec);
  });
});

describe('runtimeOf', () => {
  it("gives Vega's parse, and the same drawing from a kept one", async () => {
    const vega = { ...compile(SPEC).spec, description: 'Two bars.' };
    const draw = async (runtime: ReturnType<typeof parse>) => {
      const view = new View(runtime, { renderer: 'none' });
      view.data('values', [
        { key: 'A', value: 3 },
        { key: 'B', value: 5 },
      ]);
      const svg = await view.toSVG();
      view.finalize();
      return svg;
    };
    const compiled = await runtimeOf(vega, dir);
    expect(compiled).toEqual(parse(vega));
    const kept = await runtimeOf({ ...vega, description: 'Two bars, B larger.' }, dir);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(kept).toEqual(parse({ ...vega, description: 'Two bars, B larger.' }));
    expect(await draw(kept)).toBe(await draw(parse({ ...vega, description: 'Two bars, B larger.' })));
    expect(await draw(compiled)).toMatch(/^<svg/);
  });
});

describe('every chart of the packs', () => {
  // Rows with every field the chart specs bind (a series' months and a breakdown's categories).
  const rows = [
    { period: '2025-07', month: 'Jul 25', month_long: 'July 2025', key: 'Hacking', label: 'Hacking', value: 12, previous: 9, value_text: '12', target: 10, target_text: 'Target 10', met: 'Yes', spc_mean: 11, spc_upper: 20, spc_lower: 2 },
    {
      period: '2025-08',
      month: 'Aug 25',
      month_long: 'August 2025',
      key: 'Virus/malware',
      label: 'Virus/malware',
      value: 7,
      previous: 11,
      value_text: '7',
      target: 10,
      target_text: 'Target 10',
      met: 'No',
      spc_mean: 11,
      spc_upper: 20,
      spc_lower: 2,
    },
    {
      period: '2025-09',
      month: 'Sep 25',
      month_long: 'September 2025',
      key: 'Other',
      label: 'Other',
      value: null,
      previous: 3,
      value_text: 'No figure',
      target: 10,
      target_text: 'Target 10',
      met: '',
      spc_mean: 11,
      spc_upper: 20,
      spc_lower: 2,
    },
  ];
  const draw = async (runtime: ReturnType<typeof parse>, data: object[]) => {
    const view = new View(runtime, { renderer: 'none' });
    view.data(
      'values',
      data.map((row) => ({ ...row })),
    );
    const svg = await view.toSVG();
    view.finalize();
    return svg;
  };
  const files = readdirSync('reports/charts').filter((f) => f.endsWith('.json'));

  it.each(files)('%s draws the same, wide and narrow, from kept specs as from a fresh compile', async (file) => {
    const { boardpack: _block, ...spec } = JSON.parse(readFileSync(join('reports/charts', file), 'utf8')) as TopLevelSpec & { boardpack?: unknown };
    const full = composeSpec(spec as TopLevelSpec, { title: 'A title', description: 'What it shows.', subtitle: ['Bars: this period'] });
    const fresh = keepRowOrder(compile(full).spec);
    // The first call compiles and keeps; the second reads what was kept, and is what is drawn.
    expect(keepRowOrder(await vegaOf(full, recorder([]), dir))).toEqual(fresh);
    const kept = keepRowOrder(await vegaOf(full, recorder([]), dir));
    expect(kept).toEqual(fresh);
    const narrow = narrowDrawing(kept, rows);
    for (const [vega, data] of [[kept, rows], [kept, []], ...(narrow ? [[narrow.spec, narrow.rows]] : [])] as [typeof kept, object[]][]) {
      await runtimeOf(vega, dir);
      expect(await draw(await runtimeOf(vega, dir), data)).toBe(await draw(parse(vega), data));
    }
  });
});

describe('prune', () => {
  it('keeps the newest half once the folder holds more than its limit', () => {
    mkdirSync(join(dir, 'p'));
    for (let i = 0; i < 5; i++) {
      const path = join(dir, 'p', `vega-${i}.json`);
      writeFileSync(path, '{}');
      utimesSync(path, 1_000 + i, 1_000 + i);
    }
    prune(join(dir, 'p'), 5);
    expect(readdirSync(join(dir, 'p'))).toHaveLength(5);
    writeFileSync(join(dir, 'p', 'vega-5.json'), '{}');
    prune(join(dir, 'p'), 5);
    // Six over a limit of five: the newest two (half the limit, rounded down) stay.
    expect(readdirSync(join(dir, 'p')).sort()).toEqual(['vega-4.json', 'vega-5.json']);
  });
});
