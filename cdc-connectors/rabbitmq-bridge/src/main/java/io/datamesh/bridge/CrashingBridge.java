package io.datamesh.bridge;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bridge process that dies like {@code kill -9} right after Kafka acknowledged its n-th record (a
 * raw record, or the receipt that follows it), before the bus hears of it: {@code CrashingBridge <config file> <bootstrap servers> <amqp uri> <n>}.
 * Fault injection, not a way to run the bridge: the bridge's crash test and {@code make chaos} (R3) start it
 * as a child JVM.
 */
public final class CrashingBridge {

    /** The exit status of the halt: what a shell reports for a process killed by SIGKILL. */
    public static final int HALTED = 137;

    private CrashingBridge() {
    }

    public static void main(String[] args) throws InterruptedException {
        int haltAfter = Integer.parseInt(args[3]);
        AtomicInteger kafkaAcks = new AtomicInteger();
        RabbitBridge.builder(BridgeConfig.load(Path.of(args[0])), args[1]).amqpUri(args[2])
                .afterKafkaAck(() -> {
                    if (kafkaAcks.incrementAndGet() == haltAfter) {
                        Runtime.getRuntime().halt(HALTED); // no shutdown hook, no close: the process is gone
                    }
                })
                .build().start();
        Thread.currentThread().join();
    }
}
