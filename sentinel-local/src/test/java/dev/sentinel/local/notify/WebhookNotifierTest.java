package dev.sentinel.local.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.local.notify.WebhookReceiver.Received;
import dev.sentinel.notify.LifecycleEvent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookNotifierTest {
    private static final byte[] SECRET = "a shared secret of 32 bytes!!!!!".getBytes(StandardCharsets.US_ASCII);
    /** Short delays, so that retries fit the budget of a test. */
    private static final WebhookRetries FAST = new WebhookRetries(
            Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofMillis(200), 12);

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeReceivers() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private Path outbox() {
        return home.resolve("outbox/webhook");
    }

    private WebhookReceiver receiver() throws IOException {
        return closeLater(WebhookReceiver.start(SECRET, clock));
    }

    private WebhookReceiver closeLater(WebhookReceiver receiver) {
        toClose.add(receiver);
        return receiver;
    }

    private WebhookNotifier notifier(URI url, WebhookRetries retries) {
        return new WebhookNotifier(url, SECRET, outbox(), retries, clock, warnings::add);
    }

    private LifecycleEvent event(String type) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("justification", "deploy hotfix \"42\"");
        return new LifecycleEvent(type, clock.instant(), "k3v9q2m7xa", "prod", "alice", "bob", details);
    }

    /** The files in {@code dir} whose names end with {@code suffix}, without the hidden lock file. */
    private List<Path> files(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && name.endsWith(suffix))
                    .map(dir::resolve)
                    .toList();
        }
    }

    // --- refusals first ---

    @Test
    void refusesAUrlThatIsNotHttpOrHttps() {
        assertThatThrownBy(() -> notifier(URI.create("ftp://example.com/hook"), FAST))
                .isInstanceOf(SentinelException.class)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.CONFIG_INVALID);
        assertThatThrownBy(() -> notifier(URI.create("/relative/hook"), FAST)).isInstanceOf(SentinelException.class);
    }

    @Test
    void refusesAShortSecret() {
        assertThatThrownBy(() -> new WebhookNotifier(
                        URI.create("https://example.com/hook"),
                        "short".getBytes(StandardCharsets.US_ASCII),
                        outbox(),
                        FAST,
                        clock,
                        warnings::add))
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining("at least 16");
    }

    @Test
    void neverPrintsTheSecretOrTheUrlPath() {
        WebhookNotifier notifier = notifier(URI.create("https://hooks.example.com:8443/T000/B000/XXXX?token=t"), FAST);

        assertThat(notifier.toString())
                .isEqualTo("WebhookNotifier[https://hooks.example.com:8443]")
                .doesNotContain("XXXX", "token", new String(SECRET, StandardCharsets.US_ASCII));
    }

    // --- delivery ---

    @Test
    void deliversTheEventSignedAndTheReceiverVerifiesIt() throws IOException {
        WebhookReceiver receiver = receiver();
        LifecycleEvent event = event("request.approved");

        notifier(receiver.url(), FAST).notify(event);

        assertThat(receiver.received()).hasSize(1);
        Received got = receiver.received().get(0);
        assertThat(got.verified()).isTrue();
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(event.toJson());
        assertThat(got.header("Content-Type")).isEqualTo("application/json");
        assertThat(got.header("X-Sentinel-Event")).isEqualTo("request.approved");
        assertThat(got.header("X-Sentinel-Delivery")).matches("[0-9a-f]{32}");
        assertThat(got.header("X-Sentinel-Timestamp"))
                .isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(got.header("X-Sentinel-Signature")).matches("v1=[0-9a-f]{64}");
        assertThat(files(outbox(), "")).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void aTamperedBodyOrAnotherSecretFailsVerification() throws IOException {
        WebhookReceiver receiver = receiver();
        notifier(receiver.url(), FAST).notify(event("breakglass.invoked"));
        Received got = receiver.received().get(0);
        String timestamp = got.header("X-Sentinel-Timestamp");
        String signature = got.header("X-Sentinel-Signature");
        byte[] tampered = new String(got.body(), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"mallory\"")
                .getBytes(StandardCharsets.UTF_8);
        Duration tolerance = WebhookSignature.DEFAULT_TOLERANCE;

        assertThat(WebhookSignature.verify(SECRET, timestamp, got.body(), signature, clock.instant(), tolerance))
                .isTrue();
        assertThat(WebhookSignature.verify(SECRET, timestamp, tampered, signature, clock.instant(), tolerance))
                .isFalse();
        byte[] otherSecret = "another secret, also 32 bytes!!!".getBytes(StandardCharsets.US_ASCII);
        assertThat(WebhookSignature.verify(otherSecret, timestamp, got.body(), signature, clock.instant(), tolerance))
                .isFalse();
        String laterTimestamp = Long.toString(Long.parseLong(timestamp) + 1);
        assertThat(WebhookSignature.verify(SECRET, laterTimestamp, got.body(), signature, clock.instant(), tolerance))
                .isFalse();
    }

    @Test
    void retriesAfter503AndDeliversOnce() throws IOException {
        WebhookReceiver receiver = receiver().answer(503, 503);

        notifier(receiver.url(), FAST).notify(event("request.created"));

        assertThat(receiver.received()).extracting(Received::status).containsExactly(503, 503, 200);
        assertThat(receiver.received()).allMatch(Received::verified);
        assertThat(receiver.received())
                .extracting(r -> r.header("X-Sentinel-Delivery"))
                .containsOnly(receiver.received().get(0).header("X-Sentinel-Delivery"));
        assertThat(files(outbox(), "")).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void retriesA429() throws IOException {
        WebhookReceiver receiver = receiver().answer(429);

        notifier(receiver.url(), FAST).notify(event("request.created"));

        assertThat(receiver.received()).extracting(Received::status).containsExactly(429, 200);
    }

    @Test
    void a400IsPermanentTheEventMovesToFailedWithAWarning() throws IOException {
        WebhookReceiver receiver = receiver().answer(400);

        notifier(receiver.url(), FAST).notify(event("request.denied"));

        assertThat(receiver.received()).hasSize(1);
        assertThat(files(outbox(), ".pending")).isEmpty();
        assertThat(files(outbox(), ".sending")).isEmpty();
        List<Path> failed = files(outbox().resolve("failed"), ".failed");
        assertThat(failed).hasSize(1);
        Delivery kept = Outbox.read(failed.get(0));
        assertThat(kept.attempts()).isEqualTo(1);
        assertThat(kept.lastError()).isEqualTo("HTTP 400");
        assertThat(kept.type()).isEqualTo("request.denied");
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("refused", "HTTP 400", failed.get(0).toString())
                .doesNotContain("secret-token");
    }

    @Test
    void aRedirectIsNotFollowed() throws IOException {
        WebhookReceiver receiver = receiver().answer(302);

        notifier(receiver.url(), FAST).notify(event("request.denied"));

        assertThat(receiver.received()).hasSize(1);
        assertThat(files(outbox().resolve("failed"), ".failed")).hasSize(1);
        assertThat(warnings).singleElement().asString().contains("HTTP 302", "redirect");
    }

    @Test
    void whenTheReceiverIsDownTheEventWaitsAndALaterFlushDeliversIt() throws IOException {
        int port;
        try (WebhookReceiver probe = WebhookReceiver.start(SECRET, clock)) {
            port = probe.url().getPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port + "/hooks/secret-token");
        WebhookRetries retries = new WebhookRetries(
                Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofSeconds(60), 12);
        LifecycleEvent event = event("breakglass.invoked");

        notifier(url, retries).notify(event);

        List<Path> pending = files(outbox(), ".pending");
        assertThat(pending).hasSize(1);
        Delivery waiting = Outbox.read(pending.get(0));
        assertThat(waiting.attempts()).as("retried within the budget").isBetween(2, 4);
        assertThat(waiting.lastError()).startsWith("cannot connect");
        assertThat(waiting.nextAttempt()).isAfter(clock.instant());
        assertThat(waiting.body()).isEqualTo(event.toJson());
        assertThat(warnings).singleElement().asString().contains("waits in", outbox().toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pending.get(0))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outbox())))
                .isEqualTo("rwx------");

        WebhookReceiver receiver = closeLater(WebhookReceiver.startOn(port, SECRET, clock));
        WebhookNotifier nextCommand = notifier(url, retries);
        nextCommand.flush();
        assertThat(receiver.received()).as("not due yet").isEmpty();

        clock.advance(Duration.ofMinutes(2));
        nextCommand.flush();

        assertThat(receiver.received()).hasSize(1);
        Received got = receiver.received().get(0);
        assertThat(got.verified()).isTrue();
        assertThat(got.header("X-Sentinel-Delivery")).isEqualTo(waiting.id());
        assertThat(got.header("X-Sentinel-Timestamp"))
                .as("signed when sent, not when raised")
                .isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(event.toJson());
        assertThat(files(outbox(), ".pending")).isEmpty();
    }

    @Test
    void aFlushCountsTheAttemptAndStopsAtTheFirstEventTheReceiverCannotTake() throws IOException {
        WebhookReceiver receiver = receiver().answer(400, 503, 503, 503, 503, 503, 503);
        WebhookRetries oneTry = new WebhookRetries(
                Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(60), 12);
        WebhookNotifier notifier = notifier(receiver.url(), oneTry);
        notifier.notify(event("request.created")); // 400: failed
        notifier.notify(event("request.approved")); // 503: waits
        notifier.notify(event("request.expired")); // 503: waits
        assertThat(files(outbox(), ".pending")).hasSize(2);
        int before = receiver.received().size();

        clock.advance(Duration.ofMinutes(1));
        notifier.flush();

        assertThat(receiver.received()).hasSize(before + 1);
        assertThat(files(outbox(), ".pending"))
                .extracting(p -> Outbox.read(p).attempts())
                .containsExactlyInAnyOrder(1, 2);
        assertThat(warnings.get(warnings.size() - 1)).contains("not taking notifications", "HTTP 503");
    }

    @Test
    void afterTheMaximumNumberOfAttemptsTheEventMovesToFailed() throws IOException {
        WebhookReceiver receiver = receiver().answer(503, 503, 503, 503);
        WebhookRetries twoAttempts = new WebhookRetries(
                Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(60), 2);
        WebhookNotifier notifier = notifier(receiver.url(), twoAttempts);

        notifier.notify(event("breakglass.closed"));
        assertThat(files(outbox(), ".pending")).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        notifier.flush();

        assertThat(receiver.received()).hasSize(2);
        assertThat(files(outbox(), ".pending")).isEmpty();
        List<Path> failed = files(outbox().resolve("failed"), ".failed");
        assertThat(failed).hasSize(1);
        assertThat(Outbox.read(failed.get(0)).attempts()).isEqualTo(2);
        assertThat(warnings.get(warnings.size() - 1)).contains("Gave up", "after 2 attempts", "HTTP 503");
    }

    @Test
    void notifyReturnsWithinTheBudgetWhenTheReceiverHangs() throws IOException {
        WebhookReceiver receiver = receiver().delay(Duration.ofSeconds(10));
        WebhookRetries oneSecond = new WebhookRetries(
                Duration.ofSeconds(1), Duration.ofMillis(400), Duration.ofMillis(50), Duration.ofSeconds(60), 12);

        long start = System.nanoTime();
        notifier(receiver.url(), oneSecond).notify(event("request.created"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // The budget, plus starting the HTTP client once; far from the receiver's 10 s.
        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(files(outbox(), ".pending")).hasSize(1);
        assertThat(Outbox.read(files(outbox(), ".pending").get(0)).lastError()).startsWith("no answer within");
        assertThat(warnings).singleElement().asString().contains("waits in");
    }

    @Test
    void anUnwritableOutboxNeitherThrowsNorStopsTheDelivery() throws IOException {
        Path notADirectory = Files.writeString(home.resolve("outbox-is-a-file"), "x");
        WebhookReceiver receiver = receiver();
        WebhookNotifier notifier =
                new WebhookNotifier(receiver.url(), SECRET, notADirectory, FAST, clock, warnings::add);

        notifier.notify(event("request.approved"));
        notifier.flush();

        assertThat(receiver.received()).singleElement().matches(Received::verified);
        assertThat(warnings).singleElement().asString().contains("Cannot save", "without retries");
    }

    @Test
    void anUnwritableOutboxAndADownReceiverLoseTheEventWithAWarning() throws IOException {
        Path notADirectory = Files.writeString(home.resolve("outbox-is-a-file"), "x");
        URI down = URI.create("http://127.0.0.1:" + freePort() + "/hook");
        WebhookRetries brief = new WebhookRetries(
                Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofSeconds(1), 12);

        new WebhookNotifier(down, SECRET, notADirectory, brief, clock, warnings::add).notify(event("request.approved"));

        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).contains("is lost");
    }

    @Test
    void aBrokenWarningSinkDoesNotFailTheCommand() throws IOException {
        URI down = URI.create("http://127.0.0.1:" + freePort() + "/hook");
        WebhookRetries brief = new WebhookRetries(
                Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofSeconds(1), 12);
        WebhookNotifier notifier = new WebhookNotifier(down, SECRET, outbox(), brief, clock, message -> {
            throw new IllegalStateException("stderr is closed");
        });

        notifier.notify(event("request.approved"));

        assertThat(files(outbox(), ".pending")).hasSize(1);
    }

    @Test
    void aFlushPicksUpADeliveryWhoseCommandDiedWhileSendingIt() throws IOException {
        WebhookReceiver receiver = receiver();
        LifecycleEvent event = event("request.cancelled");
        Delivery orphan = Delivery.of(event, "0123456789abcdef0123456789abcdef", clock.instant());
        Path sending = new Outbox(outbox()).startSending(orphan);
        WebhookNotifier notifier = notifier(receiver.url(), FAST);

        notifier.flush();
        assertThat(receiver.received())
                .as("its command may still be sending it")
                .isEmpty();

        Files.setLastModifiedTime(sending, FileTime.from(Instant.now().minus(Duration.ofMinutes(11))));
        notifier.flush();

        assertThat(receiver.received()).singleElement().satisfies(r -> {
            assertThat(r.header("X-Sentinel-Delivery")).isEqualTo(orphan.id());
            assertThat(r.verified()).isTrue();
        });
        assertThat(files(outbox(), "")).isEmpty();
    }

    @Test
    void aFlushSetsAsideAnOutboxFileItCannotRead() throws IOException {
        Files.createDirectories(outbox());
        Files.writeString(outbox().resolve("garbage.pending"), "not a delivery");
        WebhookReceiver receiver = receiver();

        notifier(receiver.url(), FAST).flush();

        assertThat(receiver.received()).isEmpty();
        assertThat(files(outbox(), ".pending")).isEmpty();
        assertThat(files(outbox().resolve("failed"), ".failed")).hasSize(1);
        assertThat(warnings).singleElement().asString().contains("could not be read");
    }

    @Test
    void aFlushWithoutAnOutboxDoesNothing() throws IOException {
        WebhookReceiver receiver = receiver();

        notifier(receiver.url(), FAST).flush();

        assertThat(receiver.received()).isEmpty();
        assertThat(outbox()).doesNotExist();
        assertThat(warnings).isEmpty();
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A clock the test moves by hand; the receiver checks signatures against the same clock. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
