package dev.sentinel.aws;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The process environment as the AWS tools read it, injected so tests need not mutate the real one:
 * config file locations, default region, and the standard endpoint settings.
 */
public record AwsEnvironment(Map<String, String> variables, Path userHome) {
    public AwsEnvironment {
        variables = Map.copyOf(requireNonNull(variables, "variables is null"));
        requireNonNull(userHome, "userHome is null");
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(variables.get(name)).filter(v -> !v.isBlank());
    }

    Path configFile() {
        return get("AWS_CONFIG_FILE")
                .map(this::expand)
                .orElse(userHome.resolve(".aws").resolve("config"));
    }

    Path credentialsFile() {
        return get("AWS_SHARED_CREDENTIALS_FILE")
                .map(this::expand)
                .orElse(userHome.resolve(".aws").resolve("credentials"));
    }

    Optional<String> region() {
        return get("AWS_REGION").or(() -> get("AWS_DEFAULT_REGION"));
    }

    /**
     * The endpoint for a service per the AWS SDKs' shared configuration: {@code AWS_ENDPOINT_URL_<SERVICE>},
     * then {@code AWS_ENDPOINT_URL}, then the profile's {@code endpoint_url}; none at all when
     * {@code AWS_IGNORE_CONFIGURED_ENDPOINT_URLS} is true.
     */
    Optional<String> endpoint(String serviceEnvSuffix, AwsProfile profile) {
        if (get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
                .map(Boolean::parseBoolean)
                .orElse(false)) {
            return Optional.empty();
        }
        return get("AWS_ENDPOINT_URL_" + serviceEnvSuffix)
                .or(() -> get("AWS_ENDPOINT_URL"))
                .or(() -> profile == null ? Optional.empty() : profile.property("endpoint_url"));
    }

    private Path expand(String path) {
        return path.startsWith("~/") ? userHome.resolve(path.substring(2)) : Path.of(path);
    }
}
