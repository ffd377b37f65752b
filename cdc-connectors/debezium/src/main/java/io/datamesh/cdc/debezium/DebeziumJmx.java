package io.datamesh.cdc.debezium;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's own metrics and notifications of one capture, read where Debezium publishes them: the
 * platform MBean server ({@code debezium.mariadb:type=connector-metrics,context=streaming|snapshot,server=<name>}
 * and {@code ...type=management,context=notifications,...}). A metric that is not registered (the
 * task is not running) reads as empty.
 */
final class DebeziumJmx {

    private static final Logger log = LoggerFactory.getLogger(DebeziumJmx.class);

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final String serverName;
    private ObjectName notifications;
    private NotificationListener listener;

    DebeziumJmx(String serverName) {
        this.serverName = serverName;
    }

    /** The initial or incremental snapshot as Debezium counts it. */
    record Snapshot(boolean running, boolean completed, boolean aborted, long totalTables, long remainingTables,
                    Map<String, Long> rowsScanned) {
    }

    /** Whether the binlog client is connected; empty while the task does not run. */
    Optional<Boolean> connected() {
        return attribute("streaming", "Connected").map(v -> (Boolean) v);
    }

    /** Milliseconds between the last binlog event's time and when the capture read it; empty before the first event. */
    Optional<Long> millisBehindSource() {
        return attribute("streaming", "MilliSecondsBehindSource").map(v -> ((Number) v).longValue()).filter(v -> v >= 0);
    }

    /** Events the streaming reader has seen (every table, not only the captured ones). */
    Optional<Long> eventsSeen() {
        return attribute("streaming", "TotalNumberOfEventsSeen").map(v -> ((Number) v).longValue());
    }

    Optional<Snapshot> snapshot() {
        Optional<ObjectName> name = find("connector-metrics", "snapshot");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, Long> rows = new LinkedHashMap<>();
            Object scanned = server.getAttribute(name.get(), "RowsScanned");
            if (scanned instanceof TabularData table) {
                for (Object row : table.values()) {
                    CompositeData d = (CompositeData) row;
                    rows.put(String.valueOf(d.get("key")), ((Number) d.get("value")).longValue());
                }
            }
            return Optional.of(new Snapshot((Boolean) server.getAttribute(name.get(), "SnapshotRunning"),
                    (Boolean) server.getAttribute(name.get(), "SnapshotCompleted"),
                    (Boolean) server.getAttribute(name.get(), "SnapshotAborted"),
                    ((Number) server.getAttribute(name.get(), "TotalTableCount")).longValue(),
                    ((Number) server.getAttribute(name.get(), "RemainingTableCount")).longValue(), rows));
        } catch (InstanceNotFoundException e) {
            return Optional.empty();
        } catch (javax.management.JMException e) {
            log.debug("Cannot read Debezium snapshot metrics of {}: {}", serverName, e.getMessage());
            return Optional.empty();
        }
    }

    /** One notification of Debezium, e.g. about an incremental snapshot (its id is the snapshot's). */
    record Notice(String id, String aggregateType, String type, Map<String, String> data) {
    }

    /**
     * Passes each notification Debezium sends to {@code consumer}, once the notification MBean is
     * registered (at task start). The notification's own JSON leaves its id out, so the notices are
     * read from the MBean's list, which is then emptied: Debezium keeps every notice for JMX readers.
     */
    synchronized void subscribe(Consumer<Notice> consumer) {
        unsubscribe();
        Optional<ObjectName> name = find("management", "notifications");
        if (name.isEmpty()) {
            log.warn("Debezium notifications of {} are not registered; incremental snapshot progress comes from records only", serverName);
            return;
        }
        NotificationListener l = (n, handback) -> {
            try {
                Object list = server.getAttribute(name.get(), "Notifications");
                server.invoke(name.get(), "reset", new Object[0], new String[0]);
                if (list instanceof CompositeData[] notices) {
                    for (CompositeData c : notices) {
                        consumer.accept(notice(c));
                    }
                }
            } catch (javax.management.JMException e) {
                log.debug("Cannot read Debezium notifications of {}: {}", serverName, e.getMessage());
            }
        };
        try {
            server.addNotificationListener(name.get(), l, null, null);
            notifications = name.get();
            listener = l;
        } catch (InstanceNotFoundException e) {
            log.warn("Debezium notifications of {} went away before the capture subscribed", serverName);
        }
    }

    private static Notice notice(CompositeData c) {
        Map<String, String> data = new LinkedHashMap<>();
        if (c.get("additionalData") instanceof TabularData table) {
            for (Object row : table.values()) {
                CompositeData d = (CompositeData) row;
                data.put(String.valueOf(d.get("key")), String.valueOf(d.get("value")));
            }
        }
        return new Notice(String.valueOf(c.get("id")), String.valueOf(c.get("aggregateType")), String.valueOf(c.get("type")), data);
    }

    synchronized void unsubscribe() {
        if (notifications != null) {
            try {
                server.removeNotificationListener(notifications, listener);
            } catch (javax.management.JMException e) {
                log.debug("Debezium notifications of {} already unregistered: {}", serverName, e.getMessage());
            }
            notifications = null;
            listener = null;
        }
    }

    private Optional<Object> attribute(String context, String attribute) {
        Optional<ObjectName> name = find("connector-metrics", context);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(server.getAttribute(name.get(), attribute));
        } catch (InstanceNotFoundException e) {
            return Optional.empty();
        } catch (javax.management.JMException e) {
            log.debug("Cannot read Debezium metric {} of {}: {}", attribute, serverName, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<ObjectName> find(String type, String context) {
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName("debezium.*:type=" + type + ",context=" + context
                    + ",server=" + ObjectName.quote(serverName) + ",*"), null);
            if (names.isEmpty()) {
                names = server.queryNames(new ObjectName("debezium.*:type=" + type + ",context=" + context
                        + ",server=" + serverName + ",*"), null);
            }
            return names.stream().findFirst();
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException("server name " + serverName + " makes no JMX name", e);
        }
    }
}
