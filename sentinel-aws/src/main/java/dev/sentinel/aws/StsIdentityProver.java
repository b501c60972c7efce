package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.IdentityProof;
import dev.sentinel.identity.IdentityProver;
import dev.sentinel.policy.ProfileName;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * Signs (SigV4) an STS GetCallerIdentity request with the caller's base credentials, for a token vending
 * machine to forward to STS (docs/tvm.md). The request is never sent from here. It is signed for the STS
 * endpoint the environment configures ({@code AWS_ENDPOINT_URL_STS}, {@code AWS_ENDPOINT_URL}, the
 * profile's {@code endpoint_url}), else the global endpoint, which the server must expect too.
 */
public final class StsIdentityProver implements IdentityProver {
    public static final URI GLOBAL_ENDPOINT = URI.create("https://sts.amazonaws.com/");
    private static final Pattern REGIONAL = Pattern.compile("sts[.-]([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

    private final CallerCredentials caller;
    private final URI endpoint;
    private final String region;
    private final Clock clock;

    private StsIdentityProver(CallerCredentials caller, URI endpoint, String region, Clock clock) {
        this.caller = requireNonNull(caller, "caller is null");
        this.endpoint = endpoint(requireNonNull(endpoint, "endpoint is null"));
        this.region = requireNonNull(region, "region is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Proves the identity behind the base credentials of local profile {@code profile} (its source profile
     * when it assumes a role, as everywhere in Sentinel). Without a profile: the keys in the environment,
     * else {@code AWS_PROFILE}'s or the {@code default} profile's base credentials, else the SDK's default
     * credentials chain.
     */
    public static StsIdentityProver forProfile(AwsProfiles profiles, ProfileName profile, Clock clock) {
        AwsEnvironment env = profiles.environment();
        CallerCredentials caller = CallerCredentials.of(profiles, profile);
        URI endpoint = env.endpoint("STS", caller.profile()).map(URI::create).orElse(GLOBAL_ENDPOINT);
        return new StsIdentityProver(caller, endpoint, signingRegion(endpoint, caller.region(env)), clock);
    }

    /**
     * The STS endpoint this environment signs proofs for and a server forwards them to, unless told
     * otherwise: the configured STS endpoint override, else {@link #GLOBAL_ENDPOINT}.
     */
    public static URI defaultEndpoint(AwsProfiles profiles) {
        return endpoint(
                profiles.environment().endpoint("STS", null).map(URI::create).orElse(GLOBAL_ENDPOINT));
    }

    /** The region STS expects a signature for at {@code endpoint}. */
    static String signingRegion(URI endpoint, Optional<String> fallback) {
        String host = endpoint.getHost() == null ? "" : endpoint.getHost();
        if (host.equals("sts.amazonaws.com")) {
            return "us-east-1";
        }
        Matcher m = REGIONAL.matcher(host);
        return m.matches() ? m.group(1) : fallback.orElse(AwsClients.DEFAULT_REGION);
    }

    @Override
    public IdentityProof prove(String serverId) {
        requireNonNull(serverId, "serverId is null");
        byte[] body = IdentityProof.GET_CALLER_IDENTITY_BODY.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .putHeader(IdentityProof.SERVER_ID_HEADER, serverId)
                .build();
        AwsCredentials identity = caller.resolve("sign an identity proof", endpoint.toString());
        SdkHttpRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(identity)
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock))
                .request();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : signed.headers().entrySet()) {
            headers.put(header.getKey(), String.join(",", header.getValue()));
        }
        return new IdentityProof("POST", endpoint.toString(), IdentityProof.GET_CALLER_IDENTITY_BODY, headers);
    }

    private static URI endpoint(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.isEmpty() ? URI.create(uri + "/") : uri;
    }

    @Override
    public String toString() {
        return "StsIdentityProver[" + caller.who() + " -> " + endpoint + "]";
    }
}
