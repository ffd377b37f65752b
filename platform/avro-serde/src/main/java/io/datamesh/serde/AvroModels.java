package io.datamesh.serde;

import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;

/** The Avro data model the serdes use: specific classes from a class loader, with the logical types we use. */
public final class AvroModels {

    private AvroModels() {
    }

    /** A model that finds generated classes through {@code loader} (a domain's own class loader in the runtime). */
    public static SpecificData specific(ClassLoader loader) {
        SpecificData model = new SpecificData(loader);
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
        return model;
    }
}
