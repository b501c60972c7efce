package dev.sentinel.aws;

import java.net.URI;
import software.amazon.awssdk.services.sns.SnsClient;

/** Where an SNS client's calls go, for error messages. */
final class SnsEndpoints {
    private SnsEndpoints() {}

    static String describe(SnsClient sns) {
        return sns.serviceClientConfiguration()
                .endpointOverride()
                .map(URI::toString)
                .orElse("the AWS SNS endpoint");
    }
}
