-- Shared SQL helpers for models and metrics, created before them at every build.

-- Round half up (away from zero) to dp decimals, exactly: the value passes through a
-- 9-decimal DECIMAL first, so a ratio that is exactly x.x5 is not rounded down by
-- binary floating point (100 * 3 / 2000 = 0.15 gives 0.2, not 0.1).
create or replace temp macro round_half_up(x, dp) as round(cast(x as decimal(38, 9)), dp);

-- A percentage of numerator over denominator, rounded half up to dp decimals; null when
-- the denominator is 0 (docs/metrics.md: null, never 0 or NaN).
create or replace temp macro percent_of(numerator, denominator, dp) as
  case when denominator = 0 or denominator is null then null
       else round_half_up(100.0 * numerator / denominator, dp) end;
