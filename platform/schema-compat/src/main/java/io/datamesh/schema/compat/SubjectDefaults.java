package io.datamesh.schema.compat;

import java.util.regex.Pattern;


/**
 * The platform's default compatibility per subject: BACKWARD_TRANSITIVE for the subjects of public
 * products ({@code <domain>.product.<name>.v<major>-value|-key}), Confluent's BACKWARD otherwise.
 */
public final class SubjectDefaults {

    private static final Pattern PRODUCT_SUBJECT = Pattern.compile("[a-z][a-z0-9-]*\\.product\\.[a-z][a-z0-9-]*\\.v[1-9][0-9]*-(value|key)");

    private SubjectDefaults() {
    }

    public static CompatibilityLevel levelFor(String subject) {
        return PRODUCT_SUBJECT.matcher(subject).matches() ? CompatibilityLevel.BACKWARD_TRANSITIVE : CompatibilityLevel.BACKWARD;
    }
}
