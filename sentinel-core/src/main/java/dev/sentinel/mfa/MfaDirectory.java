package dev.sentinel.mfa;

import java.util.Optional;

/** Port: each user's second factors: a TOTP secret and a phone number for SMS codes. */
public interface MfaDirectory {
    MfaDirectory NONE = new MfaDirectory() {
        @Override
        public Optional<byte[]> totpSecret(String user) {
            return Optional.empty();
        }

        @Override
        public Optional<String> phone(String user) {
            return Optional.empty();
        }
    };

    Optional<byte[]> totpSecret(String user);

    /** The phone number in E.164 form, for example +15555550100. */
    Optional<String> phone(String user);
}
