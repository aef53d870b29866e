# Reference indicator values from R's TTR package, for test/features/indicators.test.ts.
#
# Regenerate (from the repo root; needs R with TTR, e.g. `apt-get install -y r-cran-ttr`):
#   Rscript scripts/ttr-fixture.R
# Reads  test/features/fixtures/ohlc.csv          (date,open,high,low,close,volume,open_interest)
# Writes test/features/fixtures/ttr-reference.csv (date,rsi_14,macd_hist,bb_pctb_20,atr_14,adx_14;
#                                                   NA during warm-up, 15 significant digits)
#
# ohlc.csv: 200 trading days of CFFEX T (10Y) from 2023-09-01, the largest-open-interest contract
# each day, ratio back-adjusted at its 3 switches (same-day close ratio), from
# /work/shared/data/cffex-tbf-daily-contracts/T_10Y_Bond_Futures.csv (see its SOURCE.md).
#
# Conventions asked of TTR (they match src/features/indicators.ts):
#   RSI(close, 14)                              Wilder smoothing (maType EMA, wilder = TRUE)
#   MACD(close, 12, 26, 9, maType = "EMA", percent = FALSE)   price units; hist = macd - signal
#   BBands(close, 20, sd = 2)$pctB              close only (not the HLC typical price); population sd
#   ATR(HLC, 14)$atr                            Wilder
#   ADX(HLC, 14)$ADX                            Wilder, on prices in integer millionths (below)
#
# ADX compares the high's rise with the low's fall each day, and on a tick grid they are often
# equal. In binary floating point two decimal-equal differences can differ in the last bit, so
# TTR (like any exact comparison) would break such ties by rounding noise. ADX is scale-free, so
# TTR is given the 6-decimal prices as exact integers (x 1e6): ties are then exact ties, as
# src/features/indicators.ts treats differences within 1e-9 of the price.

suppressPackageStartupMessages(library(TTR))

args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "test/features/fixtures"

x <- read.csv(file.path(dir, "ohlc.csv"), stringsAsFactors = FALSE)
hlc <- as.matrix(x[, c("high", "low", "close")])
close <- x$close

m <- MACD(close, nFast = 12, nSlow = 26, nSig = 9, maType = "EMA", percent = FALSE)

out <- data.frame(
  date = x$date,
  rsi_14 = as.numeric(RSI(close, n = 14)),
  macd_hist = as.numeric(m[, "macd"] - m[, "signal"]),
  bb_pctb_20 = as.numeric(BBands(close, n = 20, sd = 2)[, "pctB"]),
  atr_14 = as.numeric(ATR(hlc, n = 14)[, "atr"]),
  adx_14 = as.numeric(ADX(round(hlc * 1e6), n = 14)[, "ADX"])
)

fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.15g", v))
for (col in names(out)[-1]) out[[col]] <- fmt(out[[col]])
write.csv(out, file.path(dir, "ttr-reference.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("TTR %s: wrote %d rows to %s\n", as.character(packageVersion("TTR")), nrow(out), file.path(dir, "ttr-reference.csv")))
