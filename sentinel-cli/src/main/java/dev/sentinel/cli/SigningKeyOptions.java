package dev.sentinel.cli;

import picocli.CommandLine.Option;

/** Which policy-signing key to use: the options {@code policy sign}, {@code verify} and {@code push} share. */
final class SigningKeyOptions {
    @Option(
            names = "--key",
            paramLabel = "KEY",
            description = "'local' or 'kms:<key id, alias or ARN>' (default: policy.signature.key, else local).")
    String key;

    @Option(names = "--aws-profile", paramLabel = "PROFILE", description = "The AWS profile to call KMS with.")
    String awsProfile;
}
