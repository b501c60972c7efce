package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * A YAML document kept in one SSM parameter (the Lambda function's profile registry and workflow
 * policies), read with the server's own credentials, parsed, and kept for {@code ttl}, so a change reaches
 * every instance within that time. A missing, unreadable or invalid parameter is an error on every read,
 * never an empty or stale document.
 *
 * @param <T> the parsed document
 */
public final class SsmDocument<T> implements Supplier<T> {
    private final AwsClients clients;
    private final String parameter;
    private final String what;
    private final String example;
    private final BiFunction<String, String, T> parser;
    private final Duration ttl;
    private final Clock clock;
    private T cached;
    private Instant fetchedAt;

    /**
     * @param clients the server's own clients ({@link AwsClients#forService})
     * @param what what the document is, for messages ("profile registry")
     * @param example the file name a fix hint puts into the parameter ("profiles.yaml")
     * @param parser parses (source name, text), throwing a {@link SentinelException} that names the problems
     */
    public SsmDocument(
            AwsClients clients,
            String parameter,
            String what,
            String example,
            BiFunction<String, String, T> parser,
            Duration ttl,
            Clock clock) {
        this.clients = requireNonNull(clients, "clients is null");
        this.parameter = requireNonNull(parameter, "parameter is null");
        this.what = requireNonNull(what, "what is null");
        this.example = requireNonNull(example, "example is null");
        this.parser = requireNonNull(parser, "parser is null");
        this.ttl = requireNonNull(ttl, "ttl is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * @throws SentinelException CONFIG_INVALID when the parameter does not exist, the parser's error when it
     *     is invalid, or the translated AWS error when SSM cannot be read
     */
    @Override
    public synchronized T get() {
        Instant now = clock.instant();
        if (cached != null && now.isBefore(fetchedAt.plus(ttl))) {
            return cached;
        }
        cached = null;
        String text;
        try {
            text = clients.ssm(clients.requireService(), null)
                    .getParameter(b -> b.name(parameter).withDecryption(true))
                    .parameter()
                    .value();
        } catch (ParameterNotFoundException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "The " + what + " parameter " + parameter + " does not exist.",
                    "Create it with 'aws ssm put-parameter --name " + parameter + " --type String --value file://"
                            + example + "'.");
        } catch (SdkException e) {
            throw AwsErrors.translate(
                    e,
                    "read the " + what + " " + parameter + " from SSM",
                    clients.endpointDescription(clients.requireService(), "SSM"));
        }
        cached = parser.apply("ssm:" + parameter, text);
        fetchedAt = now;
        return cached;
    }
}
