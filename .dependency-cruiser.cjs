/**
 * dependency-cruiser: the import rules of pipelines/ (`npm run check:cycles`, run by CI).
 * - No circular imports: a circle means no module in it can be understood, tested or changed alone.
 * - Imports flow one way through the stages, each importing only from its own layer or one below:
 *   lib < ingest < model < metrics < charts < packs < schedule < commands < cli.
 * docs/contributing.md explains the layers.
 */
const LAYERS = ['lib', 'ingest', 'model', 'metrics', 'charts', 'packs', 'schedule', 'commands', 'cli'];
const path = (layer) => (layer === 'cli' ? '^pipelines/cli[.]ts$' : `^pipelines/${layer}/`);

/** One rule per layer: it may not import from any layer above it. */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `pipelines/${layer} sits below ${LAYERS.slice(i + 1).join(', ')} and imports none of them.`,
  severity: 'error',
  from: { path: path(layer) },
  to: { path: LAYERS.slice(i + 1).map(path) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A module imports itself through others.',
      severity: 'error',
      from: { path: '^pipelines/' },
      to: { circular: true },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^pipelines/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
