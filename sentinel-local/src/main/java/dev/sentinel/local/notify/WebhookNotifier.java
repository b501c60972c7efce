package dev.sentinel.local.notify;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.notify.LifecycleEvent;
import dev.sentinel.notify.Notifier;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Delivers lifecycle events to a webhook: an HTTP POST of the event's JSON, signed as
 * {@link WebhookSignature} describes (docs/notifications.md).
 *
 * <p>What it guarantees: {@link #notify} and {@link #flush} never throw and each returns within the
 * retry budget (plus the time to write a few small files); problems go to the warnings sink. Every event
 * is written to the outbox directory before the first attempt, so one that cannot be delivered now is
 * retried by later {@link #flush} calls until the receiver answers 2xx, or it is given up (a 4xx other
 * than 429, or too many attempts) and kept under {@code failed/}. Delivery is at least once and not in
 * order: receivers drop repeats by {@code X-Sentinel-Delivery} and order by the event's {@code time}.
 * Redirects are not followed. The secret is never printed; neither is the URL's path or query, which
 * often hold a token.
 */
public final class WebhookNotifier implements Notifier {
    private static final Duration MIN_ATTEMPT = Duration.ofMillis(50);
    private static final HexFormat HEX = HexFormat.of();

    private final URI endpoint;
    private final String origin;
    private final byte[] secret;
    private final Outbox outbox;
    private final WebhookRetries retries;
    private final Clock clock;
    private final Consumer<String> warnings;
    private final SecureRandom random = new SecureRandom();
    private volatile HttpClient http;

    /**
     * @param endpoint the receiver, an {@code https} (or, for a receiver on this machine, {@code http}) URL
     * @param secret the shared signing secret, at least 16 bytes; copied
     * @param outbox the directory that keeps deliveries until they succeed, created owner-only
     * @param budget the most time one {@code notify} or {@code flush} call may spend
     * @param warnings where to say that something went wrong (the CLI prints it on stderr)
     */
    public WebhookNotifier(URI endpoint, byte[] secret, Path outbox, Duration budget, Consumer<String> warnings) {
        this(endpoint, secret, outbox, WebhookRetries.within(budget), Clock.systemUTC(), warnings);
    }

    public WebhookNotifier(
            URI endpoint, byte[] secret, Path outbox, WebhookRetries retries, Clock clock, Consumer<String> warnings) {
        this.endpoint = requireEndpoint(endpoint);
        this.origin = origin(endpoint);
        this.secret = requireSecret(secret);
        this.outbox = new Outbox(outbox);
        this.retries = requireNonNull(retries, "retries is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.warnings = requireNonNull(warnings, "warnings is null");
    }

    /** Sends {@code event} now, retrying within the budget; keeps it in the outbox if that is not enough. */
    @Override
    public void notify(LifecycleEvent event) {
        long deadline = System.nanoTime() + retries.budget().toNanos();
        try {
            send(event, deadline);
        } catch (RuntimeException e) {
            warn("Could not send the " + (event == null ? "" : event.type() + " ") + "notification to the webhook at "
                    + origin + ": " + e.getMessage());
        }
    }

    /**
     * Retries the outbox's deliveries whose next attempt is due, oldest first, within the budget. Stops
     * at the first one the receiver cannot take right now (the others would fare no better). Does
     * nothing when another command is flushing the same outbox.
     */
    public void flush() {
        long deadline = System.nanoTime() + retries.budget().toNanos();
        try {
            if (Files.isDirectory(outbox.directory())) {
                outbox.whileLocked(() -> flushLocked(deadline));
            }
        } catch (RuntimeException e) {
            warn("Could not retry the webhook notifications waiting in " + outbox.directory() + ": " + e.getMessage());
        }
    }

    private void send(LifecycleEvent event, long deadline) {
        requireNonNull(event, "event is null");
        Delivery delivery = Delivery.of(event, newDeliveryId(), clock.instant());
        Path file = null;
        try {
            file = outbox.startSending(delivery);
        } catch (RuntimeException e) {
            warn("Cannot save the " + delivery.type() + " notification in the webhook outbox (" + e.getMessage()
                    + "); sending it now without retries by later commands.");
        }
        while (true) {
            Duration left = remaining(deadline);
            if (left.compareTo(MIN_ATTEMPT) < 0) {
                later(file, delivery, "no time was left to send it");
                return;
            }
            Attempt attempt = attempt(delivery, shorter(left, retries.attemptTimeout()));
            Instant now = clock.instant();
            switch (attempt.outcome()) {
                case DELIVERED -> {
                    if (file != null) {
                        outbox.delivered(file);
                    }
                    return;
                }
                case REFUSED -> {
                    refused(file, delivery.failed(attempt.detail(), now));
                    return;
                }
                case UNAVAILABLE -> {
                    Duration delay = delayAfter(delivery.attempts() + 1, attempt);
                    Delivery failed = delivery.failed(attempt.detail(), now.plus(delay));
                    if (failed.attempts() >= retries.maxAttempts()) {
                        exhausted(file, failed);
                        return;
                    }
                    if (delay.plus(MIN_ATTEMPT).compareTo(remaining(deadline)) >= 0 || !sleep(delay)) {
                        later(file, failed, attempt.detail());
                        return;
                    }
                    delivery = failed;
                }
            }
        }
    }

    private void flushLocked(long deadline) {
        Instant now = clock.instant();
        List<Waiting> due = new ArrayList<>();
        List<Path> waitingFiles = outbox.waiting();
        for (Path file : waitingFiles) {
            try {
                Delivery delivery = Outbox.read(file);
                if (!delivery.nextAttempt().isAfter(now)) {
                    due.add(new Waiting(file, delivery));
                }
            } catch (RuntimeException unreadable) {
                Path kept = outbox.quarantine(file);
                warn("A webhook outbox file could not be read (" + unreadable.getMessage() + "); moved it to " + kept
                        + ".");
            }
        }
        due.sort(Comparator.comparing((Waiting w) -> w.delivery().nextAttempt())
                .thenComparing(w -> w.delivery().created()));
        for (Waiting waiting : due) {
            Duration left = remaining(deadline);
            if (left.compareTo(MIN_ATTEMPT) < 0) {
                return;
            }
            Delivery delivery = waiting.delivery();
            Attempt attempt = attempt(delivery, shorter(left, retries.attemptTimeout()));
            Instant after = clock.instant();
            switch (attempt.outcome()) {
                case DELIVERED -> outbox.delivered(waiting.file());
                case REFUSED -> refused(waiting.file(), delivery.failed(attempt.detail(), after));
                case UNAVAILABLE -> {
                    Duration delay = delayAfter(delivery.attempts() + 1, attempt);
                    Delivery failed = delivery.failed(attempt.detail(), after.plus(delay));
                    if (failed.attempts() >= retries.maxAttempts()) {
                        exhausted(waiting.file(), failed);
                    } else {
                        outbox.pending(waiting.file(), failed);
                        warn("The webhook at " + origin + " is not taking notifications (" + attempt.detail() + "); "
                                + (waitingFiles.size() == 1 ? "one waits" : waitingFiles.size() + " wait") + " in "
                                + outbox.directory() + " for a later command to retry.");
                        return;
                    }
                }
            }
        }
    }

    private record Waiting(Path file, Delivery delivery) {}

    private enum Outcome {
        DELIVERED,
        /** The receiver answered, and retrying would not change its answer. */
        REFUSED,
        /** The receiver did not answer, or asked to try again later. */
        UNAVAILABLE
    }

    private record Attempt(Outcome outcome, String detail, Duration retryAfter) {}

    private Attempt attempt(Delivery delivery, Duration timeout) {
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "sentinel-webhook/1")
                .header("X-Sentinel-Event", delivery.type())
                .header("X-Sentinel-Delivery", delivery.id())
                .header("X-Sentinel-Timestamp", Long.toString(timestamp))
                .header("X-Sentinel-Signature", WebhookSignature.sign(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        CompletableFuture<HttpResponse<Void>> response =
                http().sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            return classify(response.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            response.cancel(true);
            return unavailable("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return unavailable(describe(e.getCause(), timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.cancel(true);
            return unavailable("interrupted");
        }
    }

    private Attempt classify(HttpResponse<Void> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Attempt(Outcome.DELIVERED, "HTTP " + status, Duration.ZERO);
        }
        if (status == 429 || status >= 500) {
            Duration retryAfter = response.headers()
                    .firstValue("Retry-After")
                    .filter(v -> v.matches("[0-9]{1,9}"))
                    .map(v -> Duration.ofSeconds(Long.parseLong(v)))
                    .map(d -> shorter(d, retries.maxDelay()))
                    .orElse(Duration.ZERO);
            return new Attempt(Outcome.UNAVAILABLE, "HTTP " + status, retryAfter);
        }
        String redirect = status >= 300 && status < 400 ? ", a redirect, which Sentinel does not follow" : "";
        return new Attempt(Outcome.REFUSED, "HTTP " + status + redirect, Duration.ZERO);
    }

    private static Attempt unavailable(String detail) {
        return new Attempt(Outcome.UNAVAILABLE, detail, Duration.ZERO);
    }

    private static String describe(Throwable cause, Duration timeout) {
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return "cannot connect" + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private void refused(Path file, Delivery failed) {
        String kept = file == null ? "" : " It is kept in " + outbox.failed(file, failed) + ".";
        warn("The webhook at " + origin + " refused the " + failed.type() + " notification (" + failed.lastError()
                + "); it will not be retried. Check the webhook URL and that the receiver has the same secret." + kept);
    }

    private void exhausted(Path file, Delivery failed) {
        String kept = file == null ? "" : " It is kept in " + outbox.failed(file, failed) + ".";
        warn("Gave up on the " + failed.type() + " notification to the webhook at " + origin + " after "
                + failed.attempts() + " attempts (last: " + failed.lastError() + ")." + kept);
    }

    private void later(Path file, Delivery delivery, String why) {
        if (file == null) {
            warn("The " + delivery.type() + " notification did not reach the webhook at " + origin + " (" + why
                    + ") and could not be saved for a retry: it is lost.");
            return;
        }
        outbox.pending(file, delivery);
        warn("The " + delivery.type() + " notification did not reach the webhook at " + origin + " yet (" + why
                + "); it waits in " + outbox.directory() + " and a later command retries it.");
    }

    private Duration delayAfter(int failedAttempts, Attempt attempt) {
        Duration backoff = retries.delayAfter(failedAttempts, random);
        return backoff.compareTo(attempt.retryAfter()) >= 0 ? backoff : attempt.retryAfter();
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(retries.attemptTimeout())
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                    http = client;
                }
            }
        }
        return client;
    }

    private void warn(String message) {
        try {
            warnings.accept(message);
        } catch (RuntimeException ignored) {
            // A broken warning sink must not fail the command either.
        }
    }

    private String newDeliveryId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return HEX.formatHex(id);
    }

    private static boolean sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(deadline - System.nanoTime());
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static URI requireEndpoint(URI endpoint) {
        requireNonNull(endpoint, "endpoint is null");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || endpoint.getHost() == null) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "The webhook URL is not an http or https URL with a host name.",
                    "Give the receiver's full URL, for example https://hooks.example.com/sentinel.");
        }
        return endpoint;
    }

    private static byte[] requireSecret(byte[] secret) {
        requireNonNull(secret, "secret is null");
        if (secret.length < 16) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "The webhook secret is " + secret.length + " bytes long; it must have at least 16.",
                    "Use a long random secret, for example the output of 'openssl rand -hex 32', and give the"
                            + " receiver the same one.");
        }
        return secret.clone();
    }

    /** Scheme, host and port only: the path and query of a webhook URL often hold a token. */
    private static String origin(URI endpoint) {
        return endpoint.getScheme().toLowerCase(Locale.ROOT) + "://" + endpoint.getHost()
                + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort());
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + origin + "]";
    }
}
