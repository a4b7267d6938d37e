package org.privtune.cloud;

/**
 * Gives the C library's free memory back to the operating system (glibc's {@code malloc_trim}).
 * The engine allocates a session's top, optimiser state and activations with the C library's
 * malloc; when the session closes they are freed, but glibc keeps the freed pages in its heaps
 * (the launch scripts even ask it to: no automatic trimming, so that training steps reuse warm
 * pages), and the pieces left between longer-lived allocations are not reused whole by the next
 * session. A long-running endpoint then grows by every session it served. Trimming after each
 * session returns those pages while the next steps still find the arena's top in place.
 */
final class NativeHeap {

    /** glibc's malloc_trim through JNA, or null where there is no such function (not glibc, no JNA). */
    private static final Trim TRIM = load();

    /** Set to true (-Dprivtune.cloud.keepFreedMemory=true) to keep freed memory, for comparison. */
    static final boolean KEEP = Boolean.getBoolean("privtune.cloud.keepFreedMemory");

    interface Trim {
        int trim();
    }

    interface CLibrary extends com.sun.jna.Library {
        int malloc_trim(long pad);
    }

    private NativeHeap() {
    }

    private static Trim load() {
        try {
            CLibrary c = com.sun.jna.Native.load("c", CLibrary.class);
            return () -> c.malloc_trim(0);
        } catch (LinkageError | RuntimeException e) {
            return null; // not glibc, or JNA is not there: nothing to trim
        }
    }

    /** Whether trimming is available and on. */
    static boolean enabled() {
        return TRIM != null && !KEEP;
    }

    /** Returns free pages of the C heaps to the system; true when some memory was released. */
    static boolean trim() {
        return enabled() && TRIM.trim() != 0;
    }
}
