package dev.sentinel.policy;

import java.util.List;
import java.util.Set;

/**
 * Device requirements of a rule. Each requirement must be positively known to hold: an unknown fact
 * (no posture, or a field the posture does not report) fails the condition, so a device rule never
 * matches by accident.
 */
public record DeviceCondition(
        boolean requireEncryption,
        boolean requireMdm,
        boolean requireMdmCompliant,
        boolean requireFirewall,
        String minOsVersion,
        Set<String> allowedOsTypes) {

    public DeviceCondition {
        allowedOsTypes = Set.copyOf(allowedOsTypes);
    }

    /** The first requirement the posture does not meet, or null when all are met. */
    String firstUnmet(DevicePosture posture) {
        if (posture == null) {
            return "no device posture is available for this request";
        }
        if (requireEncryption && !Boolean.TRUE.equals(posture.diskEncrypted())) {
            return "disk encryption is required";
        }
        if (requireMdm && !Boolean.TRUE.equals(posture.mdmEnrolled())) {
            return "MDM enrollment is required";
        }
        if (requireMdmCompliant && !Boolean.TRUE.equals(posture.mdmCompliant())) {
            return "an MDM-compliant device is required";
        }
        if (requireFirewall && !Boolean.TRUE.equals(posture.firewallEnabled())) {
            return "an enabled firewall is required";
        }
        if (!allowedOsTypes.isEmpty() && (posture.osType() == null || !allowedOsTypes.contains(posture.osType()))) {
            return "OS type must be one of " + List.copyOf(allowedOsTypes);
        }
        if (minOsVersion != null
                && (posture.osVersion() == null || compareVersions(posture.osVersion(), minOsVersion) < 0)) {
            return "OS version " + minOsVersion + " or later is required";
        }
        return null;
    }

    /** Compares dotted versions numerically part by part; "14.2.1" > "14.2", "10" > "9". */
    static int compareVersions(String a, String b) {
        String[] left = a.split("[.\\-+]");
        String[] right = b.split("[.\\-+]");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            long l = i < left.length ? leadingNumber(left[i]) : 0;
            long r = i < right.length ? leadingNumber(right[i]) : 0;
            if (l != r) {
                return Long.compare(l, r);
            }
        }
        return 0;
    }

    private static long leadingNumber(String part) {
        long value = 0;
        for (int i = 0; i < part.length() && Character.isDigit(part.charAt(i)) && i < 18; i++) {
            value = value * 10 + (part.charAt(i) - '0');
        }
        return value;
    }
}
