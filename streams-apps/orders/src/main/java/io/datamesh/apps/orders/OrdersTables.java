package io.datamesh.apps.orders;

/**
 * The orders service's tables, as {@link OrdersDomain}'s mappings read their change events: one
 * definition for every place that creates them (the demo database of {@code make run}, the CDC
 * benches, the chaos run), so that none of them drifts from what the mappings expect.
 */
public enum OrdersTables {

    /** {@code orders}: one row per order, updated as its status moves. */
    ORDERS("""
            (
              id VARCHAR(40) NOT NULL PRIMARY KEY,
              pizzeria_id VARCHAR(40) NOT NULL,
              customer_id VARCHAR(40) NULL,
              status VARCHAR(20) NOT NULL,
              placed_at TIMESTAMP(3) NOT NULL,
              total DECIMAL(10,2) NOT NULL,
              updated_at TIMESTAMP(3) NOT NULL
            )"""),

    /** {@code order_lines}: the pizzas of an order, one row per line; a refund updates its line. */
    ORDER_LINES("""
            (
              order_id VARCHAR(40) NOT NULL,
              line_no INT NOT NULL,
              pizzeria_id VARCHAR(40) NOT NULL,
              product_id VARCHAR(40) NOT NULL,
              quantity INT NOT NULL,
              unit_price DECIMAL(10,2) NOT NULL,
              placed_at TIMESTAMP(3) NOT NULL,
              refunded BOOLEAN NOT NULL DEFAULT FALSE,
              updated_at TIMESTAMP(3) NOT NULL,
              PRIMARY KEY (order_id, line_no)
            )""");

    private final String columns;

    OrdersTables(String columns) {
        this.columns = columns;
    }

    /** {@code CREATE TABLE <name> (…)}: fails where the table exists (a fresh database is expected). */
    public String create(String name) {
        return "CREATE TABLE " + name + " " + columns;
    }

    /** {@code CREATE TABLE IF NOT EXISTS <name> (…)}: a database that may have it from an earlier run. */
    public String createIfAbsent(String name) {
        return "CREATE TABLE IF NOT EXISTS " + name + " " + columns;
    }
}
