package dev.sentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which callers the resident agent may answer as a new process would. */
class AgentEnvironmentTest {
    private static final Map<String, String> OWN = Map.of(
            "HOME", "/home/alice",
            "PATH", "/usr/bin",
            "AWS_CONFIG_FILE", "/home/alice/.aws/config",
            "SENTINEL_HOME", "/home/alice/.sentinel",
            "SENTINEL_CDS", "sync",
            "PWD", "/home/alice/src");

    private static Map<String, String> with(String name, String value) {
        java.util.HashMap<String, String> changed = new java.util.HashMap<>(OWN);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return changed;
    }

    @Test
    void theSameSettingsAreServed() {
        assertThat(AgentCommand.sameProcessEnvironment(OWN, OWN)).isTrue();
    }

    @Test
    void shellBookkeepingAndLauncherSettingsDoNotMatter() {
        assertThat(AgentCommand.sameProcessEnvironment(with("PWD", "/tmp"), OWN))
                .isTrue();
        assertThat(AgentCommand.sameProcessEnvironment(with("SENTINEL_CDS", null), OWN))
                .isTrue();
        assertThat(AgentCommand.sameProcessEnvironment(with("SENTINEL_AGENT_IDLE", "60"), OWN))
                .isTrue();
    }

    @Test
    void anythingTheSdkOrTheJvmReadsFromTheProcessMustBeEqual() {
        assertThat(AgentCommand.sameProcessEnvironment(with("AWS_PROFILE", "other"), OWN))
                .isFalse();
        assertThat(AgentCommand.sameProcessEnvironment(with("AWS_CONFIG_FILE", null), OWN))
                .isFalse();
        assertThat(AgentCommand.sameProcessEnvironment(with("aws_access_key_id", "AKIA"), OWN))
                .isFalse();
        assertThat(AgentCommand.sameProcessEnvironment(with("SENTINEL_HOME", "/elsewhere"), OWN))
                .isFalse();
        assertThat(AgentCommand.sameProcessEnvironment(with("HTTPS_PROXY", "http://proxy:3128"), OWN))
                .isFalse();
        assertThat(AgentCommand.sameProcessEnvironment(with("JAVA_TOOL_OPTIONS", "-Xmx1g"), OWN))
                .isFalse();
        assertThat(AgentCommand.sameProcessEnvironment(with("HOME", "/root"), OWN))
                .isFalse();
        assertThat(AgentCommand.sameProcessEnvironment(with("PATH", "/opt/bin:/usr/bin"), OWN))
                .isFalse();
        assertThat(AgentCommand.sameProcessEnvironment(with("TZ", "Europe/Berlin"), OWN))
                .isFalse();
    }
}
