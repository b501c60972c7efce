package dev.sentinel.local.breakglass;

import dev.sentinel.breakglass.BreakGlassEvent;
import dev.sentinel.breakglass.ReasonCode;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.identity.RequestId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A child process of {@link SqliteBreakGlassStoreTest}: opens one event for alice on prod as soon as the
 * start file appears. Arguments: database file, start file, creation time (ISO instant). Prints
 * {@code ready} once the store is open; exits 0 when it opened the event, 3 on BREAKGLASS_ACTIVE and 1
 * on anything else.
 */
public final class OpenInAnotherProcess {
    public static final int OPENED = 0;
    public static final int ACTIVE = 3;

    private OpenInAnotherProcess() {}

    public static void main(String[] args) throws InterruptedException {
        SqliteBreakGlassStore store = new SqliteBreakGlassStore(Path.of(args[0]));
        Path start = Path.of(args[1]);
        Instant created = Instant.parse(args[2]);
        Duration duration = Duration.ofHours(1);
        BreakGlassEvent event = new BreakGlassEvent(
                RequestId.random(),
                "alice",
                null,
                "prod",
                ReasonCode.INCIDENT,
                "two processes race to open break-glass",
                BreakGlassEvent.Status.ACTIVE,
                created,
                created,
                created.plus(duration),
                duration,
                null,
                false,
                null,
                null,
                null,
                1);
        System.out.println("ready");
        System.out.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(start)) {
            if (System.nanoTime() > deadline) {
                System.exit(1);
            }
            Thread.onSpinWait();
        }
        try {
            store.open(event);
            System.exit(OPENED);
        } catch (SentinelException e) {
            System.err.println(e.code() + ": " + e.getMessage());
            System.exit(e.code() == ErrorCode.BREAKGLASS_ACTIVE ? ACTIVE : 1);
        }
    }
}
