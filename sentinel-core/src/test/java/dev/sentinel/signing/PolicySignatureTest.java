package dev.sentinel.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.policy.LoadedPolicy;
import dev.sentinel.policy.ProfileName;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class PolicySignatureTest {
    private static final String POLICY = "version: \"1\"\nrules:\n  - name: a\n    effect: allow\n";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    /** A JDK Ed25519 key standing in for the local and KMS adapters. */
    private static final class TestKey implements PolicySigner, SignatureVerifier {
        private final KeyPair pair;
        private final String id;

        TestKey(String id) {
            try {
                this.pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
            this.id = id;
        }

        @Override
        public String keyId() {
            return id;
        }

        @Override
        public String algorithm() {
            return "ED25519";
        }

        @Override
        public byte[] sign(byte[] message) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(pair.getPrivate());
                s.update(message);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public boolean verify(String algorithm, byte[] message, byte[] signature) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(pair.getPublic());
                s.update(message);
                return s.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }

    private final TestKey key = new TestKey("test:1");

    private static void refused(ThrowingCallable call, String why) {
        assertThatThrownBy(call)
                .isInstanceOf(SentinelException.class)
                .hasMessageContaining(why)
                .extracting(e -> ((SentinelException) e).code())
                .isEqualTo(ErrorCode.POLICY_SIGNATURE_INVALID);
    }

    @Test
    void aSignatureVerifiesForItsBindingAndBytes() {
        PolicySignature signature = PolicySignature.sign(key, "prod", POLICY, NOW);
        PolicySignature reread = PolicySignature.fromJson(signature.toJson(), "prod.yaml.sig");
        reread.verify(key, "prod", POLICY, "prod.yaml");
        assertThat(reread.keyId()).isEqualTo("test:1");
        assertThat(reread.sha256()).isEqualTo(LoadedPolicy.sha256Hex(POLICY));
        assertThat(reread.signedAt()).isEqualTo(NOW);
        assertThat(signature.toJson()).startsWith("{\"format\":\"sentinel-policy-signature/1\",\"binding\":\"prod\",");
    }

    @Test
    void aSignatureCopiedToAnotherProfileIsRefused() {
        PolicySignature signature = PolicySignature.sign(key, "dev", POLICY, NOW);
        refused(() -> signature.verify(key, "prod", POLICY, "prod.yaml"), "made for 'dev', not for 'prod'");
    }

    @Test
    void anEditedPolicyIsRefused() {
        PolicySignature signature = PolicySignature.sign(key, "prod", POLICY, NOW);
        refused(() -> signature.verify(key, "prod", POLICY.replace("allow", "deny"), "prod.yaml"), "bytes changed");
        refused(() -> signature.verify(key, "prod", POLICY + " ", "prod.yaml"), "bytes changed");
    }

    @Test
    void anotherKeyIsRefusedEvenWhenItClaimsTheTrustedId() {
        refused(
                () -> PolicySignature.sign(new TestKey("other"), "prod", POLICY, NOW)
                        .verify(key, "prod", POLICY, "p"),
                "not the trusted key");
        PolicySignature impostor = PolicySignature.sign(new TestKey("test:1"), "prod", POLICY, NOW);
        refused(() -> impostor.verify(key, "prod", POLICY, "p"), "does not match");
    }

    @Test
    void aForgedHeaderIsRefused() {
        String json = PolicySignature.sign(key, "prod", POLICY, NOW).toJson();
        String later = json.replace(NOW.toString(), NOW.plusSeconds(60).toString());
        refused(() -> PolicySignature.fromJson(later, "p").verify(key, "prod", POLICY, "p"), "does not match");
        String garbage = json.replaceAll(
                "\"signature\":\"[^\"]+\"",
                "\"signature\":\"" + Base64.getEncoder().encodeToString(new byte[64]) + "\"");
        refused(() -> PolicySignature.fromJson(garbage, "p").verify(key, "prod", POLICY, "p"), "does not match");
    }

    @Test
    void damagedDocumentsAreInvalidNotCrashes() {
        for (String doc : new String[] {
            "",
            "not json",
            "{\"format\":\"other\"}",
            "{\"format\":\"sentinel-policy-signature/1\"}",
            "{\"format\":\"sentinel-policy-signature/1\",\"binding\":\"p\",\"sha256\":\"00\",\"signed_at\":\"x\",\"key_id\":\"k\",\"algorithm\":\"a\",\"signature\":\"!\"}"
        }) {
            refused(() -> PolicySignature.fromJson(doc, "p.sig"), "not valid");
        }
    }

    @Test
    void theVerifyingSourceRefusesMissingAndWrongSignatures() {
        LoadedPolicy policy = LoadedPolicy.parse("policies/prod.yaml", POLICY);
        ProfileName prod = new ProfileName("prod");
        final String[] stored = {null};
        SignatureLookup lookup = new SignatureLookup() {
            @Override
            public Optional<String> signatureOf(ProfileName requester, LoadedPolicy p) {
                return Optional.ofNullable(stored[0]);
            }

            @Override
            public String bindingOf(LoadedPolicy p) {
                return "prod";
            }
        };
        VerifyingPolicySource source = new VerifyingPolicySource(profile -> policy, lookup, () -> key);
        refused(() -> source.load(prod), "has no signature");
        stored[0] = PolicySignature.sign(key, "dev", POLICY, NOW).toJson();
        refused(() -> source.load(prod), "made for 'dev'");
        stored[0] = PolicySignature.sign(key, "prod", POLICY, NOW).toJson();
        assertThat(source.load(prod)).isSameAs(policy);
    }
}
