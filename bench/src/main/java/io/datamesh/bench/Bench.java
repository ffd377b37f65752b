package io.datamesh.bench;

/**
 * One measured workload. The runner calls {@link #setUp} once, then {@link #runOnce} for warm-up
 * and for every repetition (interleaved with the other benches), then {@link #tearDown}.
 */
interface Bench {

    /** Short stable name used in row ids and logs. */
    String name();

    void setUp(BenchContext context) throws Exception;

    /** One repetition; every call must do the same amount of work. */
    Sample runOnce() throws Exception;

    /**
     * Whether each repetition works on topics of its own, which the runner then deletes, so that
     * every repetition finds the broker as the one before it did. False for a bench whose later
     * repetitions find what the first one created (a start-up that checks existing topics).
     */
    default boolean ownTopicsPerRepetition() {
        return false;
    }

    default void tearDown() throws Exception {
    }
}
