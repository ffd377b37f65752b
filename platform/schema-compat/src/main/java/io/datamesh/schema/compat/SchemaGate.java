package io.datamesh.schema.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.Schema;

/**
 * The build gate of a feature team: compares the module's public schemas with their published
 * versions and reports every break as field and rule, with the way out. {@code mesh schema check}
 * and the domains' tests call it; a break fails the owner's build, never a consumer's report.
 */
public final class SchemaGate {

    private static final Pattern PRODUCT_SUBJECT = Pattern.compile("(.+\\.product\\..+\\.v)([1-9][0-9]*)-(value|key)");

    private SchemaGate() {
    }

    /** The verdict on one subject. */
    public record Verdict(String subject, Status status, int publishedVersions, List<CompatibilityViolation> violations) {

        /** Unchanged or compatible, not yet published, or broken. */
        public enum Status { OK, NEW, BROKEN }

        /** What to print: a line, and for a break one line per violation and the way out. */
        public String describe() {
            return switch (status) {
                case OK -> "ok      " + subject + " (compatible with " + publishedVersions + " published version"
                        + (publishedVersions == 1 ? "" : "s") + ")";
                case NEW -> "new     " + subject + " (no published version yet; publish it to start its history)";
                case BROKEN -> {
                    StringBuilder sb = new StringBuilder("BROKEN  " + subject + ": " + violations.size() + " break"
                            + (violations.size() == 1 ? "" : "s") + " with its published versions");
                    violations.forEach(v -> sb.append("\n  ").append(v.message()));
                    sb.append("\n  way out: ").append(wayOut(subject));
                    yield sb.toString();
                }
            };
        }
    }

    /** Checks each {@code subject → current schema} against {@code published}. */
    public static List<Verdict> check(Map<String, Schema> current, PublishedSchemas published) {
        List<Verdict> out = new ArrayList<>();
        current.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            List<Schema> versions = published.versions(e.getKey());
            if (versions.isEmpty()) {
                out.add(new Verdict(e.getKey(), Verdict.Status.NEW, 0, List.of()));
                return;
            }
            List<CompatibilityViolation> violations = SchemaCompatibilityChecker.check(e.getValue(), versions, published.level(e.getKey()));
            out.add(new Verdict(e.getKey(), violations.isEmpty() ? Verdict.Status.OK : Verdict.Status.BROKEN, versions.size(), violations));
        });
        return out;
    }

    /** Whether any verdict is a break. */
    public static boolean broken(List<Verdict> verdicts) {
        return verdicts.stream().anyMatch(v -> v.status() == Verdict.Status.BROKEN);
    }

    /** The concrete way out for a subject: its product's next major version. */
    public static String wayOut(String subject) {
        Matcher m = PRODUCT_SUBJECT.matcher(subject);
        if (m.matches()) {
            int next = Integer.parseInt(m.group(2)) + 1;
            return "keep the change compatible (add fields with defaults, keep old fields and symbols), or publish it as a new"
                    + " major version: topic " + m.group(1) + next + " (subject " + m.group(1) + next + "-" + m.group(3)
                    + "), and keep " + m.group(1) + m.group(2) + " running until its consumers have moved";
        }
        return "keep the change compatible (add fields with defaults, keep old fields and symbols), or " + SchemaCompatibilityChecker.WAY_OUT;
    }
}
