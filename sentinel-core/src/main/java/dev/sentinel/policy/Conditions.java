package dev.sentinel.policy;

import java.util.EnumSet;
import java.util.Set;

/**
 * The conditions of a rule, all ANDed. A null or empty part matches anything. Checking allocates
 * nothing; {@link #explainMismatch} builds the words only when a trace is asked for.
 */
public record Conditions(NameSet profiles, NameSet users, Set<Mode> modes, TimeCondition time, DeviceCondition device) {
    public static final Conditions ANY = new Conditions(null, null, Set.of(), null, null);

    /** The condition names, in the order they are checked. */
    public enum Part {
        PROFILES,
        USERS,
        MODE,
        TIME,
        DEVICE;

        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Conditions {
        modes = modes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(modes));
    }

    /** The first part that does not match, or null when all match. */
    Part firstMismatch(EvaluationRequest request, long localEpochSecondForTime) {
        if (profiles != null && !profiles.matches(request.profile().value())) {
            return Part.PROFILES;
        }
        if (users != null && !users.matches(request.user())) {
            return Part.USERS;
        }
        if (!modes.isEmpty() && !modes.contains(request.mode())) {
            return Part.MODE;
        }
        if (time != null && !time.matchesLocal(localEpochSecondForTime)) {
            return Part.TIME;
        }
        if (device != null && device.firstUnmet(request.device()) != null) {
            return Part.DEVICE;
        }
        return null;
    }

    String explainMismatch(Part part, EvaluationRequest request) {
        return switch (part) {
            case PROFILES -> "profile '" + request.profile() + "' is not in " + profiles;
            case USERS -> "user '" + request.user() + "' is not in " + users;
            case MODE -> "mode '" + request.mode().yamlName() + "' is not in " + modeNames();
            case TIME ->
                request.time().atZone(time.zone()).toLocalDateTime().withNano(0) + " "
                        + time.zone().getId() + " ("
                        + request.time()
                                .atZone(time.zone())
                                .getDayOfWeek()
                                .toString()
                                .toLowerCase(java.util.Locale.ROOT)
                        + ") is outside " + time.describe();
            case DEVICE -> device.firstUnmet(request.device());
        };
    }

    private String modeNames() {
        return modes.stream().map(Mode::yamlName).sorted().toList().toString();
    }
}
