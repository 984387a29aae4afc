package io.switchboard.operations.control;

/**
 * The outcome of one check.
 *
 * @param up whether the check passed
 * @param detail a short, non-sensitive explanation when it did not (null when up)
 */
public record HealthStatus(boolean up, String detail) {

    public static HealthStatus ok() {
        return new HealthStatus(true, null);
    }

    public static HealthStatus down(String detail) {
        return new HealthStatus(false, detail);
    }
}
