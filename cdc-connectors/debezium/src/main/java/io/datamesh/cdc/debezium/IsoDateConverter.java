package io.datamesh.cdc.debezium;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Properties;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Writes {@code DATE} columns as ISO-8601 text ({@code "2018-07-08"}) instead of Debezium's days since
 * 1970 (a number that {@code ChangeEvent.Row.time} would read as epoch milliseconds, silently
 * wrong). A domain reads it with {@code text} and {@code LocalDate.parse}. MariaDB's zero date
 * ({@code 0000-00-00}) has no ISO form and arrives as null.
 */
public final class IsoDateConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    @Override
    public void configure(Properties props) {
        // Nothing to configure: one format, the one the raw format's readers expect.
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (!"DATE".equals(column.typeName().toUpperCase(Locale.ROOT))) {
            return;
        }
        registration.register(SchemaBuilder.string().optional(), value -> {
            if (value == null) {
                return null;
            }
            if (value instanceof LocalDate d) {
                return d.format(DateTimeFormatter.ISO_LOCAL_DATE);
            }
            if (value instanceof java.sql.Date d) {
                return d.toLocalDate().format(DateTimeFormatter.ISO_LOCAL_DATE);
            }
            if (value instanceof java.util.Date d) {
                return d.toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate().format(DateTimeFormatter.ISO_LOCAL_DATE);
            }
            if (value instanceof Number days) {
                return LocalDate.ofEpochDay(days.longValue()).format(DateTimeFormatter.ISO_LOCAL_DATE);
            }
            String text = value.toString();
            return text.startsWith("0000-00-00") ? null : text;
        });
    }
}
