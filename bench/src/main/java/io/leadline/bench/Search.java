package io.leadline.bench;

/**
 * Searches the highest deliveries/s that passes: from {@code start} the rate doubles until a step fails
 * (or {@code max} passes), then the interval between the last pass and the first fail is halved until
 * {@code (fail - pass) / pass <= precision}. If {@code start} itself fails the rate halves (at most
 * {@code maxDescents} times) until a step passes, then bisects the same way. Each probe is one step with
 * its own retries; it answers pass, fail or stop (time budget spent, connections lost).
 */
final class Search {

    enum Outcome { PASS, FAIL, STOP }

    interface Probe {
        Outcome run(double deliveries, String phase);
    }

    final double start;
    final double max;
    final double precision;
    final int maxDescents;
    /** Highest passing rate (NaN: none), lowest failing rate above it (NaN: none). */
    double pass = Double.NaN;
    double fail = Double.NaN;
    boolean reachedMax;
    boolean stopped;
    int probes;

    Search(double start, double max, double precision, int maxDescents) {
        if (start <= 0 || max < start || precision <= 0) {
            throw new IllegalArgumentException("search needs 0 < start <= max and precision > 0");
        }
        this.start = start;
        this.max = max;
        this.precision = precision;
        this.maxDescents = maxDescents;
    }

    void run(Probe probe) {
        double rate = start;
        String phase = "grow";
        int descents = 0;
        while (true) {
            if (!Double.isNaN(pass) && !Double.isNaN(fail)) {
                if (fail - pass <= precision * pass) {
                    return;
                }
                rate = round((pass + fail) / 2);
                phase = "bisect";
                if (rate <= pass || rate >= fail) {
                    return;
                }
            }
            probes++;
            Outcome outcome = probe.run(rate, phase);
            if (outcome == Outcome.STOP) {
                stopped = true;
                return;
            }
            if (outcome == Outcome.PASS) {
                pass = Double.isNaN(pass) ? rate : Math.max(pass, rate);
                if (Double.isNaN(fail)) {
                    if (rate >= max) {
                        reachedMax = true;
                        return;
                    }
                    rate = Math.min(max, rate * 2);
                }
            } else {
                fail = Double.isNaN(fail) ? rate : Math.min(fail, rate);
                if (Double.isNaN(pass)) {
                    if (++descents > maxDescents) {
                        return;
                    }
                    rate = round(rate / 2);
                    phase = "descend";
                }
            }
        }
    }

    /** Three significant digits, so that the rates read well (250,000 rather than 249,998.4). */
    static double round(double x) {
        if (x <= 0) {
            return x;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(x)) - 2);
        return Math.max(1, Math.round(x / magnitude) * magnitude);
    }
}
