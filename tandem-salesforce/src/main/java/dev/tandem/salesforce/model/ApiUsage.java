package dev.tandem.salesforce.model;

/**
 * The org's API request usage in the rolling 24-hour window, as last reported by Salesforce in the
 * {@code Sforce-Limit-Info: api-usage=used/max} response header (salesforce-api.md §2.7, §5).
 *
 * @param used requests made in the window
 * @param max  the org's allocation
 */
public record ApiUsage(long used, long max) {

    public ApiUsage {
        if (used < 0 || max < 0) {
            throw new IllegalArgumentException("api usage must not be negative: " + used + "/" + max);
        }
    }

    /** Used share of the allocation, 0.0 to 1.0 (or above when the org is over its limit); 0 when max is 0. */
    public double fraction() {
        return max == 0 ? 0.0 : (double) used / max;
    }
}
