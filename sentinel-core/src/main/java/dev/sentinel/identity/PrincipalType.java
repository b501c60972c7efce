package dev.sentinel.identity;

/** The kinds of principal that STS GetCallerIdentity can report. */
public enum PrincipalType {
    IAM_USER,
    ASSUMED_ROLE,
    FEDERATED_USER,
    ROOT
}
