package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.policy.ProfileName;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * Signs (SigV4, service {@code execute-api}) requests to the Lambda token vending machine with the user's
 * own base credentials, as API Gateway's IAM authorization requires (docs/tvm.md). Used for URLs on
 * API Gateway's own host names, {@code <api id>.execute-api.<region>.amazonaws.com}.
 */
public final class ExecuteApiSigner {
    private static final Pattern HOST =
            Pattern.compile("[a-z0-9]+\\.execute-api\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

    private final CallerCredentials caller;
    private final String region;
    private final Clock clock;

    private ExecuteApiSigner(CallerCredentials caller, String region, Clock clock) {
        this.caller = requireNonNull(caller, "caller is null");
        this.region = requireNonNull(region, "region is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The region of an API Gateway URL, or empty when the URL is not on an API Gateway host name. */
    public static Optional<String> region(URI url) {
        Matcher m = HOST.matcher(url.getHost() == null ? "" : url.getHost().toLowerCase(java.util.Locale.ROOT));
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Signs with the base credentials of local profile {@code profile}, or without one those chosen as for
     * {@link StsIdentityProver#forProfile}, for an API in {@code region}.
     */
    public static ExecuteApiSigner forProfile(AwsProfiles profiles, ProfileName profile, String region, Clock clock) {
        return new ExecuteApiSigner(CallerCredentials.of(profiles, profile), region, clock);
    }

    /**
     * The headers that authorize a request with an empty body: {@code Authorization}, {@code X-Amz-Date},
     * {@code x-amz-content-sha256} and, for session credentials, {@code X-Amz-Security-Token}. The HTTP
     * client sets {@code Host} from the same URL.
     */
    public Map<String, String> sign(String method, URI url) {
        AwsCredentials identity = caller.resolve("sign a request to " + url.getHost(), url.toString());
        SdkHttpRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(url)
                .build();
        SdkHttpRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(identity)
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(new byte[0]))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock))
                .request();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : signed.headers().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("host")) {
                headers.put(header.getKey(), String.join(",", header.getValue()));
            }
        }
        return headers;
    }

    @Override
    public String toString() {
        return "ExecuteApiSigner[" + caller.who() + ", " + region + "]";
    }
}
