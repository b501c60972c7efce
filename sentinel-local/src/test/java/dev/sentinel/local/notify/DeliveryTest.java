package dev.sentinel.local.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.notify.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryTest {
    private static final Instant T0 = Instant.parse("2026-11-22T16:02:11Z");
    private static final String ID = "0123456789abcdef0123456789abcdef";

    @Test
    void roundTripsThroughItsFileFormat() {
        LifecycleEvent event = new LifecycleEvent(
                "request.created", T0, "k3v9q2m7xa", "prod", "alice", "alice", Map.of("justification", "a\n\nb"));
        Delivery delivery = Delivery.of(event, ID, T0).failed("HTTP 503\r\nline two", T0.plusSeconds(1));

        Delivery read = Delivery.parse(delivery.serialize());

        assertThat(read).isEqualTo(delivery);
        assertThat(read.body()).isEqualTo(event.toJson());
        assertThat(read.attempts()).isEqualTo(1);
        assertThat(read.lastError()).isEqualTo("HTTP 503  line two");
        assertThat(new String(delivery.serialize(), StandardCharsets.UTF_8))
                .startsWith("id: " + ID + "\ntype: request.created\ncreated: 2026-11-22T16:02:11Z\nattempts: 1\n");
    }

    @Test
    void anEventTypeCannotBreakAHeader() {
        LifecycleEvent event =
                new LifecycleEvent("request.created\r\nX-Evil: 1", T0, "k3v9q2m7xa", "p", "u", "u", Map.of());

        assertThat(Delivery.of(event, ID, T0).type()).isEqualTo("request.created__X-Evil__1");
    }

    @Test
    void refusesIncompleteFiles() {
        assertThatThrownBy(() -> Delivery.parse("id: x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Delivery.parse("type: a\n\n{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'id'");
        String badTime = "id: " + ID + "\ntype: a\ncreated: yesterday\nattempts: 0\nnext-attempt: " + T0 + "\n\n{}";
        assertThatThrownBy(() -> Delivery.parse(badTime.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
