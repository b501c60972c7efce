package dev.sentinel.policy;

import java.util.Locale;

/**
 * What is known about the requesting device. A null field means "unknown", and an unknown fact never
 * satisfies a device condition that asks for it.
 */
public record DevicePosture(
        Boolean diskEncrypted,
        Boolean mdmEnrolled,
        Boolean mdmCompliant,
        Boolean firewallEnabled,
        String osType,
        String osVersion) {

    public DevicePosture {
        osType = osType == null ? null : osType.toLowerCase(Locale.ROOT);
    }
}
