package io.datamesh.topics;

import java.util.List;

/**
 * What {@link TopicProvisioner#ensure} found: topics it created, topics that already matched, and
 * the settings of existing topics that differ from the conventions (never changed silently).
 */
public record ProvisionReport(List<String> created, List<String> unchanged, List<TopicDrift> drifts) {

    public ProvisionReport {
        created = List.copyOf(created);
        unchanged = List.copyOf(unchanged);
        drifts = List.copyOf(drifts);
    }

    /** True when no existing topic differs from its spec. */
    public boolean clean() {
        return drifts.isEmpty();
    }
}
