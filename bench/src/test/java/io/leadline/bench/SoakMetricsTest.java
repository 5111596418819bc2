package io.leadline.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SoakMetricsTest {

    @Test
    void sumsEveryHeapPoolAndReadsTheGatewayGauge() {
        String text = """
                # HELP jvm_memory_used_bytes The amount of used memory
                # TYPE jvm_memory_used_bytes gauge
                jvm_memory_used_bytes{area="heap",id="G1 Survivor Space"} 1048576.0
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.5165824E7
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 0.0
                leadline_gateway_connections_total 12.0
                leadline_gateway_connections 1031.0
                """;
        Soak.Metrics metrics = Soak.Metrics.parse(text);
        assertEquals(1_048_576L + 25_165_824L, metrics.heapUsedBytes());
        assertEquals(1031, metrics.gatewayConnections());
    }

    @Test
    void saysSoWhenTheHeapIsMissing() {
        Soak.Metrics metrics = Soak.Metrics.parse("process_cpu_usage 0.5\n");
        assertEquals(-1, metrics.heapUsedBytes());
        assertEquals(-1, metrics.gatewayConnections());
    }
}
