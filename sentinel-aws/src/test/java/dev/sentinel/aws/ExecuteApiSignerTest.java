package dev.sentinel.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests to the Lambda token vending machine are signed for API Gateway. There is no API Gateway
 * emulator, so the signature is checked against another implementation of SigV4: botocore's, which
 * the AWS CLI and boto3 sign with.
 */
class ExecuteApiSignerTest {
    private static final String PYTHON = System.getProperty("sentinel.test.python", "python3");
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void findsTheRegionOfApiGatewayHostNamesOnly() {
        assertThat(ExecuteApiSigner.region(URI.create("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod")))
                .contains("eu-west-1");
        assertThat(ExecuteApiSigner.region(URI.create("https://A1B2C3D4E5.Execute-Api.us-east-1.amazonaws.com")))
                .contains("us-east-1");
        assertThat(ExecuteApiSigner.region(URI.create("https://tvm.example.com")))
                .isEmpty();
        assertThat(ExecuteApiSigner.region(URI.create("https://x.execute-api.eu-west-1.amazonaws.com.evil.example")))
                .isEmpty();
    }

    @Test
    void signsExactlyAsBotocoreDoes() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        env.put("AWS_SESSION_TOKEN", "session-token");
        env.put("AWS_CONFIG_FILE", dir.resolve("none").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("none").toString());
        ExecuteApiSigner signer = ExecuteApiSigner.forProfile(
                new AwsProfiles(new AwsEnvironment(env, dir)), null, "eu-west-1", Clock.fixed(NOW, ZoneOffset.UTC));

        for (String method : List.of("GET", "POST", "DELETE")) {
            URI url = URI.create(
                    "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/credentials?profile=dev-role%2Bx");
            Map<String, String> headers = signer.sign(method, url);

            assertThat(headers).containsEntry("X-Amz-Date", "20261122T100000Z");
            assertThat(headers).containsEntry("X-Amz-Security-Token", "session-token");
            assertThat(headers).doesNotContainKey("Host");
            assertThat(headers.get("Authorization"))
                    .as(method)
                    .isEqualTo(botocore(method, url, headers.get("x-amz-content-sha256")));
        }
    }

    /** The Authorization botocore computes for the same request, credentials and time. */
    private static String botocore(String method, URI url, String contentSha256)
            throws IOException, InterruptedException {
        String script = String.join(
                "\n",
                "import sys, datetime, botocore.auth",
                "from botocore.auth import SigV4Auth",
                "from botocore.awsrequest import AWSRequest",
                "from botocore.credentials import Credentials",
                "botocore.auth.get_current_datetime = lambda: datetime.datetime(2026, 11, 22, 10, 0, 0)",
                "method, url, sha = sys.argv[1], sys.argv[2], sys.argv[3]",
                "request = AWSRequest(method=method, url=url, headers={'x-amz-content-sha256': sha})",
                "creds = Credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', 'session-token')",
                "SigV4Auth(creds, 'execute-api', 'eu-west-1').add_auth(request)",
                "print(request.headers['Authorization'])");
        Process python = new ProcessBuilder(PYTHON, "-c", script, method, url.toString(), contentSha256)
                .redirectErrorStream(true)
                .start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(out).isZero();
        return out;
    }
}
