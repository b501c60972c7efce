package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.aws.AwsEnvironment;
import dev.sentinel.aws.AwsProfiles;
import dev.sentinel.aws.StsIdentityProver;
import dev.sentinel.identity.IdentityProof;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints one identity proof, for load tests that replay it (a proof stays valid for a few minutes, the
 * way the STS request inside it does). Hidden: clients sign their own proofs at every request.
 */
@Command(
        name = "proof",
        hidden = true,
        description = "Print the " + IdentityProof.HEADER + " header value that proves who you are to a server.")
final class TvmProofCommand implements Callable<Integer> {
    private final Platform platform;

    @Option(names = "--server-id", required = true, paramLabel = "ID", description = "The server's id.")
    String serverId;

    @Option(
            names = "--aws-profile",
            paramLabel = "PROFILE",
            description = "The local AWS profile whose base credentials sign the proof (default: the environment's).")
    String awsProfile;

    TvmProofCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        AwsProfiles profiles = new AwsProfiles(new AwsEnvironment(platform.env(), platform.userHome()));
        StsIdentityProver prover = StsIdentityProver.forProfile(
                profiles, awsProfile == null ? null : Profiles.parse(awsProfile), platform.clock());
        platform.out().println(prover.prove(serverId).encode());
        return 0;
    }
}
