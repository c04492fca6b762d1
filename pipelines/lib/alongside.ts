/**
 * Runs `foreground` while `background` (already started) goes on, and returns both results.
 * Whatever happens, `background` has settled before this returns or throws: a build draws its
 * charts while DuckDB writes the exports into the pack's temp folder, and a failed chart must
 * not remove that folder while DuckDB is still writing into it. The foreground's error wins;
 * then the background's.
 */
export async function alongside<B, F>(background: Promise<B>, foreground: () => Promise<F>): Promise<[F, B]> {
  // Handled from the start, so a background failing while the foreground runs is never "unhandled".
  const settled = background.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let result: F;
  try {
    result = await foreground();
  } finally {
    await settled;
  }
  const outcome = await settled;
  if (!outcome.ok) throw outcome.error;
  return [result, outcome.value];
}
