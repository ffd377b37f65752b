package io.datamesh.bitemporal;

/** The two orders in which an entity's history can be read. */
public enum HistoryOrder {
    /** By {@code validFrom}, then {@code recordedAt}: how the business saw it change. */
    VALID,
    /** By {@code recordedAt}, then {@code validFrom}: how the platform learned it. */
    RECORDED
}
