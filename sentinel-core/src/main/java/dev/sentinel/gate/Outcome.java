package dev.sentinel.gate;

import static java.util.Objects.requireNonNull;

import dev.sentinel.credentials.IssuedCredentials;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.identity.CallerIdentity;
import dev.sentinel.identity.RequestId;
import dev.sentinel.policy.Decision;

/** What the gate did with a request. Every outcome carries the decision id the user can quote. */
public sealed interface Outcome permits Outcome.Issued, Outcome.Refused, Outcome.DryRun {
    RequestId decisionId();

    /** Credentials were issued because the policy allowed it. */
    record Issued(RequestId decisionId, CallerIdentity caller, Decision decision, IssuedCredentials credentials)
            implements Outcome {
        public Issued {
            requireNonNull(decisionId, "decisionId is null");
            requireNonNull(caller, "caller is null");
            requireNonNull(decision, "decision is null");
            requireNonNull(credentials, "credentials is null");
        }
    }

    /**
     * Nothing was issued. {@code caller} and {@code decision} are null when the refusal happened before
     * they were known (for example, the policy could not be loaded).
     */
    record Refused(
            RequestId decisionId, CallerIdentity caller, Decision decision, ErrorCode code, String message, String hint)
            implements Outcome {
        public Refused {
            requireNonNull(decisionId, "decisionId is null");
            requireNonNull(code, "code is null");
            requireNonNull(message, "message is null");
            hint = hint == null ? "" : hint;
        }
    }

    /**
     * A dry run: what the gate would have done. {@code wouldRefuse} is null when it would have issued
     * credentials, else the refusal it would have given.
     */
    record DryRun(RequestId decisionId, CallerIdentity caller, Decision decision, Refused wouldRefuse)
            implements Outcome {
        public DryRun {
            requireNonNull(decisionId, "decisionId is null");
            requireNonNull(caller, "caller is null");
            requireNonNull(decision, "decision is null");
        }
    }
}
