package dev.sentinel.testing;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.AwsCredentials;
import dev.sentinel.credentials.CredentialIssuer;
import dev.sentinel.credentials.IssueRequest;
import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.policy.ProfileName;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link CredentialIssuer} that hands out recognisable fake credentials (or always fails) and records
 * every issue and discard call, so tests can check what the gate asked for and that secrets never leak.
 */
public final class RecordingCredentialIssuer implements CredentialIssuer {
    public static final String ACCESS_KEY_ID = "ASIATESTACCESSKEY0001";
    public static final String SECRET_ACCESS_KEY = "test-secret-access-key-must-never-be-logged";
    public static final String SESSION_TOKEN = "test-session-token-must-never-be-logged";
    public static final String ROLE_ARN = "arn:aws:iam::123456789012:role/test-role";
    public static final Instant EXPIRATION = Instant.parse("2030-01-01T01:00:00Z");

    /** A profile and caller the gate asked the issuer to forget. */
    public record Discard(ProfileName profile, CallerIdentity caller) {}

    private final RuntimeException failure;
    private final List<IssueRequest> issued = new CopyOnWriteArrayList<>();
    private final List<Discard> discarded = new CopyOnWriteArrayList<>();

    private RecordingCredentialIssuer(RuntimeException failure) {
        this.failure = failure;
    }

    public static RecordingCredentialIssuer issuing() {
        return new RecordingCredentialIssuer(null);
    }

    public static RecordingCredentialIssuer failingWith(RuntimeException failure) {
        return new RecordingCredentialIssuer(requireNonNull(failure, "failure is null"));
    }

    public static AwsCredentials credentials() {
        return new AwsCredentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, EXPIRATION);
    }

    @Override
    public IssuedCredentials issue(IssueRequest request) {
        issued.add(request);
        if (failure != null) {
            throw failure;
        }
        return new IssuedCredentials(credentials(), request.sourceIdentity(), ROLE_ARN, false);
    }

    @Override
    public void discard(ProfileName profile, CallerIdentity caller) {
        discarded.add(new Discard(profile, caller));
    }

    /** Every request passed to {@link #issue}, including ones that then failed. */
    public List<IssueRequest> issued() {
        return List.copyOf(issued);
    }

    public List<Discard> discarded() {
        return List.copyOf(discarded);
    }
}
