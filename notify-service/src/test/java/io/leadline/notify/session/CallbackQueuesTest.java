package io.leadline.notify.session;

import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.queues.Queues;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every socket's callback queue (made by {@code Queues.createMpscQueue()} in websockets-next) starts with the
 * small chunk once the service has started, and still keeps order past that chunk.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class CallbackQueuesTest {

    @Test
    void theQueueOfEverySocketStartsSmallAndGrowsInOrder() {
        assertThat(Infrastructure.getBufferSizeS()).isEqualTo(CallbackQueues.SLOTS);
        Queue<Integer> queue = Queues.createMpscQueue();
        for (int i = 0; i < 1_000; i++) {
            assertThat(queue.offer(i)).isTrue();
        }
        List<Integer> taken = new ArrayList<>();
        for (Integer item = queue.poll(); item != null; item = queue.poll()) {
            taken.add(item);
        }
        assertThat(taken).hasSize(1_000).isSorted();
    }
}
