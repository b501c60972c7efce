package dev.sentinel.cli;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.ProfileName;

final class Profiles {
    private Profiles() {}

    static ProfileName parse(String text) {
        if (!ProfileName.isValid(text)) {
            throw new SentinelException(
                    ErrorCode.USAGE,
                    "'" + text + "' is not a usable profile name.",
                    "Use the profile's name from ~/.aws/config without the 'profile ' prefix.");
        }
        return new ProfileName(text);
    }
}
