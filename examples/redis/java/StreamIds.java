package com.example.sse;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis stream entry ids ("1700000000000-0") used as SSE ids: their order, and where a stream request
 * starts. The same rule as resumeAfter() in examples/redis/userEvents.mjs. No dependencies.
 */
public final class StreamIds {
    private static final Pattern ID = Pattern.compile("(\\d{1,20})-(\\d{1,20})");
    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(64);

    private StreamIds() {}

    /** Whether {@code id} is a complete stream id whose parts fit Redis's unsigned 64-bit numbers. */
    public static boolean isStreamId(String id) {
        Matcher match = ID.matcher(id);
        return match.matches()
                && new BigInteger(match.group(1)).compareTo(LIMIT) < 0
                && new BigInteger(match.group(2)).compareTo(LIMIT) < 0;
    }

    /** Orders two complete stream ids as Redis does: by time, then by sequence. */
    public static int compare(String a, String b) {
        Matcher x = ID.matcher(a);
        Matcher y = ID.matcher(b);
        if (!x.matches() || !y.matches()) throw new IllegalArgumentException("not stream ids: " + a + ", " + b);
        int byTime = new BigInteger(x.group(1)).compareTo(new BigInteger(y.group(1)));
        return byTime != 0 ? byTime : new BigInteger(x.group(2)).compareTo(new BigInteger(y.group(2)));
    }

    /**
     * Where a stream request starts: after the client's last id when the stream knows it, else after
     * the newest entry (live only, no old history). An id that is not a stream id, or lies beyond the
     * newest entry, would make XREAD wait for entries that never come, so it counts as no id.
     *
     * @param lastEventId the Last-Event-ID header or the lastEventId query parameter; "" if none
     * @param newestId the stream's last generated id, "0-0" when it has none
     */
    public static String resumeAfter(String lastEventId, String newestId) {
        if (!lastEventId.isEmpty() && isStreamId(lastEventId) && compare(lastEventId, newestId) <= 0) return lastEventId;
        return newestId;
    }
}
