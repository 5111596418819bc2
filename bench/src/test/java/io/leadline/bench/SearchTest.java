package io.leadline.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchTest {

    /** Runs a search against a server whose ceiling is {@code ceiling}; returns the rates probed in order. */
    private static List<Double> probe(Search search, double ceiling) {
        List<Double> rates = new ArrayList<>();
        search.run((rate, phase) -> {
            rates.add(rate);
            return rate <= ceiling ? Search.Outcome.PASS : Search.Outcome.FAIL;
        });
        return rates;
    }

    @Test
    void growsByTwoThenBisectsToThePrecision() {
        Search search = new Search(50_000, 20_000_000, 0.05, 4);
        List<Double> rates = probe(search, 1_700_000);
        assertEquals(List.of(50_000.0, 100_000.0, 200_000.0, 400_000.0, 800_000.0, 1_600_000.0, 3_200_000.0),
                rates.subList(0, 7));
        assertEquals(2_400_000.0, rates.get(7));
        assertTrue(search.pass <= 1_700_000 && search.fail > 1_700_000);
        assertTrue((search.fail - search.pass) / search.pass <= 0.05, search.pass + " .. " + search.fail);
        assertTrue(rates.size() <= 13, rates.toString());
    }

    @Test
    void stopsAtTheMaximumWhenEverythingPasses() {
        Search search = new Search(5_000, 20_000, 0.05, 4);
        assertEquals(List.of(5_000.0, 10_000.0, 20_000.0), probe(search, 1e9));
        assertTrue(search.reachedMax);
        assertTrue(Double.isNaN(search.fail));
    }

    @Test
    void descendsWhenTheStartFails() {
        Search search = new Search(100_000, 1_000_000, 0.05, 4);
        List<Double> rates = probe(search, 30_000);
        assertEquals(List.of(100_000.0, 50_000.0, 25_000.0), rates.subList(0, 3));
        assertTrue(search.pass <= 30_000 && search.fail > 30_000 && (search.fail - search.pass) / search.pass <= 0.05);
    }

    @Test
    void givesUpAfterTheDescentsAndStopsWhenTold() {
        Search search = new Search(100_000, 1_000_000, 0.05, 2);
        assertEquals(List.of(100_000.0, 50_000.0, 25_000.0), probe(search, 1));
        assertTrue(Double.isNaN(search.pass));

        Search stopped = new Search(100_000, 1_000_000, 0.05, 2);
        stopped.run((rate, phase) -> rate > 150_000 ? Search.Outcome.STOP : Search.Outcome.PASS);
        assertTrue(stopped.stopped);
        assertEquals(100_000.0, stopped.pass);
    }
}
