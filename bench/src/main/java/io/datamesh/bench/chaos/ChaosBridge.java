package io.datamesh.bench.chaos;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import io.datamesh.bridge.BridgeConfig;
import io.datamesh.bridge.RabbitBridge;

/**
 * The bus bridge as a process that dies like {@code kill -9} right after Kafka acknowledged its n-th
 * record, before the bus hears of it: the worst moment for a bridge (R3). Usage:
 * {@code ChaosBridge <config file> <bootstrap servers> <amqp uri> <n>}.
 */
public final class ChaosBridge {

    /** The exit status of the halt: what a shell reports for a process killed by SIGKILL. */
    static final int HALTED = 137;

    private ChaosBridge() {
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
