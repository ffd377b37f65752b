package io.datamesh.schema.compat;

import org.apache.avro.Schema;

/**
 * Turns the JSON-pointer location of an Avro incompatibility ({@code /fields/6/type/1/fields/4/type})
 * into a field path a person reads ({@code payload.quantity}).
 */
final class FieldPaths {

    private FieldPaths() {
    }

    static String of(Schema root, String location) {
        if (location == null || location.isEmpty() || location.equals("/")) {
            return "(the whole record " + root.getFullName() + ")";
        }
        String[] tokens = location.substring(1).split("/");
        StringBuilder path = new StringBuilder();
        Schema current = root;
        for (int i = 0; i < tokens.length && current != null; i++) {
            String t = tokens[i];
            switch (t) {
                case "fields" -> {
                    if (i + 1 >= tokens.length) {
                        return finish(path, root);
                    }
                    int index = Integer.parseInt(tokens[++i]);
                    if (current.getType() != Schema.Type.RECORD || index >= current.getFields().size()) {
                        return finish(path, root);
                    }
                    Schema.Field f = current.getFields().get(index);
                    if (path.length() > 0) {
                        path.append('.');
                    }
                    path.append(f.name());
                    current = f.schema();
                }
                case "type" -> {
                    // the field's type: already there
                }
                case "items" -> {
                    path.append("[]");
                    current = current.getType() == Schema.Type.ARRAY ? current.getElementType() : null;
                }
                case "values" -> {
                    path.append("{}");
                    current = current.getType() == Schema.Type.MAP ? current.getValueType() : null;
                }
                case "symbols" -> {
                    return finish(path, root) + " (enum " + current.getName() + ")";
                }
                case "size" -> {
                    return finish(path, root) + " (fixed " + current.getName() + ")";
                }
                case "name" -> {
                    return path.length() == 0 ? "(name of record " + current.getFullName() + ")"
                            : path + " (name of " + current.getFullName() + ")";
                }
                default -> {
                    if (t.matches("\\d+") && current.getType() == Schema.Type.UNION) {
                        int branch = Integer.parseInt(t);
                        current = branch < current.getTypes().size() ? current.getTypes().get(branch) : null;
                    }
                }
            }
        }
        return finish(path, root);
    }

    private static String finish(StringBuilder path, Schema root) {
        return path.length() == 0 ? "(the whole record " + root.getFullName() + ")" : path.toString();
    }
}
