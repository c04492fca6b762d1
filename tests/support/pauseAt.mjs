// Loaded with `node --import` into a boardpack process that a test means to kill at a known
// point (tests/schedule/process.test.ts): when the process writes a line matching the regular
// expression in BOARDPACK_TEST_PAUSE_AT to stdout or stderr, the line is written (both are
// synchronous on a pipe) and then the main thread blocks, so the test's SIGKILL lands exactly
// after that line and before the next step. Without the pause the kill had to race the work, and
// the tests needed exports large enough (200,000 incidents) to make the window wide. The pause
// gives up after two minutes, so a test that fails before killing leaves no process behind for long.
const pattern = process.env.BOARDPACK_TEST_PAUSE_AT;
if (pattern) {
  const matches = new RegExp(pattern);
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = (chunk, ...rest) => {
      const written = write(chunk, ...rest);
      if (matches.test(String(chunk))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
      return written;
    };
  }
}
