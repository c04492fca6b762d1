import * as hm from 'highs';
const highs = await (hm as any).default();
const lp = `Minimize\n obj: x\nSubject To\n c1: x + y + z = 10\n c2: x + w = 3\nBounds\n 1 <= x <= 4\n 0 <= y <= 100\n 5 <= z <= 100\n 0 <= w <= 100\nGenerals\n x y z w\nEnd`;
for (const opts of [{}, { presolve: 'off' }, { presolve: 'off', mip_heuristic_effort: 0 }]) {
  const m = highs.createModel({ format: 'lp', data: lp });
  m.options.set({ output_flag: false, ...opts });
  let t = performance.now();
  for (let i = 0; i < 50; i++) { m.changeObjectiveSense(i % 2 ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize); m.run(); }
  console.log(JSON.stringify(opts), ((performance.now() - t) / 50).toFixed(2), 'ms/run', m.getObjectiveValue());
  m.dispose();
}
let t = performance.now();
for (let i = 0; i < 20; i++) { const m = highs.createModel({ format: 'lp', data: lp }); m.dispose(); }
console.log('create', ((performance.now() - t) / 20).toFixed(2));
t = performance.now();
for (let i = 0; i < 20; i++) highs.solve(lp.replace('Generals\n x y z w\n',''), { output_flag: false });
console.log('LP solve', ((performance.now() - t) / 20).toFixed(2));
