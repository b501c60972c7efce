package dev.sentinel.cli;

import static java.util.Objects.requireNonNull;

import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.json.JsonWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "whoami",
        mixinStandardHelpOptions = true,
        description = {
            "Show who AWS says you are for PROFILE's base credentials: the user Sentinel's policy sees.",
            "Asks STS GetCallerIdentity every time (no cache). The operating-system user plays no part.",
        },
        footer = {"", "Example:", "  sentinel whoami --profile prod-role --json"})
final class WhoamiCommand implements Callable<Integer> {
    private final Platform platform;

    @Option(
            names = "--profile",
            required = true,
            paramLabel = "PROFILE",
            description = "AWS config profile whose base credentials to check.")
    String profile;

    @Option(names = "--json", description = "Print a JSON document (schemaVersion 1) instead of text.")
    boolean json;

    WhoamiCommand(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
    }

    @Override
    public Integer call() {
        CallerIdentity identity = Sentinel.open(platform).uncachedIdentity().resolve(Profiles.parse(profile));
        String type = identity.type().name().toLowerCase(Locale.ROOT);
        if (json) {
            platform.out()
                    .println(JsonWriter.object()
                            .field("schemaVersion", 1)
                            .field("arn", identity.arn())
                            .field("account_id", identity.accountId())
                            .field("identity_type", type)
                            .field("user", identity.user())
                            .close());
        } else {
            platform.out().println("user:     " + identity.user());
            platform.out().println("type:     " + type);
            platform.out().println("account:  " + identity.accountId());
            platform.out().println("arn:      " + identity.arn());
        }
        return 0;
    }
}
